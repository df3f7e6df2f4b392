//! `cargo xtask demo`: the story JWTs exist for, played by all three languages.
//!
//! A login service (Rust: the `jwtkit` command) makes an ES256 key and issues Ada a token; a
//! legacy C service verifies it through libjwtkit; a Python API verifies it with the `jwtkit`
//! wheel and reads her roles. Then a tampered token, an expired one and an `alg: none` one are
//! each refused by all three, with the reason each gives.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::ctest::{C_FLAGS, Link, compile};
use crate::run::{cargo, ensure_tools, step, workspace_root};
use crate::{c, python};

const ISSUER: &str = "https://login.example";
const AUDIENCE: &str = "orders-api";

pub fn run() -> Result<(), String> {
    let root = workspace_root();
    let dir = root.join("target/demo");
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;

    println!(
        "Building the jwtkit command, libjwtkit and the Python wheel (first run: a few minutes)"
    );
    ensure_tools(&[("cc", "gcc"), ("pkg-config", "pkg-config")])?;
    let mut build = cargo();
    build.args(["build", "--quiet", "--release", "--package", "jwt-cli"]);
    step("cargo build --release -p jwt-cli", build)?;
    let jwtkit = root.join("target/release/jwtkit");
    let prefix = c::staging_prefix();
    c::build(&prefix)?;
    let service = dir.join("verify_bearer");
    let example = root.join("bindings/c/examples/verify_bearer.c");
    compile("cc", &[example], &service, Link::Dynamic, &prefix, &C_FLAGS)?;
    let python = python::venv_with_wheel(&root.join("target/python-demo-venv"), false, &[])?;

    let private = dir.join("login.pem");
    let public = dir.join("login.pub.pem");
    for file in [&private, &public] {
        let _ = std::fs::remove_file(file);
    }

    banner("1. The login service (Rust: the jwtkit command) makes its ES256 key pair");
    let kid = run_tool(
        Command::new(&jwtkit)
            .args(["keygen", "p256", "--out"])
            .arg(&private),
    )?;
    println!("   $ jwtkit keygen p256 --out login.pem\n   {}", kid.trim());

    banner("2. Ada signs in; the login service issues her an ES256 token for the orders API");
    let encode = |exp: &str| -> Result<String, String> {
        let mut command = Command::new(&jwtkit);
        command
            .args(["encode", "--alg", "ES256", "--key"])
            .arg(&private)
            .args([
                "--iss",
                ISSUER,
                "--sub",
                "ada",
                "--aud",
                AUDIENCE,
                "--claim",
                r#"roles=["admin","billing"]"#,
            ]);
        command.arg(format!("--exp={exp}"));
        run_tool(&mut command).map(|token| token.trim().to_owned())
    };
    let token = encode("15m")?;
    println!(
        "   $ jwtkit encode --alg ES256 --key login.pem --iss {ISSUER} --sub ada --aud {AUDIENCE} \\\n       \
         --claim roles='[\"admin\",\"billing\"]' --exp 15m\n   {}...  ({} bytes)",
        token.get(..60).unwrap_or(&token),
        token.len()
    );

    banner("3. The legacy C orders service verifies it through libjwtkit");
    println!("   {}", c_service(&service, &public, &token)?);

    banner("4. The Python API verifies it with jwtkit and reads the roles");
    let python_verdicts = python_service(&python, &public, &[("valid", token.clone())])?;
    println!(
        "   {}",
        python_verdicts
            .first()
            .map(String::as_str)
            .unwrap_or("(no answer)")
    );

    banner("5. Three forged or stale tokens, refused by all three");
    let attacks = [
        (
            "tampered: `sub` changed to \"root\", signature kept",
            tamper(&token)?,
        ),
        (
            "expired: issued with exp 5 minutes in the past",
            encode("-5m")?,
        ),
        ("alg none: the same claims, unsigned", unsigned(&token)?),
    ];
    let python_verdicts = python_service(
        &python,
        &public,
        &attacks
            .iter()
            .map(|(l, t)| (*l, t.clone()))
            .collect::<Vec<_>>(),
    )?;
    for ((label, forged), python_verdict) in attacks.iter().zip(&python_verdicts) {
        println!("   {label}");
        let rust = Command::new(&jwtkit)
            .args([
                "verify", "--alg", "ES256", "--iss", ISSUER, "--aud", AUDIENCE, "--key",
            ])
            .arg(&public)
            .arg(forged)
            .output()
            .map_err(|err| format!("jwtkit verify: {err}"))?;
        if rust.status.success() {
            return Err(format!("the Rust command accepted the {label} token"));
        }
        let reason = String::from_utf8_lossy(&rust.stderr);
        let reason = reason.trim().trim_start_matches("error: ");
        println!("     Rust    refused: {reason}");
        let c_verdict = c_service(&service, &public, forged)?;
        println!("     C       {c_verdict}");
        println!("     Python  {python_verdict}");
        if !c_verdict.starts_with("refused") || !python_verdict.starts_with("refused") {
            return Err(format!("a service accepted the {label} token"));
        }
    }
    banner("6. A C login + orders service, no JSON library: issues, verifies, rotates its keys");
    let service = dir.join("login_orders");
    let example = root.join("bindings/c/examples/login_orders.c");
    compile("cc", &[example], &service, Link::Dynamic, &prefix, &C_FLAGS)?;
    // keygen never overwrites, so a second demo run starts from no next key.
    let next = dir.join("next.pem");
    for stale in [&next, &dir.join("next.pub.pem")] {
        let _ = std::fs::remove_file(stale);
    }
    run_tool(
        Command::new(&jwtkit)
            .args(["keygen", "p384", "--out"])
            .arg(&next),
    )?;
    let answers = run_tool(Command::new(&service).arg(&private).arg(&next))?;
    for line in answers.lines() {
        println!("   {line}");
    }

    println!(
        "\nEvery layer agreed: one verified token, three refusals each. (files in target/demo)"
    );
    Ok(())
}

