//! The interop test against a third implementation, node's `jose` (tests/interop/jose/): for
//! every algorithm, jose signs a token that jwtkit verifies, and jwtkit signs one that jose
//! verifies, with keys passed to jose as JWKs that jwtkit exported. A tampered token must fail
//! on both sides, so a harness that accepts everything cannot pass. Skipped, and said so, when
//! Node.js is not installed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use jwt_crypto::{Algorithm, ErrorKind, Header, Key, KeyFamily, Validation, decode_json, encode};
use serde_json::{Map, Value, json};

use crate::run::{step, workspace_root};

/// The clock of both sides: tokens are issued at it and valid for an hour.
const NOW: i64 = 1_700_000_000;

fn jose_dir() -> PathBuf {
    workspace_root().join("tests/interop/jose")
}

fn claims() -> Value {
    json!({
        "iss": "https://login.example",
        "sub": "user-1",
        "aud": "orders-api",
        "iat": NOW,
        "exp": NOW + 3600,
        "roles": ["reader", "writer"],
        "name": "Zoë \u{1F511}",
        "n": 1.5,
    })
}

fn validation(alg: Algorithm) -> Validation {
    Validation::new([alg])
        .fixed_time(NOW)
        .issuer(["https://login.example"])
        .audience(["orders-api"])
}

/// The private key for `alg`: generated, or the RSA fixture (ring cannot generate RSA keys).
fn private_key(alg: Algorithm) -> Result<Key, String> {
    let key = match alg.family() {
        KeyFamily::Rsa => {
            let path = workspace_root().join("crates/jwt-crypto/tests/data/rsa2048.pkcs8.pem");
            let pem = std::fs::read_to_string(&path)
                .map_err(|err| format!("reading {}: {err}", path.display()))?;
            Key::from_pem(&pem)
        }
        _ => Key::generate(alg),
    };
    key.map_err(|err| format!("{alg} key: {err}"))
}

/// Flips one bit of the signature's first byte (the first base64url character changes).
fn tamper(token: &str) -> String {
    let (input, signature) = token.rsplit_once('.').unwrap_or((token, ""));
    let mut chars: Vec<char> = signature.chars().collect();
    if let Some(first) = chars.first_mut() {
        *first = if *first == 'A' { 'B' } else { 'A' };
    }
    format!("{input}.{}", chars.into_iter().collect::<String>())
}

fn node_present() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

