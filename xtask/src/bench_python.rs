//! `cargo xtask bench-python [--quick]`: the Python benchmark (`bindings/python/benches/bench.py`),
//! jwtkit's PyJWT-compatible calls and its `Key`/`Validator` path beside PyJWT, pyjwt-rs and
//! the floor (`hmac`/`cryptography` primitives alone), all interleaved in one run.
//!
//! The wheel is built as for the tests and installed into its own venv under `target/` with
//! the pinned peers; the script prints its tables and writes every result to
//! `target/bench-python.json`, which [`run`] hands back parsed (`cargo xtask bench` puts the
//! Python table into BENCHMARKS.md from it).

use std::process::Command;

use serde_json::Value;

use crate::python;
use crate::run::{step, workspace_root};

/// The peers, pinned (each version checked to exist on PyPI with `pip index versions`).
const PACKAGES: &[&str] = &["PyJWT==2.15.1", "cryptography==50.0.2"];
/// pyjwt-rs, installed on its own: it needs Python >= 3.10 and may have no wheel for this
/// machine, and then the script records its cells as n/a rather than the run failing.
const PYJWT_RS: &str = "pyjwt-rs==1.2.2";

/// Where the script writes its results, relative to the workspace root.
pub const JSON: &str = "target/bench-python.json";

/// Builds the wheel, fills `target/python-bench-venv`, runs the benchmark (`quick`: fewer
/// rounds, well under 2 minutes) and returns its JSON: per operation and algorithm, each
/// contender's median µs, the targets of issue 6 judged, the versions and a Markdown table.
pub fn run(quick: bool) -> Result<Value, String> {
    let root = workspace_root();
    let python = python::venv_with_wheel(&root.join("target/python-bench-venv"), false, PACKAGES)?;

    let mut peer = Command::new(&python);
    peer.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        PYJWT_RS,
    ]);
    if let Err(err) = step(&format!("pip install {PYJWT_RS}"), peer) {
        println!("==> {err}: its cells will read n/a");
    }

    let out = root.join(JSON);
    if out.exists() {
        std::fs::remove_file(&out).map_err(|err| format!("removing {JSON}: {err}"))?;
    }
    let mut bench = Command::new(&python);
    bench
        .arg("bindings/python/benches/bench.py")
        .args(["--json", JSON])
        .current_dir(&root);
    if quick {
        bench.arg("--quick");
    }
    // The Rust jwtkit decode times of the last `cargo xtask bench`, for the Validator target.
    if root.join("target/criterion").is_dir() {
        bench.args(["--criterion", "target/criterion"]);
    }
    let mode = if quick { " --quick" } else { "" };
    step(
        &format!("python bindings/python/benches/bench.py{mode}"),
        bench,
    )?;

    let text = std::fs::read_to_string(&out).map_err(|err| format!("reading {JSON}: {err}"))?;
    serde_json::from_str(&text).map_err(|err| format!("{JSON}: {err}"))
}
