//! Generates the LALR parser from `grammar/toy.lalrpop` into `$OUT_DIR/toy.rs`.

fn main() {
    if let Err(e) = lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .emit_rerun_directives(true)
        .process()
    {
        panic!("lalrpop failed to process the grammar: {e}");
    }
}
