//! `cargo xtask <task>`: jwtkit's build, test and benchmark orchestration, in Rust rather than
//! shell so it runs the same everywhere (the cargo-xtask pattern).

mod bench;
mod bench_python;
mod c;
mod ctest;
mod demo;
mod dist;
mod fuzz;
mod header;
mod idp;
mod interop;
mod peers;
mod python;
mod run;
mod test;
mod vectors;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo             the main job: a token issued in Rust, verified from C and Python, and
                   forged, expired and unsigned tokens refused by all three
  test             formatting, clippy, and every test of every layer (what CI runs)
  test-c           only the C suite (part of `test`)
  bench [--quick]  Rust, C benchmarks beside the peers; writes BENCHMARKS.md and benches/chart.svg
  c [--install --prefix DIR]
                   build libjwtkit.so/.a and jwtkit.pc (under target/jwtkit-c, or DIR)
  header [--check] generate bindings/c/include/jwtkit.h, or check it matches the code
  wheel            build the Python abi3 wheel into target/wheels/ (maturin, in a venv)
  test-python      only the Python suite: wheel, fresh venv, pytest, stubtest (part of `test`)
  test-peers       eight projects' own suites (PyJWT, simplejwt, flask-jwt-extended,
                   social-auth-core, PyGithub, authx, fastapi-users, django-allauth) with
                   jwtkit as `jwt` (install_as_jwt), checked against their expected failures
                   (part of `test`)
  bench-python [--quick]
                   only the Python benchmark: jwtkit beside PyJWT, pyjwt-rs and the floor;
                   prints the table, writes target/bench-python.json
  fuzz [--seconds N] [--target T]... [--seed-only] [--replay-valgrind]
                   seed fuzz/corpus/ from tests/vectors and run every cargo-fuzz target N s
                   (default 60); --replay-valgrind replays the c_abi corpus under valgrind
  test-interop     only the interop test against node's jose (part of `test`)
  dist [--target T]
                   release artifacts into target/dist/, each checked: the manylinux2014 abi3
                   wheel and sdist, the C tarball (glibc 2.17) and .debs, the Rust crates
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("test") => test::run(),
        Some("test-c") => ctest::run(),
        Some("bench") => bench::run(args.get(1..).unwrap_or_default()),
        Some("c") => c::run(args.get(1..).unwrap_or_default()),
        Some("header") => header::run(args.get(1).map(String::as_str) == Some("--check")),
        Some("wheel") => python::wheel().map(|path| println!("==> {}", path.display())),
        Some("test-python") => python::test(),
        Some("test-peers") => peers::run(),
        Some("bench-python") => {
            bench_python::run(args.get(1).map(String::as_str) == Some("--quick")).map(|_| ())
        }
        Some("fuzz") => fuzz::run(args.get(1..).unwrap_or_default()),
        Some("test-interop") => interop::run(),
        Some("dist") => dist::run(args.get(1..).unwrap_or_default()),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
