//! Control flow: loops, `try`, `with`, `return` through open blocks, line numbers, jump
//! targets, the errors the compiler raises, and stack consistency on random programs.

use super::*;

#[test]
fn for_loop_with_break_continue_and_else() {
    let mut loop_stmt = for_(name("x"), name("xs"), vec![if_(name("a"), vec![brk()], vec![cont()])]);
    if let crate::syntax::ast::StmtKind::For { orelse, .. } = &mut loop_stmt.kind {
        *orelse = vec![expr(call(name("done"), vec![]))];
    }
    assert_eq!(
        module_ops(vec![loop_stmt]),
        s(&[
            "LoadName(xs)",
            "GetIter",
            "ForIter(11)",
            "StoreName(x)",
            "LoadName(a)",
            "PopJumpIfFalse(9)",
            "Pop",
            "Jump(14)",
            "Jump(10)",
            "JumpBackward(2)",
            "JumpBackward(2)",
            "LoadName(done)",
            "Call(0)",
            "Pop",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn while_true_skips_the_test_and_loops_backwards() {
    assert_eq!(
        module_ops(vec![while_(truth(), vec![expr(call(name("f"), vec![]))])]),
        s(&[
            "LoadName(f)",
            "Call(0)",
            "Pop",
            "JumpBackward(0)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
    assert_eq!(
        module_ops(vec![while_(
            boolop(BoolOp::And, vec![name("a"), unary(UnaryOp::Not, name("b"))]),
            vec![pass()]
        )]),
        s(&[
            "LoadName(a)",
            "PopJumpIfFalse(5)",
            "LoadName(b)",
            "PopJumpIfTrue(5)",
            "JumpBackward(0)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
}

#[test]
fn try_except_else_layout() {
    let t = try_(
        vec![expr(call(name("f"), vec![]))],
        vec![
            handler(Some(name("E")), Some("e"), vec![expr(name("e"))]),
            handler(None, None, vec![pass()]),
        ],
        vec![expr(name("ok"))],
        vec![],
    );
    assert_eq!(
        module_ops(vec![t]),
        s(&[
            "SetupTry(8)",
            "LoadName(f)",
            "Call(0)",
            "Pop",
            "PopBlock",
            "LoadName(ok)",
            "Pop",
            "Jump(28)",
            "LoadName(E)",
            "CheckExcMatch",
            "PopJumpIfFalse(25)",
            "StoreName(e)",
            "SetupTry(21)",
            "LoadName(e)",
            "Pop",
            "PopBlock",
            "PopExcept",
            "LoadConst(None)",
            "StoreName(e)",
            "DeleteName(e)",
            "Jump(28)",
            "LoadConst(None)",
            "StoreName(e)",
            "DeleteName(e)",
            "Reraise",
            "Pop",
            "PopExcept",
            "Jump(28)",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn return_inside_try_finally_inlines_the_finally_body_keeping_the_value() {
    let m = module(vec![def(
        "f",
        &[],
        vec![try_(
            vec![ret(Some(call(name("g"), vec![])))],
            vec![],
            vec![],
            vec![expr(call(name("cleanup"), vec![]))],
        )],
    )]);
    // The value stays on the stack while the finally body runs inline.
    assert_eq!(
        function_ops(&m, "f"),
        s(&[
            "SetupTry(13)",
            "LoadGlobal(g)",
            "Call(0)",
            "PopBlock",
            "LoadGlobal(cleanup)",
            "Call(0)",
            "Pop",
            "ReturnValue",
            "PopBlock",
            "LoadGlobal(cleanup)",
            "Call(0)",
            "Pop",
            "Jump(17)",
            "LoadGlobal(cleanup)",
            "Call(0)",
            "Pop",
            "Reraise",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn return_in_finally_handler_and_in_except_handler_unwind_their_blocks() {
    let m = module(vec![def(
        "f",
        &[],
        vec![try_(
            vec![pass()],
            vec![handler(Some(name("E")), Some("e"), vec![ret(Some(name("e")))])],
            vec![],
            vec![ret(Some(name("x")))],
        )],
    )]);
    // `return e` leaves the cleanup block and the handler, clears `e`, pops the finally
    // block and inlines the finally body, whose own `return x` drops the pending `e`.
    // The exceptional copy of the finally body drops the exception and the handler.
    assert_eq!(
        function_ops(&m, "f"),
        s(&[
            "SetupTry(36)",
            "SetupTry(4)",
            "PopBlock",
            "Jump(32)",
            "LoadGlobal(E)",
            "CheckExcMatch",
            "PopJumpIfFalse(31)",
            "StoreFast(e)",
            "SetupTry(27)",
            "LoadFast(e)",
            "PopBlock",
            "PopExcept",
            "LoadConst(None)",
            "StoreFast(e)",
            "DeleteFast(e)",
            "PopBlock",
            "LoadGlobal(x)",
            "Rot2",
            "Pop",
            "ReturnValue",
            "ReturnValue",
            "PopBlock",
            "PopExcept",
            "LoadConst(None)",
            "StoreFast(e)",
            "DeleteFast(e)",
            "Jump(32)",
            "LoadConst(None)",
            "StoreFast(e)",
            "DeleteFast(e)",
            "Reraise",
            "Reraise",
            "PopBlock",
            "LoadGlobal(x)",
            "ReturnValue",
            "Jump(42)",
            "LoadGlobal(x)",
            "Rot2",
            "Pop",
            "PopExcept",
            "ReturnValue",
            "Reraise",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn with_statement_layout_and_return_through_with() {
    let m = module(vec![def(
        "f",
        &[],
        vec![with(
            vec![(name("cm"), Some(name("v"))), (name("cm2"), None)],
            vec![ret(Some(name("v")))],
        )],
    )]);
    // `return v` leaves both with blocks, calling each `__exit__` under the value.
    assert_eq!(
        function_ops(&m, "f"),
        s(&[
            "LoadGlobal(cm)",
            "BeforeWith",
            "StoreFast(v)",
            "SetupTry(44)",
            "LoadGlobal(cm2)",
            "BeforeWith",
            "Pop",
            "SetupTry(31)",
            "LoadFast(v)",
            "PopBlock",
            "Rot2",
            "LoadConst(None)",
            "Dup",
            "Dup",
            "Call(3)",
            "Pop",
            "PopBlock",
            "Rot2",
            "LoadConst(None)",
            "Dup",
            "Dup",
            "Call(3)",
            "Pop",
            "ReturnValue",
            "PopBlock",
            "LoadConst(None)",
            "Dup",
            "Dup",
            "Call(3)",
            "Pop",
            "Jump(37)",
            "WithExceptStart",
            "PopJumpIfTrue(34)",
            "Reraise",
            "Pop",
            "PopExcept",
            "Pop",
            "PopBlock",
            "LoadConst(None)",
            "Dup",
            "Dup",
            "Call(3)",
            "Pop",
            "Jump(50)",
            "WithExceptStart",
            "PopJumpIfTrue(47)",
            "Reraise",
            "Pop",
            "PopExcept",
            "Pop",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn line_numbers_follow_statements_and_expressions() {
    let source = "x = 1\nif x:\n    y = (2 +\n         x)\n";
    let m = module(vec![
        assign(name("x").at(0), int(1).at(4)).at(0),
        if_(
            name("x").at(9),
            vec![
                assign(
                    name("y").at(16),
                    bin(int(2).at(21), BinOp::Add, name("x").at(34)).at(21),
                )
                .at(16),
            ],
            vec![],
        )
        .at(6),
    ]);
    let code = crate::compile::compile_module(&m, source, "t.py").unwrap();
    assert_eq!(code.instructions.len(), code.lines.len());
    assert_eq!(code.lines, vec![1, 1, 2, 2, 3, 4, 3, 3, 3, 3]);
}

#[test]
fn jumps_stay_in_bounds_and_back_edges_are_jump_backward() {
    // A program touching every construct with jumps; `compile` already runs the checker
    // (debug builds), this makes the properties explicit.
    let m = module(vec![def(
        "f",
        &["xs"],
        vec![
            for_(
                name("x"),
                name("xs"),
                vec![
                    while_(name("x"), vec![if_(name("x"), vec![cont()], vec![brk()])]),
                    try_(
                        vec![with(vec![(name("cm"), None)], vec![cont()])],
                        vec![handler(Some(name("E")), None, vec![brk()])],
                        vec![],
                        vec![pass()],
                    ),
                ],
            ),
            expr(listcomp(
                name("y"),
                vec![comp(name("y"), name("xs"), vec![name("y"), name("y")])],
            )),
            ret(Some(boolop(
                BoolOp::And,
                vec![
                    name("a"),
                    compare(name("a"), vec![(CmpOp::Lt, name("b")), (CmpOp::Lt, name("c"))]),
                ],
            ))),
        ],
    )]);
    let code = compile(&m);
    let mut pending = vec![code.as_ref()];
    while let Some(c) = pending.pop() {
        for (i, instr) in c.instructions.iter().enumerate() {
            if let Some(t) = instr.jump_target() {
                assert!((t as usize) < c.instructions.len(), "{} {i}: {instr:?}", c.name);
                assert_eq!(
                    t as usize <= i,
                    matches!(instr, Instr::JumpBackward(_)),
                    "{} {i}: {instr:?}",
                    c.name
                );
            }
        }
        assert!(max_stack_depth(c).is_ok(), "{}", c.name);
        pending.extend(c.constants.iter().filter_map(|k| match k {
            Constant::Code(inner) => Some(inner.as_ref()),
            _ => None,
        }));
    }
}

fn err(m: Module) -> (String, usize) {
    let e = compile_err(&m);
    (e.msg, e.offset)
}

#[test]
fn control_flow_errors() {
    assert_eq!(
        err(module(vec![ret(None).at(3)])),
        ("'return' outside function".into(), 3)
    );
    assert_eq!(
        err(module(vec![class("C", vec![ret(None).at(7)])])),
        ("'return' outside function".into(), 7)
    );
    assert_eq!(err(module(vec![brk().at(2)])), ("'break' outside loop".into(), 2));
    assert_eq!(
        err(module(vec![cont().at(4)])),
        ("'continue' not properly in loop".into(), 4)
    );
    // A loop outside the function does not count.
    assert_eq!(
        err(module(vec![while_(truth(), vec![def("f", &[], vec![brk().at(9)])])])),
        ("'break' outside loop".into(), 9)
    );
    // `continue` in a finally body is fine (3.8+).
    compile(&module(vec![for_(
        name("x"),
        name("y"),
        vec![try_(vec![pass()], vec![], vec![], vec![cont()])],
    )]));
    assert_eq!(
        err(module(vec![try_(
            vec![pass()],
            vec![
                handler(None, None, vec![pass()]),
                handler(Some(name("E")), None, vec![pass()])
            ],
            vec![],
            vec![]
        )]))
        .0,
        "default 'except:' must be last"
    );
}

#[test]
fn starred_assignment_errors() {
    assert_eq!(
        err(module(vec![assign(
            tuple(vec![starred(name("a")), starred(name("b").at(5)).at(4)]),
            name("c")
        )])),
        ("multiple starred expressions in assignment".into(), 4)
    );
    assert_eq!(
        err(module(vec![assign(starred(name("a")).at(1), name("c"))])),
        ("starred assignment target must be in a list or tuple".into(), 1)
    );
    assert_eq!(
        err(module(vec![assign(name("a"), starred(name("b")).at(4))])),
        ("can't use starred expression here".into(), 4)
    );
    assert_eq!(
        err(module(vec![for_(starred(name("a")).at(4), name("b"), vec![pass()])])).0,
        "starred assignment target must be in a list or tuple"
    );
}

#[test]
fn other_compile_errors() {
    assert_eq!(
        err(module(vec![assign(call(name("f"), vec![]).at(0), int(1))])).0,
        "cannot assign to function call"
    );
    assert_eq!(err(module(vec![del(vec![int(1)])])).0, "cannot delete literal");
    assert_eq!(
        err(module(vec![aug(tuple(vec![name("a"), name("b")]), BinOp::Add, int(1))])).0,
        "'tuple' is an illegal expression for augmented assignment"
    );
    assert_eq!(
        err(module(vec![expr(call_kw(
            name("f"),
            vec![],
            vec![(Some("a"), int(1)), (Some("a"), int(2))]
        ))]))
        .0,
        "keyword argument repeated: a"
    );
    assert_eq!(
        err(module(vec![expr(await_(name("x")).at(3))])),
        ("'await' outside function".into(), 3)
    );
}

fn nested_calls(depth: usize) -> Module {
    let mut e = name("x");
    for _ in 0..depth {
        e = call(name("f"), vec![e]);
    }
    module(vec![expr(e)])
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
    // Run on a small stack: the compiler must not depend on the caller's stack size.
    let result = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let ok = crate::compile::compile_module(&nested_calls(900), "", "t.py").is_ok();
            let too_deep = crate::compile::compile_module(&nested_calls(5000), "", "t.py")
                .map(|_| ())
                .map_err(|e| e.msg);
            (ok, too_deep)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, (true, Err("too many nested expressions".to_string())));
}

#[test]
fn long_operator_chains_compile_iteratively() {
    let mut e = name("a");
    for _ in 0..20_000 {
        e = bin(e, BinOp::Add, name("a"));
    }
    let m = module(vec![assign(name("x"), e)]);
    let code = compile(&m);
    assert_eq!(code.instructions.len(), 2 * 20_000 + 1 + 3);
    // Dropping such a tree recurses (the parser's concern); take it apart iteratively here.
    let mut m = m;
    if let crate::syntax::ast::StmtKind::Assign { value, .. } = &mut m.body[0].kind {
        let mut cur = std::mem::replace(value, name("a"));
        while let crate::syntax::ast::ExprKind::BinOp { left, .. } = cur.kind {
            cur = *left;
        }
    }
}

/// Tiny deterministic generator (no extra dependencies).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn random_block(rng: &mut Lcg, depth: u32, in_loop: bool) -> Vec<crate::syntax::ast::Stmt> {
    let n = 1 + rng.below(3);
    (0..n).map(|_| random_stmt(rng, depth, in_loop)).collect()
}

fn random_stmt(rng: &mut Lcg, depth: u32, in_loop: bool) -> crate::syntax::ast::Stmt {
    let leaf = depth == 0 || rng.below(3) == 0;
    let choice = if leaf { rng.below(6) } else { 6 + rng.below(7) };
    let sub = |rng: &mut Lcg, in_loop| random_block(rng, depth - 1, in_loop);
    match choice {
        0 => ret(Some(call(name("v"), vec![]))),
        1 => ret(None),
        2 if in_loop => brk(),
        3 if in_loop => cont(),
        4 => expr(call(name("f"), vec![name("x")])),
        // break/continue outside a loop, and 5
        2..=5 => assign(name("x"), name("y")),
        6 => for_(name("i"), name("xs"), sub(rng, true)),
        7 => while_(name("c"), sub(rng, true)),
        8 => try_(
            sub(rng, in_loop),
            vec![handler(Some(name("E")), Some("e"), sub(rng, in_loop))],
            vec![],
            vec![],
        ),
        9 => try_(sub(rng, in_loop), vec![], vec![], sub(rng, in_loop)),
        10 => try_(
            sub(rng, in_loop),
            vec![handler(None, None, sub(rng, in_loop))],
            sub(rng, in_loop),
            sub(rng, in_loop),
        ),
        11 => with(
            vec![(name("cm"), Some(name("v"))), (name("cm2"), None)],
            sub(rng, in_loop),
        ),
        _ => if_(name("c"), sub(rng, in_loop), sub(rng, in_loop)),
    }
}

#[test]
fn random_control_flow_keeps_the_stack_consistent() {
    // Depth 3: finally bodies are inlined at every exit, so deeper trees grow exponentially
    // (as in CPython 3.9's compiler).
    let mut rng = Lcg(7);
    for _ in 0..1000 {
        let body = random_block(&mut rng, 3, false);
        let m = module(vec![def("f", &[], body)]);
        if let Err(e) = crate::compile::compile_module(&m, "", "t.py") {
            panic!("{e}\n{m:#?}");
        }
    }
}
