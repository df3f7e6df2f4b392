//! `cargo xtask bench-python [--quick]`: the Python benchmark (`bindings/python/benches/bench.py`),
//! jwtkit's PyJWT-compatible calls and its `Key`/`Validator` path beside PyJWT, pyjwt-rs and
//! the floor (`hmac`/`cryptography` primitives alone), all interleaved in one run — once with
//! a wheel built on each crypto backend (ring, aws-lc-rs).
//!
//! The bench wheels are built here (release, one per backend, into `target/bench-wheels/`)
//! and installed in turn into one venv under `target/` with the pinned peers; the script
//! prints its tables and writes every result to `target/bench-python-<backend>.json`, which
//! [`run`] hands back parsed (`cargo xtask bench` puts the Python tables into BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::c::Backend;
use crate::python;
use crate::run::{step, workspace_root};

/// The peers, pinned (each version checked to exist on PyPI with `pip index versions`).
const PACKAGES: &[&str] = &["PyJWT==2.15.1", "cryptography==50.0.2"];
/// pyjwt-rs, installed on its own: it needs Python >= 3.10 and may have no wheel for this
/// machine, and then the script records its cells as n/a rather than the run failing.
const PYJWT_RS: &str = "pyjwt-rs==1.2.2";

/// Where the script writes the results for `backend`, relative to the workspace root.
pub fn json_path(backend: Backend) -> String {
    format!("target/bench-python-{}.json", backend.tag())
}

/// Builds a wheel per backend, fills `target/python-bench-venv`, runs the benchmark with each
/// wheel in turn (`quick`: fewer rounds, well under 2 minutes each) and returns, per backend,
/// its JSON: per operation and algorithm, each contender's median µs, the targets of issue 6
/// judged, the versions and a Markdown table.
pub fn run(quick: bool) -> Result<Vec<(Backend, Value)>, String> {
    let root = workspace_root();
    let mut wheels = Vec::new();
    for backend in Backend::ALL {
        wheels.push((backend, bench_wheel(backend)?));
    }
    let python = python::venv(&root.join("target/python-bench-venv"), false, PACKAGES)?;

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

    let mut results = Vec::new();
    for (backend, wheel) in wheels {
        python::install_wheel(&python, &wheel)?;
        results.push((backend, run_script(&python, backend, quick)?));
    }
    Ok(results)
}

/// The release wheel on `backend`, built by maturin (from the build venv `cargo xtask wheel`
/// uses) into `target/bench-wheels/<backend>/`; its path. The ring wheel is built with
/// `--no-default-features --features ring`, since a featureless maturin build is aws-lc-rs.
fn bench_wheel(backend: Backend) -> Result<PathBuf, String> {
    let root = workspace_root();
    let maturin = python::venv(&root.join("target/python-venv"), false, &[python::MATURIN])?;
    let out = root.join("target/bench-wheels").join(backend.tag());
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .map_err(|err| format!("removing {}: {err}", out.display()))?;
    }
    let mut build = Command::new(&maturin);
    build
        .args(["-m", "maturin", "build", "--release", "--quiet"])
        .args(maturin_features(backend))
        .arg("--out")
        .arg(&out)
        .current_dir(root.join("bindings/python"));
    step(
        &format!("maturin build --release ({}, bench wheel)", backend.name()),
        build,
    )?;
    python::built_wheel(&out, backend.name())
}

/// The maturin arguments that choose `backend`, always named: pyproject.toml's
/// `[tool.maturin]` makes a build that names no features an aws-lc-rs build (the sdist's), and
/// maturin takes its features only when the command line has none.
pub fn maturin_features(backend: Backend) -> [&'static str; 3] {
    ["--no-default-features", "--features", backend.name()]
}

fn run_script(python: &Path, backend: Backend, quick: bool) -> Result<Value, String> {
    let root = workspace_root();
    let json = json_path(backend);
    let out = root.join(&json);
    if out.exists() {
        std::fs::remove_file(&out).map_err(|err| format!("removing {json}: {err}"))?;
    }
    let mut bench = Command::new(python);
    bench
        .arg("bindings/python/benches/bench.py")
        .args(["--json", &json])
        .current_dir(&root);
    if quick {
        bench.arg("--quick");
    }
    // The Rust jwtkit decode times on the same backend from the last `cargo xtask bench`, for
    // the Validator target.
    let criterion = crate::bench::criterion_dir(backend);
    if criterion.is_dir() {
        bench.arg("--criterion").arg(criterion);
    }
    let mode = if quick { " --quick" } else { "" };
    step(
        &format!(
            "python bindings/python/benches/bench.py{mode} (jwtkit on {})",
            backend.name()
        ),
        bench,
    )?;

    let text = std::fs::read_to_string(&out).map_err(|err| format!("reading {json}: {err}"))?;
    serde_json::from_str(&text).map_err(|err| format!("{json}: {err}"))
}
