//! `cargo xtask test-peers`: other projects' own test suites with jwtkit standing in for PyJWT.
//!
//! PyJWT's suite, djangorestframework-simplejwt's and flask-jwt-extended's, each from its
//! pinned sdist downloaded at test time (never vendored), run through
//! `jwtkit.install_as_jwt()` in a venv that has jwtkit and no PyJWT
//! (`bindings/python/peers/run_peers.py` does the running). Every outcome is checked against
//! `bindings/python/peers/expected-failures.txt`: an unexpected failure, or an unexpected
//! pass, fails the task.

use std::path::Path;
use std::process::Command;

use crate::python;
use crate::run::{step, workspace_root};

/// What the suites need besides jwtkit, pinned (each checked on PyPI). The suites' own
/// sources are pinned in `run_peers.py`.
const PEER_PACKAGES: &[&str] = &[
    "pytest==9.2.0",
    "cryptography==50.0.2",
    "freezegun==1.5.5",
    "Django==5.2.19",
    "djangorestframework==3.16.1",
    "pytest-django==4.14.0",
    "python-jose==3.5.0",
    "Flask==3.1.3",
    "python-dateutil==2.9.0.post0",
];

/// `cargo xtask test-peers`: builds the wheel and runs the peer suites on it.
pub fn run() -> Result<(), String> {
    let wheel = python::wheel()?;
    test_wheel(&wheel)
}

/// The peer suites on `wheel`, in a venv under `target/` kept between runs (the packages are
/// pinned; the wheel is reinstalled every run). The downloaded sdists are kept under
/// `target/peers/sdists`.
pub fn test_wheel(wheel: &Path) -> Result<(), String> {
    let root = workspace_root();
    let python = python::venv(&root.join("target/python-peers-venv"), false, PEER_PACKAGES)?;
    python::install_wheel(&python, wheel)?;
    let mut suites = Command::new(&python);
    suites
        .arg(root.join("bindings/python/peers/run_peers.py"))
        .arg(root.join("target/peers"))
        .current_dir(&root);
    step(
        "peer suites (PyJWT, simplejwt, flask-jwt-extended) with jwtkit as jwt",
        suites,
    )
}