fn banner(text: &str) {
    println!("\n{text}");
}

/// Runs a tool that must succeed; its stdout, plus stderr (where keygen says the kid).
fn run_tool(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|err| format!("{command:?}: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr))
}

/// The C service's one-line verdict on `Authorization: Bearer <token>`.
fn c_service(service: &Path, public: &Path, token: &str) -> Result<String, String> {
    let output = Command::new(service)
        .arg(public)
        .arg(format!("Bearer {token}"))
        .output()
        .map_err(|err| format!("verify_bearer: {err}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The Python API's verdict on each token, in order.
fn python_service(
    python: &PathBuf,
    public: &Path,
    tokens: &[(&str, String)],
) -> Result<Vec<String>, String> {
    let mut command = Command::new(python);
    command
        .arg(workspace_root().join("bindings/python/examples/orders_api.py"))
        .arg(public);
    for (label, token) in tokens {
        command.arg(label).arg(token);
    }
    let stdout = crate::run::stdout_of("orders_api.py", &mut command)?;
    Ok(stdout
        .lines()
        .map(|line| {
            line.split_once('\t')
                .map_or(line, |(_, verdict)| verdict)
                .to_owned()
        })
        .collect())
}

/// The token with its claims rewritten (`sub` → "root") and its signature kept.
fn tamper(token: &str) -> Result<String, String> {
    let mut parts = token.splitn(3, '.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("the issued token is not three segments".to_owned());
    };
    let claims = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|err| err.to_string())?;
    let forged = String::from_utf8_lossy(&claims).replace("\"sub\":\"ada\"", "\"sub\":\"root\"");
    Ok(format!(
        "{header}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(forged)
    ))
}

/// The token's claims under `{"alg":"none"}` with an empty signature.
fn unsigned(token: &str) -> Result<String, String> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or("the issued token has no payload")?;
    Ok(format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    ))
}
