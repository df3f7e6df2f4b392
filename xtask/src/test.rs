//! `cargo xtask test`: every check CI makes, in the order that fails fastest.

use crate::run::{cargo, step};

pub fn run() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    step("cargo fmt --check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    step("cargo clippy --all-targets -- -D warnings", clippy)?;

    let mut test = cargo();
    test.args(["test", "--workspace"]);
    step("cargo test --workspace", test)?;

    crate::header::run(true)?;
    crate::ctest::run()?;

    crate::python::test()?;

    // The README's main command, end to end: it checks every verdict it prints.
    crate::demo::run()?;

    crate::interop::run()?;

    println!("==> all checks passed");
    Ok(())
}