pub fn run() -> Result<(), String> {
    println!("==> interop with node's jose (tests/interop/jose)");
    if !node_present() {
        println!("SKIPPED: node not found (install Node.js to run the jose interop test)");
        return Ok(());
    }
    let dir = jose_dir();
    let mut npm = Command::new("npm");
    npm.current_dir(&dir)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    step("npm ci (tests/interop/jose)", npm)?;

    // Keys, and the tokens jwtkit signs for jose to verify (plus a tampered one per alg).
    let claims = claims();
    let mut keys = Map::new();
    let mut verifying = Vec::new();
    let mut to_verify = Vec::new();
    // Every algorithm the backend under test has (ES512 and ES256K only on aws-lc-rs) that
    // jose has: jose 6 works on WebCrypto, which has no secp256k1, so ES256K's independent
    // check is PyJWT's (its tokens are in tests/vectors/curves.json).
    let algorithms: Vec<Algorithm> = jwt_crypto::supported_algorithms()
        .iter()
        .copied()
        .filter(|&alg| alg != Algorithm::ES256K)
        .collect();
    for &alg in &algorithms {
        let private = private_key(alg)?;
        let (private_jwk, public_jwk) = match alg.family() {
            KeyFamily::Hmac => {
                let jwk = private.to_private_jwk().map_err(|e| e.to_string())?;
                (jwk.clone().into_map(), jwk.into_map())
            }
            _ => (
                private
                    .to_private_jwk()
                    .map_err(|e| e.to_string())?
                    .into_map(),
                private.to_public_jwk().map_err(|e| e.to_string())?,
            ),
        };
        let public =
            Key::from_jwk_value(&Value::Object(public_jwk.clone())).map_err(|e| e.to_string())?;
        keys.insert(
            alg.as_str().to_owned(),
            json!({ "private": private_jwk, "public": public_jwk }),
        );
        let token = encode(&Header::new(alg), &claims, &private)
            .map_err(|err| format!("jwtkit could not sign {alg}: {err}"))?;
        to_verify.push(json!({ "alg": alg.as_str(), "token": tamper(&token) }));
        to_verify.push(json!({ "alg": alg.as_str(), "token": token }));
        verifying.push((alg, public));
    }
    let request = json!({ "now": NOW, "claims": claims, "keys": keys, "verify": to_verify });

    let mut child = Command::new("node")
        .arg("interop.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("starting node: {err}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(request.to_string().as_bytes())
        .map_err(|err| format!("writing to node: {err}"))?;
    let output = child
        .wait_with_output()
        .map_err(|err| format!("running node: {err}"))?;
    if !output.status.success() {
        return Err(format!("node interop.mjs failed ({})", output.status));
    }
    let answer: Value = serde_json::from_slice(&output.stdout)
        .map_err(|err| format!("node's answer is not JSON: {err}"))?;

    let mut failures = Vec::new();
    let mut passed = 0;
    // jose → jwtkit.
    let signed = answer["signed"].as_array().cloned().unwrap_or_default();
    for (alg, public) in &verifying {
        let token = signed
            .iter()
            .find(|entry| entry["alg"] == alg.as_str())
            .and_then(|entry| entry["token"].as_str());
        let Some(token) = token else {
            failures.push(format!("  jose → jwtkit {alg}: jose made no token"));
            continue;
        };
        match decode_json(token, public, &validation(*alg)) {
            Ok(data) if Value::Object(data.claims.clone()) == claims => passed += 1,
            Ok(data) => failures.push(format!(
                "  jose → jwtkit {alg}: claims differ: {}",
                Value::Object(data.claims)
            )),
            Err(err) => failures.push(format!("  jose → jwtkit {alg}: refused: {err}")),
        }
        match decode_json(&tamper(token), public, &validation(*alg)) {
            Err(err) if err.kind() == ErrorKind::InvalidSignature => passed += 1,
            other => failures.push(format!(
                "  jose → jwtkit {alg}: a tampered token gave {:?}",
                other.map(|_| ())
            )),
        }
    }
    // jwtkit → jose: the answers come in request order, tampered first.
    let verdicts = answer["verified"].as_array().cloned().unwrap_or_default();
    if verdicts.len() != to_verify.len() {
        failures.push(format!(
            "  jwtkit → jose: {} verdicts for {} tokens",
            verdicts.len(),
            to_verify.len()
        ));
    }
    for (index, verdict) in verdicts.iter().enumerate() {
        let alg = verdict["alg"].as_str().unwrap_or("?");
        let tampered = index % 2 == 0;
        match (tampered, verdict["ok"].as_bool()) {
            (true, Some(false)) => passed += 1,
            (true, _) => failures.push(format!(
                "  jwtkit → jose {alg}: jose accepted a tampered token"
            )),
            (false, Some(true)) if verdict["claims"] == claims => passed += 1,
            (false, Some(true)) => failures.push(format!(
                "  jwtkit → jose {alg}: claims differ: {}",
                verdict["claims"]
            )),
            (false, _) => failures.push(format!(
                "  jwtkit → jose {alg}: refused: {}",
                verdict["error"]
            )),
        }
    }
    println!(
        "jose {}: {} algorithms, both directions",
        answer["jose"].as_str().unwrap_or("?"),
        algorithms.len()
    );
    println!("interop: {passed} passed, {} failed", failures.len());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "jwtkit and jose disagree:\n{}",
            failures.join("\n")
        ))
    }
}
