//! The code generator's output for small programs, instruction by instruction.

use crate::compile::bytecode::{Constant, Instr, code_flags, make_function_flags};
use crate::compile::stack::max_stack_depth;
use crate::compile::testutil::*;
use crate::syntax::ast::{BinOp, BoolOp, CmpOp, FStringPart, Module, Param, Params, UnaryOp};

mod control_flow;

fn module_ops(body: Vec<crate::syntax::ast::Stmt>) -> Vec<String> {
    ops(&compile(&module(body)))
}

fn function_ops(m: &Module, name: &str) -> Vec<String> {
    ops(find_code(&compile(m), name))
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

#[test]
fn module_assignment_and_implicit_return() {
    assert_eq!(
        module_ops(vec![
            assign(name("x"), int(1)),
            expr(call(name("print"), vec![name("x")]))
        ]),
        s(&[
            "LoadConst(1)",
            "StoreName(x)",
            "LoadName(print)",
            "LoadName(x)",
            "Call(1)",
            "Pop",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
}

#[test]
fn function_locals_globals_and_docstring() {
    let m = module(vec![def(
        "f",
        &["a"],
        vec![expr(string("doc")), assign(name("b"), name("a")), ret(Some(name("c")))],
    )]);
    let code = compile(&m);
    assert_eq!(
        ops(&code),
        s(&[
            "LoadConst(<code f at t.py:1>)",
            "MakeFunction(0)",
            "StoreName(f)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
    let f = find_code(&code, "f");
    assert_eq!(f.constants[0], Constant::Str("doc".into()));
    assert_eq!(f.varnames, s(&["a", "b"]));
    assert_eq!(f.argcount, 1);
    // The explicit return makes the implicit one unnecessary.
    assert_eq!(
        ops(f),
        s(&["LoadFast(a)", "StoreFast(b)", "LoadGlobal(c)", "ReturnValue"])
    );
}

#[test]
fn closures_use_cells_and_free_variables() {
    let m = module(vec![def(
        "f",
        &["a"],
        vec![def("g", &[], vec![ret(Some(name("a")))]), ret(Some(name("g")))],
    )]);
    let code = compile(&m);
    let f = find_code(&code, "f");
    assert_eq!(f.cellvars, s(&["a"]));
    assert_eq!(f.cell_params, vec![(0, 0)]);
    assert_eq!(
        ops(f),
        s(&[
            "LoadClosure(a)",
            "BuildTuple(1)",
            "LoadConst(<code g at t.py:1>)",
            "MakeFunction(4)",
            "StoreFast(g)",
            "LoadFast(g)",
            "ReturnValue"
        ])
    );
    let g = find_code(&code, "g");
    assert_eq!(g.freevars, s(&["a"]));
    assert_eq!(g.qualname, "f.<locals>.g");
    assert_eq!(ops(g), s(&["LoadDeref(a)", "ReturnValue"]));
}

#[test]
fn nonlocal_and_global_statements() {
    let m = module(vec![def(
        "f",
        &[],
        vec![
            assign(name("x"), int(0)),
            def(
                "g",
                &[],
                vec![
                    nonlocal(&["x"]),
                    global(&["y"]),
                    assign(name("x"), int(1)),
                    assign(name("y"), int(2)),
                ],
            ),
        ],
    )]);
    let g = function_ops(&m, "g");
    assert_eq!(
        g,
        s(&[
            "LoadConst(1)",
            "StoreDeref(x)",
            "LoadConst(2)",
            "StoreGlobal(y)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
}

#[test]
fn class_body_layout_and_class_cell() {
    let m = module(vec![class(
        "C",
        vec![
            expr(string("doc")),
            def(
                "m",
                &["self"],
                vec![ret(Some(call(attr(call(name("super"), vec![]), "m"), vec![])))],
            ),
        ],
    )]);
    let code = compile(&m);
    assert_eq!(
        ops(&code),
        s(&[
            "LoadBuildClass",
            "LoadConst(<code C at t.py:1>)",
            "MakeFunction(0)",
            "LoadConst('C')",
            "Call(2)",
            "StoreName(C)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
    let c = find_code(&code, "C");
    assert_eq!(c.cellvars, s(&["__class__"]));
    assert_eq!(
        ops(c),
        s(&[
            "LoadName(__name__)",
            "StoreName(__module__)",
            "LoadConst('C')",
            "StoreName(__qualname__)",
            "LoadConst('doc')",
            "StoreName(__doc__)",
            "LoadClosure(__class__)",
            "BuildTuple(1)",
            "LoadConst(<code m at t.py:1>)",
            "MakeFunction(4)",
            "StoreName(m)",
            "LoadClosure(__class__)",
            "ReturnValue",
        ])
    );
    let method = find_code(&code, "m");
    assert_eq!(method.freevars, s(&["__class__"]));
    assert_eq!(method.qualname, "C.m");
    assert_eq!(
        ops(method),
        s(&[
            "LoadGlobal(super)",
            "Call(0)",
            "LoadMethod(m)",
            "CallMethod(0)",
            "ReturnValue"
        ])
    );
}

#[test]
fn class_without_cell_returns_none_and_reads_enclosing_cells_via_class_deref() {
    let m = module(vec![def(
        "f",
        &[],
        vec![
            assign(name("y"), int(1)),
            class("C", vec![assign(name("z"), name("y"))]),
        ],
    )]);
    let code = compile(&m);
    let c = find_code(&code, "C");
    assert_eq!(c.qualname, "f.<locals>.C");
    assert_eq!(c.freevars, s(&["y"]));
    assert_eq!(
        &ops(c)[4..],
        s(&["LoadClassDeref(y, y)", "StoreName(z)", "LoadConst(None)", "ReturnValue"])
    );
    let f = find_code(&code, "f");
    assert!(ops(f).contains(&"LoadClosure(y)".to_string()));
}

#[test]
fn class_bases_keywords_and_decorators() {
    let mut stmt = class("C", vec![pass()]);
    if let crate::syntax::ast::StmtKind::ClassDef(c) = &mut stmt.kind {
        c.bases = vec![name("B")];
        c.keywords = vec![crate::syntax::ast::Keyword {
            span: Default::default(),
            arg: Some("metaclass".into()),
            value: name("M"),
        }];
        c.decorators = vec![name("deco")];
    }
    assert_eq!(
        module_ops(vec![stmt]),
        s(&[
            "LoadName(deco)",
            "LoadBuildClass",
            "LoadConst(<code C at t.py:1>)",
            "MakeFunction(0)",
            "LoadConst('C')",
            "LoadName(B)",
            "LoadName(M)",
            "LoadConst(('metaclass',))",
            "CallKw(4)",
            "Call(1)",
            "StoreName(C)",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn function_defaults_kwdefaults_and_decorators() {
    let with_default = |n: &str, d| Param {
        default: Some(d),
        ..param(n)
    };
    let p = Params {
        args: vec![param("a"), with_default("b", int(1)), with_default("c", name("v"))],
        kwonly: vec![with_default("k", int(2))],
        vararg: Some(param("rest")),
        kwarg: Some(param("kw")),
        ..Params::default()
    };
    let mut stmt = def_with("f", p, vec![pass()]);
    if let crate::syntax::ast::StmtKind::FunctionDef(f) = &mut stmt.kind {
        f.decorators = vec![name("d1"), name("d2")];
    }
    let code = compile(&module(vec![stmt]));
    let flags = make_function_flags::DEFAULTS | make_function_flags::KW_DEFAULTS;
    assert_eq!(
        ops(&code)[..12],
        s(&[
            "LoadName(d1)",
            "LoadName(d2)",
            "LoadConst(1)",
            "LoadName(v)",
            "BuildTuple(2)",
            "LoadConst('k')",
            "LoadConst(2)",
            "BuildMap(1)",
            "LoadConst(<code f at t.py:1>)",
            &format!("MakeFunction({flags})"),
            "Call(1)",
            "Call(1)",
        ])
    );
    let f = find_code(&code, "f");
    assert_eq!(f.varnames, s(&["a", "b", "c", "k", "rest", "kw"]));
    assert_eq!((f.argcount, f.kwonlyargcount, f.total_params()), (3, 1, 6));
    assert_eq!(f.flags, code_flags::VARARGS | code_flags::VARKEYWORDS);
    // Constant defaults fold into one tuple constant.
    let p = Params {
        args: vec![
            with_default("a", int(1)),
            with_default("b", unary(UnaryOp::Neg, int(2))),
        ],
        ..Params::default()
    };
    assert_eq!(
        module_ops(vec![def_with("g", p, vec![pass()])])[0],
        "LoadConst((1, -2))"
    );
}

#[test]
fn lambda_and_generator_lambda() {
    let code = compile(&module(vec![
        assign(name("f"), lambda(&["x"], name("x"))),
        assign(name("g"), lambda(&[], yield_(None))),
    ]));
    let lambdas: Vec<_> = code
        .constants
        .iter()
        .filter_map(|c| match c {
            Constant::Code(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(lambdas[0].qualname, "<lambda>");
    assert_eq!(ops(&lambdas[0]), s(&["LoadFast(x)", "ReturnValue"]));
    assert!(lambdas[1].is_generator());
    assert_eq!(
        ops(&lambdas[1]),
        s(&["LoadConst(None)", "YieldValue", "Pop", "LoadConst(None)", "ReturnValue"])
    );
}

#[test]
fn list_comprehension_is_a_function_of_the_outer_iterator() {
    let m = module(vec![def(
        "f",
        &["n"],
        vec![ret(Some(listcomp(
            bin(name("i"), BinOp::Mul, name("n")),
            vec![comp(name("i"), name("xs"), vec![name("i")])],
        )))],
    )]);
    let code = compile(&m);
    assert_eq!(
        ops(find_code(&code, "f")),
        s(&[
            "LoadClosure(n)",
            "BuildTuple(1)",
            "LoadConst(<code <listcomp> at t.py:1>)",
            "MakeFunction(4)",
            "LoadGlobal(xs)",
            "GetIter",
            "Call(1)",
            "ReturnValue",
        ])
    );
    let comp_code = find_code(&code, "<listcomp>");
    assert_eq!(comp_code.qualname, "f.<locals>.<listcomp>");
    assert_eq!(comp_code.varnames, s(&[".0", "i"]));
    assert_eq!(comp_code.argcount, 1);
    assert_eq!(
        ops(comp_code),
        s(&[
            "BuildList(0)",
            "LoadFast(.0)",
            "ForIter(11)",
            "StoreFast(i)",
            "LoadFast(i)",
            "PopJumpIfFalse(10)",
            "LoadFast(i)",
            "LoadDeref(n)",
            "Binary(Mul)",
            "ListAppend(2)",
            "JumpBackward(2)",
            "ReturnValue",
        ])
    );
}

#[test]
fn nested_generators_append_to_the_list_below_all_iterators() {
    let m = module(vec![expr(listcomp(
        tuple(vec![name("a"), name("b")]),
        vec![comp(name("a"), name("xs"), vec![]), comp(name("b"), name("a"), vec![])],
    ))]);
    let code = compile(&m);
    let c = find_code(&code, "<listcomp>");
    assert_eq!(c.qualname, "<listcomp>");
    assert_eq!(
        ops(c),
        s(&[
            "BuildList(0)",
            "LoadFast(.0)",
            "ForIter(14)",
            "StoreFast(a)",
            "LoadFast(a)",
            "GetIter",
            "ForIter(13)",
            "StoreFast(b)",
            "LoadFast(a)",
            "LoadFast(b)",
            "BuildTuple(2)",
            "ListAppend(3)",
            "JumpBackward(6)",
            "JumpBackward(2)",
            "ReturnValue",
        ])
    );
}

#[test]
fn dict_comprehension_and_generator_expression() {
    let code = compile(&module(vec![
        expr(dictcomp(
            name("k"),
            name("v"),
            vec![comp(tuple(vec![name("k"), name("v")]), name("items"), vec![])],
        )),
        expr(genexp(name("x"), vec![comp(name("x"), name("xs"), vec![])])),
    ]));
    assert_eq!(
        ops(find_code(&code, "<dictcomp>")),
        s(&[
            "BuildMap(0)",
            "LoadFast(.0)",
            "ForIter(10)",
            "UnpackSequence(2)",
            "StoreFast(k)",
            "StoreFast(v)",
            "LoadFast(k)",
            "LoadFast(v)",
            "MapAdd(2)",
            "JumpBackward(2)",
            "ReturnValue",
        ])
    );
    let g = find_code(&code, "<genexpr>");
    assert!(g.is_generator());
    assert_eq!(
        ops(g),
        s(&[
            "LoadFast(.0)",
            "ForIter(7)",
            "StoreFast(x)",
            "LoadFast(x)",
            "YieldValue",
            "Pop",
            "JumpBackward(1)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
}

#[test]
fn walrus_in_comprehension_binds_in_enclosing_function() {
    let m = module(vec![def(
        "f",
        &[],
        vec![
            expr(listcomp(
                walrus("y", name("i")),
                vec![comp(name("i"), name("xs"), vec![])],
            )),
            ret(Some(name("y"))),
        ],
    )]);
    let code = compile(&m);
    assert_eq!(find_code(&code, "f").cellvars, s(&["y"]));
    assert!(ops(find_code(&code, "<listcomp>")).contains(&"StoreDeref(y)".to_string()));
    // At module level the target is a global, in the comprehension and in the module.
    let m = module(vec![
        expr(listcomp(
            walrus("y", name("i")),
            vec![comp(name("i"), name("xs"), vec![])],
        )),
        expr(name("y")),
    ]);
    let code = compile(&m);
    assert!(ops(find_code(&code, "<listcomp>")).contains(&"StoreGlobal(y)".to_string()));
    assert!(ops(&code).contains(&"LoadGlobal(y)".to_string()));
}

#[test]
fn calls_keywords_star_args_and_methods() {
    assert_eq!(
        module_ops(vec![expr(call_kw(name("f"), vec![int(1)], vec![(Some("k"), int(2))]))])[..5],
        s(&[
            "LoadName(f)",
            "LoadConst(1)",
            "LoadConst(2)",
            "LoadConst(('k',))",
            "CallKw(2)"
        ])
    );
    assert_eq!(
        module_ops(vec![expr(call_kw(
            name("f"),
            vec![name("a"), starred(name("b"))],
            vec![(Some("k"), int(1)), (None, name("m"))]
        ))])[..12],
        s(&[
            "LoadName(f)",
            "LoadName(a)",
            "BuildList(1)",
            "LoadName(b)",
            "ListExtend(1)",
            "ListToTuple",
            "LoadConst('k')",
            "LoadConst(1)",
            "BuildMap(1)",
            "LoadName(m)",
            "DictMerge(1)",
            "CallEx(1)",
        ])
    );
    assert_eq!(
        module_ops(vec![expr(call(attr(name("o"), "m"), vec![int(1)]))])[..4],
        s(&["LoadName(o)", "LoadMethod(m)", "LoadConst(1)", "CallMethod(1)"])
    );
    // Keywords on a method call take the generic path.
    assert_eq!(
        module_ops(vec![expr(call_kw(
            attr(name("o"), "m"),
            vec![],
            vec![(Some("k"), int(1))]
        ))])[..5],
        s(&[
            "LoadName(o)",
            "LoadAttr(m)",
            "LoadConst(1)",
            "LoadConst(('k',))",
            "CallKw(1)"
        ])
    );
}

#[test]
fn constant_set_displays_become_frozenset_constants() {
    let m = module(vec![
        // Three or more constants: an empty set updated from a frozenset; fewer: added.
        expr(set(vec![int(3), int(1), int(2)])),
        expr(set(vec![int(3), name("x"), int(2)])),
        expr(set(vec![int(3), int(1)])),
        // Only iterated or searched: the frozenset itself, whatever the size.
        for_(name("x"), set(vec![int(7), int(15)]), vec![pass()]),
        expr(compare(name("x"), vec![(CmpOp::In, set(vec![int(15), int(7)]))])),
        def("f", &[], vec![ret(Some(set(vec![int(2), int(1), int(3), int(1)])))]),
    ]);
    assert_eq!(
        module_ops(m.body[..5].to_vec()),
        s(&[
            "BuildSet(0)",
            "LoadConst(frozenset({3, 1, 2}))",
            "SetUpdate(1)",
            "Pop",
            "LoadConst(3)",
            "LoadName(x)",
            "LoadConst(2)",
            "BuildSet(3)",
            "Pop",
            "LoadConst(3)",
            "LoadConst(1)",
            "BuildSet(2)",
            "Pop",
            "LoadConst(frozenset({7, 15}))",
            "GetIter",
            "ForIter(18)",
            "StoreName(x)",
            "JumpBackward(15)",
            // Equal frozensets are one constant module-wide: the first one seen.
            "LoadName(x)",
            "LoadConst(frozenset({7, 15}))",
            "Compare(In)",
            "Pop",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
    // Also across code objects.
    assert_eq!(
        function_ops(&m, "f")[..3],
        s(&["BuildSet(0)", "LoadConst(frozenset({3, 1, 2}))", "SetUpdate(1)"])
    );
}

#[test]
fn constants_fold_and_deduplicate() {
    let code = compile(&module(vec![
        assign(name("a"), unary(UnaryOp::Neg, int(5))),
        assign(
            name("b"),
            tuple(vec![int(1), tuple(vec![string("x"), float(-0.0)]), none()]),
        ),
        assign(name("c"), int(1)),
        assign(name("d"), unary(UnaryOp::Neg, float(0.0))),
        assign(name("e"), truth()),
    ]));
    assert_eq!(
        ops(&code)[..10],
        s(&[
            "LoadConst(-5)",
            "StoreName(a)",
            "LoadConst((1, ('x', -0.0), None))",
            "StoreName(b)",
            "LoadConst(1)",
            "StoreName(c)",
            "LoadConst(-0.0)",
            "StoreName(d)",
            "LoadConst(True)",
            "StoreName(e)",
        ])
    );
    // `1` is shared, `True` is not merged with it, and `-0.0` kept apart from `0.0`.
    assert_eq!(
        code.constants.iter().filter(|c| **c == Constant::Int(1.into())).count(),
        1
    );
    assert!(code.constants.contains(&Constant::Bool(true)));
}

#[test]
fn comparison_chains_and_bool_ops() {
    assert_eq!(
        module_ops(vec![expr(compare(
            name("a"),
            vec![(CmpOp::Lt, name("b")), (CmpOp::LtE, name("c"))]
        ))]),
        s(&[
            "LoadName(a)",
            "LoadName(b)",
            "Dup",
            "Rot3",
            "Compare(Lt)",
            "JumpIfFalseOrPop(9)",
            "LoadName(c)",
            "Compare(LtE)",
            "Jump(11)",
            "Rot2",
            "Pop",
            "Pop",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
    assert_eq!(
        module_ops(vec![expr(boolop(BoolOp::Or, vec![name("a"), name("b"), name("c")]))])[..5],
        s(&[
            "LoadName(a)",
            "JumpIfTrueOrPop(5)",
            "LoadName(b)",
            "JumpIfTrueOrPop(5)",
            "LoadName(c)"
        ])
    );
}

#[test]
fn assignment_targets_unpacking_and_chained() {
    assert_eq!(
        module_ops(vec![assign(
            tuple(vec![name("a"), starred(name("b")), name("c")]),
            name("d")
        )])[..5],
        s(&[
            "LoadName(d)",
            "UnpackEx { before: 1, after: 1 }",
            "StoreName(a)",
            "StoreName(b)",
            "StoreName(c)"
        ])
    );
    assert_eq!(
        module_ops(vec![assign_many(
            vec![name("a"), attr(name("o"), "x"), subscript(name("s"), int(0))],
            int(1)
        )])[..9],
        s(&[
            "LoadConst(1)",
            "Dup",
            "StoreName(a)",
            "Dup",
            "LoadName(o)",
            "StoreAttr(x)",
            "LoadName(s)",
            "LoadConst(0)",
            "StoreSubscr"
        ])
    );
    assert_eq!(
        module_ops(vec![assign(
            list(vec![name("a"), tuple(vec![name("b"), name("c")])]),
            name("d")
        )])[..6],
        s(&[
            "LoadName(d)",
            "UnpackSequence(2)",
            "StoreName(a)",
            "UnpackSequence(2)",
            "StoreName(b)",
            "StoreName(c)"
        ])
    );
}

#[test]
fn augmented_assignment_forms() {
    assert_eq!(
        module_ops(vec![aug(name("x"), BinOp::Add, int(1))])[..4],
        s(&["LoadName(x)", "LoadConst(1)", "InPlace(Add)", "StoreName(x)"])
    );
    assert_eq!(
        module_ops(vec![aug(attr(name("o"), "a"), BinOp::Mul, int(2))])[..7],
        s(&[
            "LoadName(o)",
            "Dup",
            "LoadAttr(a)",
            "LoadConst(2)",
            "InPlace(Mul)",
            "Rot2",
            "StoreAttr(a)"
        ])
    );
    assert_eq!(
        module_ops(vec![aug(subscript(name("s"), name("i")), BinOp::Sub, int(3))])[..8],
        s(&[
            "LoadName(s)",
            "LoadName(i)",
            "DupTop2",
            "BinarySubscr",
            "LoadConst(3)",
            "InPlace(Sub)",
            "Rot3",
            "StoreSubscr"
        ])
    );
}

#[test]
fn delete_assert_raise_and_imports() {
    assert_eq!(
        module_ops(vec![del(vec![
            name("a"),
            attr(name("o"), "b"),
            tuple(vec![subscript(name("s"), int(0))])
        ])])[..6],
        s(&[
            "DeleteName(a)",
            "LoadName(o)",
            "DeleteAttr(b)",
            "LoadName(s)",
            "LoadConst(0)",
            "DeleteSubscr"
        ])
    );
    let mut assert_stmt = pass();
    assert_stmt.kind = crate::syntax::ast::StmtKind::Assert {
        test: name("t"),
        msg: Some(string("m")),
    };
    assert_eq!(
        module_ops(vec![assert_stmt]),
        s(&[
            "LoadName(t)",
            "PopJumpIfTrue(6)",
            "LoadAssertionError",
            "LoadConst('m')",
            "Call(1)",
            "Raise(1)",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
    assert_eq!(
        module_ops(vec![import("a.b.c", None), import("a.b", Some("d"))]),
        s(&[
            "LoadConst(0)",
            "LoadConst(None)",
            "ImportName(a.b.c)",
            "StoreName(a)",
            "LoadConst(0)",
            "LoadConst(None)",
            "ImportName(a.b)",
            "LoadAttr(b)",
            "StoreName(d)",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
    assert_eq!(
        module_ops(vec![
            import_from("m", &[("x", Some("y")), ("z", None)], 1),
            import_from("n", &[], 0)
        ]),
        s(&[
            "LoadConst(1)",
            "LoadConst(('x', 'z'))",
            "ImportName(m)",
            "ImportFrom(x)",
            "StoreName(y)",
            "ImportFrom(z)",
            "StoreName(z)",
            "Pop",
            "LoadConst(0)",
            "LoadConst(('*',))",
            "ImportName(n)",
            "ImportStar",
            "LoadConst(None)",
            "ReturnValue",
        ])
    );
}

#[test]
fn displays_with_starred_items_and_dict_unpacking() {
    assert_eq!(
        module_ops(vec![expr(list(vec![name("a"), starred(name("b")), name("c")]))])[..6],
        s(&[
            "LoadName(a)",
            "BuildList(1)",
            "LoadName(b)",
            "ListExtend(1)",
            "LoadName(c)",
            "ListAppend(1)"
        ])
    );
    assert_eq!(
        module_ops(vec![expr(dict(vec![
            (Some(string("k")), int(1)),
            (None, name("m")),
            (Some(name("j")), int(2))
        ]))])[..10],
        s(&[
            "LoadConst('k')",
            "LoadConst(1)",
            "BuildMap(1)",
            "LoadName(m)",
            "DictUpdate(1)",
            "LoadName(j)",
            "LoadConst(2)",
            "BuildMap(1)",
            "DictUpdate(1)",
            "Pop",
        ])
    );
    // Long displays are built incrementally to bound the stack.
    let long: Vec<_> = (0..40).map(|i| name(&format!("v{i}"))).collect();
    let code = compile(&module(vec![expr(list(long))]));
    assert_eq!(max_stack_depth(&code), Ok(2));
}

#[test]
fn fstrings_slices_and_subscripts() {
    let spec = vec![
        FStringPart::Literal(">".into()),
        FStringPart::Formatted {
            value: Box::new(name("w")),
            conversion: None,
            format_spec: None,
        },
    ];
    let f = fstring(vec![
        FStringPart::Formatted {
            value: Box::new(name("a")),
            conversion: Some('r'),
            format_spec: Some(spec),
        },
        FStringPart::Literal(" and ".into()),
    ]);
    assert_eq!(
        module_ops(vec![expr(f)])[..8],
        s(&[
            "LoadName(a)",
            "LoadConst('>')",
            "LoadName(w)",
            "FormatValue(0)",
            "BuildString(2)",
            "FormatValue(6)",
            "LoadConst(' and ')",
            "BuildString(2)"
        ])
    );
    assert_eq!(
        module_ops(vec![expr(fstring(vec![FStringPart::Literal("x".into())]))])[0],
        "LoadConst('x')"
    );
    let slice = crate::syntax::ast::Expr {
        span: Default::default(),
        kind: crate::syntax::ast::ExprKind::Slice {
            lower: None,
            upper: Some(Box::new(int(2))),
            step: None,
        },
    };
    assert_eq!(
        module_ops(vec![expr(subscript(name("s"), slice))])[..5],
        s(&[
            "LoadName(s)",
            "LoadConst(None)",
            "LoadConst(2)",
            "BuildSlice(2)",
            "BinarySubscr"
        ])
    );
}

#[test]
fn generators_yield_from_and_await() {
    let m = module(vec![def(
        "g",
        &[],
        vec![
            expr(yield_(Some(int(1)))),
            expr(crate::syntax::ast::Expr {
                span: Default::default(),
                kind: crate::syntax::ast::ExprKind::YieldFrom(Box::new(name("it"))),
            }),
        ],
    )]);
    let code = compile(&m);
    let g = find_code(&code, "g");
    assert!(g.is_generator());
    assert_eq!(
        ops(g),
        s(&[
            "LoadConst(1)",
            "YieldValue",
            "Pop",
            "LoadGlobal(it)",
            "GetYieldFromIter",
            "LoadConst(None)",
            "YieldFrom",
            "Pop",
            "LoadConst(None)",
            "ReturnValue"
        ])
    );
    let m = module(vec![async_def("a", &[], vec![expr(await_(name("x")))])]);
    assert_eq!(
        function_ops(&m, "a")[..5],
        s(&["LoadGlobal(x)", "GetAwaitable", "LoadConst(None)", "YieldFrom", "Pop"])
    );
}

#[test]
fn private_names_are_mangled_in_classes() {
    let m = module(vec![class(
        "_Foo",
        vec![def(
            "m",
            &["self"],
            vec![
                assign(attr(name("self"), "__x"), name("__y")),
                assign(name("__z"), int(1)),
            ],
        )],
    )]);
    let code = compile(&m);
    let method = find_code(&code, "m");
    assert_eq!(
        &ops(method)[..5],
        s(&[
            "LoadGlobal(_Foo__y)",
            "LoadFast(self)",
            "StoreAttr(_Foo__x)",
            "LoadConst(1)",
            "StoreFast(_Foo__z)"
        ])
    );
}
