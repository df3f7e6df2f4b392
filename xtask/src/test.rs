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

    // The Rust API's everyday flows, as a service writes them: built above, run here.
    let mut axum_example = cargo();
    axum_example.args([
        "run",
        "--quiet",
        "-p",
        "jwt-crypto",
        "--example",
        "axum_service",
        "--",
        "--self-test",
    ]);
    step("the axum example service (login, orders)", axum_example)?;

    // The workspace builds jwt-crypto on its default backend (ring); the suites of the crates
    // that choose a backend (vectors, Wycheproof, properties, keys; the remote key source over
    // rustls) run again on the other one.
    for package in ["jwt-crypto", "jwt-jwks"] {
        let aws_lc = [
            "-p",
            package,
            "--no-default-features",
            "--features",
            "aws-lc-rs",
        ];
        let mut clippy_aws_lc = cargo();
        clippy_aws_lc
            .arg("clippy")
            .args(aws_lc)
            .args(["--all-targets", "--", "-D", "warnings"]);
        step(
            &format!("cargo clippy -p {package} (aws-lc-rs backend)"),
            clippy_aws_lc,
        )?;
        let mut test_aws_lc = cargo();
        test_aws_lc.arg("test").args(aws_lc);
        step(
            &format!("cargo test -p {package} (aws-lc-rs backend)"),
            test_aws_lc,
        )?;
    }

    crate::header::run(true)?;
    crate::ctest::run()?;

    // The Python suite, then other projects' suites with jwtkit as their `jwt`, on one wheel.
    let wheel = crate::python::wheel()?;
    crate::python::test_wheel(
        &wheel,
        &crate::run::workspace_root().join("target/python-test-venv"),
    )?;
    crate::peers::test_wheel(&wheel)?;

    // The README's main command, end to end: it checks every verdict it prints.
    crate::demo::run()?;

    crate::interop::run()?;
    // The same interop with jwt-crypto on its other backend: this xtask rebuilt on aws-lc-rs.
    let mut interop_aws_lc = cargo();
    interop_aws_lc.args([
        "run",
        "--quiet",
        "-p",
        "xtask",
        "--no-default-features",
        "--features",
        "aws-lc-rs",
        "--",
        "test-interop",
    ]);
    step(
        "interop with node's jose (aws-lc-rs backend)",
        interop_aws_lc,
    )?;

    // The release artifacts, each checked where users run it (glibc 2.17 symbols, a fresh
    // prefix, a fresh venv, dpkg): last, since it rebuilds everything for old systems.
    crate::dist::run(&[])?;

    println!("==> all checks passed");
    Ok(())
}
