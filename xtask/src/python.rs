//! `cargo xtask wheel` and `cargo xtask test-python`: the Python wheel and its test suite.
//!
//! Everything runs from virtual environments under `target/`, made with `python3 -m venv`
//! and filled from PyPI with pinned versions, so nothing depends on what the machine has
//! installed. The build venv (maturin) is kept between runs; the test venv is made anew
//! every run, so the tests see exactly the wheel and the pinned packages.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{step, workspace_root};

/// The tools, pinned (each version checked to exist on PyPI with `pip index versions`).
pub const MATURIN: &str = "maturin==1.16.0";
const TEST_PACKAGES: &[&str] = &[
    "pytest==9.2.0",
    "PyJWT==2.15.1",
    "cryptography==50.0.2",
    "mypy==2.4.1",
];

/// The Python that makes the venvs: `$JWTKIT_PYTHON`, else `python3`.
fn python3() -> Command {
    Command::new(std::env::var_os("JWTKIT_PYTHON").unwrap_or_else(|| "python3".into()))
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// Makes a venv at `venv` (anew when `fresh`) with `packages` installed.
pub fn venv(venv: &Path, fresh: bool, packages: &[&str]) -> Result<PathBuf, String> {
    let python = venv_python(venv);
    let marker = venv.join("jwtkit-packages.txt");
    let wanted = packages.join("\n");
    if !fresh && std::fs::read_to_string(&marker).is_ok_and(|have| have == wanted) {
        return Ok(python);
    }
    if venv.exists() {
        std::fs::remove_dir_all(venv)
            .map_err(|err| format!("removing {}: {err}", venv.display()))?;
    }
    let mut make = python3();
    make.arg("-m").arg("venv").arg(venv);
    step(&format!("python3 -m venv {}", relative(venv)), make)?;
    let mut install = Command::new(&python);
    install.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    install.args(packages);
    if !packages.is_empty() {
        step(&format!("pip install {}", packages.join(" ")), install)?;
    }
    std::fs::write(&marker, wanted)
        .map_err(|err| format!("writing {}: {err}", marker.display()))?;
    Ok(python)
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `cargo xtask wheel`: the abi3 wheel (release build) into `target/wheels/`; returns its path.
pub fn wheel() -> Result<PathBuf, String> {
    let root = workspace_root();
    let python = venv(&root.join("target/python-venv"), false, &[MATURIN])?;
    let out = root.join("target/wheels");
    // One jwtkit wheel in the folder, so the test step installs the one just built.
    if let Ok(entries) = std::fs::read_dir(&out) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("jwtkit-") && name.ends_with(".whl") {
                std::fs::remove_file(entry.path())
                    .map_err(|err| format!("removing {name}: {err}"))?;
            }
        }
    }
    let mut build = Command::new(&python);
    build
        .args(["-m", "maturin", "build", "--release", "--quiet"])
        // The backend the shipped wheel uses (aws-lc-rs: ES512 and ES256K, as PyJWT has), so
        // the suites test what users install.
        .args(crate::dist::BACKEND.cargo_args())
        .arg("--out")
        .arg(&out)
        .current_dir(root.join("bindings/python"));
    step(
        &format!(
            "maturin build --release (abi3 wheel, {})",
            crate::dist::BACKEND.name()
        ),
        build,
    )?;
    built_wheel(&out, "jwtkit")
}

/// The jwtkit wheel maturin wrote into `out` (`what` names the build in the error).
pub fn built_wheel(out: &Path, what: &str) -> Result<PathBuf, String> {
    std::fs::read_dir(out)
        .map_err(|err| format!("reading {}: {err}", out.display()))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.extension().is_some_and(|ext| ext == "whl")
                && path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("jwtkit-"))
        })
        .ok_or_else(|| format!("maturin built no {what} wheel"))
}

/// A fresh venv at `dir` with `packages` and the jwtkit wheel installed; its python.
/// (`fresh` rebuilds the venv itself too; the wheel is reinstalled either way.)
pub fn venv_with_wheel(dir: &Path, fresh: bool, packages: &[&str]) -> Result<PathBuf, String> {
    let wheel = wheel()?;
    let python = venv(dir, fresh, packages)?;
    install_wheel(&python, &wheel)?;
    Ok(python)
}

/// Installs `wheel` (only it, not its dependencies) into the venv of `python`, replacing any
/// jwtkit already there.
pub fn install_wheel(python: &Path, wheel: &Path) -> Result<(), String> {
    let mut install = Command::new(python);
    install
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--force-reinstall", "--no-deps"])
        .arg(wheel);
    let name = wheel.file_name().map_or_else(
        || wheel.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    step(&format!("pip install {name}"), install)
}

/// `cargo xtask test-python`: builds the wheel and runs the suite on it ([`test_wheel`]).
pub fn test() -> Result<(), String> {
    let wheel = wheel()?;
    test_wheel(&wheel, &workspace_root().join("target/python-test-venv"))
}

/// The Python suite on `wheel`: installs it into a fresh venv at `venv_dir` with the pinned
/// test packages, runs pytest and `mypy.stubtest`. `cargo xtask dist` runs it on the
/// distribution wheel.
pub fn test_wheel(wheel: &Path, venv_dir: &Path) -> Result<(), String> {
    let root = workspace_root();
    let python = venv(venv_dir, true, TEST_PACKAGES)?;
    install_wheel(&python, wheel)?;

    // Run from the tests folder, so `import jwtkit` finds the installed wheel and never the
    // source tree.
    let tests = root.join("bindings/python/tests");
    let mut pytest = Command::new(&python);
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(&tests)
        .current_dir(&tests);
    println!("==> pytest bindings/python/tests");
    let status = pytest
        .status()
        .map_err(|err| format!("pytest: could not start: {err}"))?;
    match status.code() {
        Some(0) => {}
        Some(5) => return Err("pytest collected no tests".to_owned()),
        Some(1) => return Err("pytest: some tests failed".to_owned()),
        _ => return Err(format!("pytest did not complete ({status})")),
    }

    let mut stubtest = Command::new(&python);
    stubtest
        .args(["-m", "mypy.stubtest", "jwtkit", "--allowlist"])
        .arg(root.join("bindings/python/stubtest-allowlist.txt"))
        .args(["--mypy-config-file"])
        .arg(root.join("bindings/python/pyproject.toml"))
        .current_dir(&tests);
    step("mypy.stubtest jwtkit", stubtest)
}
