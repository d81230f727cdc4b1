# Run by `toy -m runnable` (tests/run_programs.rs): a package whose __main__ imports a sibling.
