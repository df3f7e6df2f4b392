//! `cargo xtask test-peers`: other projects' own test suites with jwtkit standing in for PyJWT.
//!
//! PyJWT's suite, djangorestframework-simplejwt's, flask-jwt-extended's, authx's, and the
//! test files that reach jwt of social-auth-core's, PyGithub's, fastapi-users' and
//! django-allauth's, each from its pinned sdist downloaded at test time (never vendored),
//! run through `jwtkit.install_as_jwt()` in a venv that has jwtkit and no PyJWT
//! (`bindings/python/peers/run_peers.py` does the running). Every outcome is checked against
//! `bindings/python/peers/expected-failures.txt`: an unexpected failure, or an unexpected
//! pass, fails the task. (`run_peers.py --pyjwt`, in a venv with these packages and PyJWT
//! 2.15.1, runs the same tests on PyJWT itself: the baseline for a `peer:` entry.)

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
    // social-auth-core
    "requests==2.34.2",
    "oauthlib==4.0.1",
    "requests-oauthlib==2.0.0",
    "python3-openid==3.2.0",
    "defusedxml==0.7.1",
    "responses==0.26.3",
    // PyGithub
    "PyNaCl==1.6.2",
    "typing_extensions==4.16.0",
    "urllib3==2.8.0",
    // authx
    "fastapi==0.165.0",
    "starlette==1.10.0",
    "pydantic==2.14.4",
    "pydantic-settings==2.16.3",
    "pytz==2026.6",
    "itsdangerous==2.2.0",
    "uvicorn==0.54.0",
    "pytest-asyncio==1.5.0",
    "httpx==0.28.1",
    "httpx2==2.16.2",
    // fastapi-users
    "pwdlib[argon2,bcrypt]==0.3.0",
    "email-validator==2.3.0",
    "python-multipart==0.0.34",
    "makefun==1.16.0",
    "httpx-oauth==0.17.0",
    "asgi-lifespan==2.1.0",
    "pytest-mock==3.17.0",
    // django-allauth
    "django-ninja==1.7.1",
    "qrcode==8.2",
    "fido2==2.2.1",
    "PyYAML==6.0.4",
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
        "peer suites (PyJWT, simplejwt, flask-jwt-extended, social-auth-core, PyGithub, \
         authx, fastapi-users, django-allauth) with jwtkit as jwt",
        suites,
    )
}
