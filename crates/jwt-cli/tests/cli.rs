//! The `jwtkit` binary end to end: every algorithm round-trips through encode, decode and
//! verify; every refusal has its one line and exit status; keys agree on their thumbprints.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const RSA_PRIVATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../jwt-crypto/tests/data/rsa2048.pkcs8.pem"
);
const RSA_PRIVATE_DER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../jwt-crypto/tests/data/rsa2048.pkcs8.der"
);
const RSA_PUBLIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../jwt-crypto/tests/data/rsa2048.spki.pem"
);

const ALGORITHMS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "EdDSA",
];

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts success and returns standard output.
    fn ok(self) -> String {
        assert_eq!(self.code, 0, "{self:?}");
        self.stdout
    }

    fn json(self) -> Value {
        serde_json::from_str(&self.ok()).unwrap()
    }

    /// Asserts exit status `code`, nothing on standard output and exactly one line on
    /// standard error; returns that line without its `error: ` prefix.
    fn refused(self, code: i32) -> String {
        assert_eq!(self.code, code, "{self:?}");
        assert_eq!(self.stdout, "", "{self:?}");
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(!line.contains('\n'), "one line expected: {self:?}");
        line.strip_prefix("error: ").unwrap_or(line).to_owned()
    }
}

fn jwtkit_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jwtkit"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn jwtkit(args: &[&str]) -> Run {
    jwtkit_with_stdin(args, None)
}

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("jwt-cli")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Generates `kind` into `dir/name.pem` (and `.pub.pem`) and returns the kid it reported.
fn keygen(dir: &Path, kind: &str, name: &str) -> String {
    let out = dir.join(name);
    let run = jwtkit(&["keygen", kind, "--out", s(&out)]);
    assert_eq!(run.code, 0, "{run:?}");
    let kid = run.stderr.trim().rsplit_once("kid ").unwrap().1;
    kid.to_owned()
}

/// The signing and verifying key files for `alg`, generating them on first use.
fn key_pair(dir: &Path, alg: &str) -> (String, String) {
    let (kind, name) = match alg {
        "HS256" | "HS384" | "HS512" => ("hmac", "hmac.secret"),
        "ES256" => ("p256", "p256.pem"),
        "ES384" => ("p384", "p384.pem"),
        "EdDSA" => ("ed25519", "ed25519.pem"),
        _ => return (RSA_PRIVATE.to_owned(), RSA_PUBLIC.to_owned()),
    };
    if !dir.join(name).exists() {
        keygen(dir, kind, name);
    }
    let public = match kind {
        "hmac" => name.to_owned(),
        _ => name.replace(".pem", ".pub.pem"),
    };
    (
        s(&dir.join(name)).to_owned(),
        s(&dir.join(public)).to_owned(),
    )
}

fn segments(token: &str) -> Vec<&str> {
    token.split('.').collect()
}

#[test]
fn every_algorithm_round_trips_through_encode_decode_and_verify() {
    let dir = temp_dir("round_trip");
    for alg in ALGORITHMS {
        let (signing, verifying) = key_pair(&dir, alg);
        let token = jwtkit(&[
            "encode",
            "--alg",
            alg,
            "--key",
            &signing,
            "--sub",
            "ada",
            "--iss",
            "https://login.example",
            "--aud",
            "orders",
            "--exp",
            "15m",
            "--claim",
            "roles=[\"admin\"]",
            "--claim",
            "level=3",
            "--claim",
            "team=blue",
        ])
        .ok();
        let token = token.trim();
        assert_eq!(segments(token).len(), 3, "{alg}: {token}");

        let decoded = jwtkit(&["decode", "--json", token]).json();
        assert_eq!(decoded["verified"], false, "{alg}");
        assert_eq!(decoded["header"]["alg"], alg);
        assert_eq!(decoded["header"]["typ"], "JWT");
        let claims = &decoded["claims"];
        assert_eq!(claims["sub"], "ada");
        assert_eq!(claims["roles"], json!(["admin"]));
        assert_eq!(claims["level"], 3);
        assert_eq!(claims["team"], "blue");
        let (exp, iat) = (
            claims["exp"].as_i64().unwrap(),
            claims["iat"].as_i64().unwrap(),
        );
        assert_eq!(exp - iat, 900, "{alg}");
        assert!(
            decoded["dates"]["exp"]["relative"]
                .as_str()
                .unwrap()
                .starts_with("expires in 1"),
            "{decoded}"
        );

        let human = jwtkit(&["decode", token]).ok();
        assert!(human.starts_with("UNVERIFIED"), "{human}");
        assert!(human.contains(&format!("\"alg\": \"{alg}\"")), "{human}");
        assert!(human.contains("Z, expires in 1"), "{human}");
        assert!(!human.contains('\x1b'), "no colour when not a terminal");

        let verified = jwtkit(&[
            "verify",
            "--key",
            &verifying,
            "--alg",
            alg,
            "--iss",
            "https://login.example",
            "--aud",
            "orders",
            "--sub",
            "ada",
            token,
        ])
        .json();
        assert_eq!(&verified, claims, "{alg}");
    }
}

#[test]
fn each_refusal_is_one_line_naming_the_check_with_exit_status_1() {
    let dir = temp_dir("refusals");
    let (signing, verifying) = key_pair(&dir, "ES256");
    let other_kid = keygen(&dir, "p256", "other.pem");
    let other = s(&dir.join("other.pub.pem")).to_owned();
    let encode = |extra: &[&str]| {
        let mut args = vec!["encode", "--key", &signing];
        args.extend_from_slice(extra);
        jwtkit(&args).ok().trim().to_owned()
    };
    let verify = |key: &str, token: &str, extra: &[&str]| {
        let mut args = vec!["verify", "--key", key, "--alg", "ES256"];
        args.extend_from_slice(extra);
        args.push(token);
        jwtkit(&args).refused(1)
    };

    let expired = encode(&["--exp=-5m"]);
    assert!(
        verify(&verifying, &expired, &[]).starts_with("token expired 5 min ago (exp 20"),
        "expired"
    );
    // Leeway is reported, and enough of it accepts the token.
    assert!(verify(&verifying, &expired, &["--leeway", "1m"]).ends_with(", leeway 60 s)"));
    jwtkit(&[
        "verify", "--key", &verifying, "--alg", "ES256", "--leeway", "10m", &expired,
    ])
    .ok();

    let early = encode(&["--exp", "1h", "--nbf", "10m"]);
    assert!(
        verify(&verifying, &early, &[]).starts_with("token not valid yet: it becomes valid in "),
        "not yet valid"
    );

    let good = encode(&["--exp", "1h", "--sub", "ada"]);
    assert_eq!(
        verify(&other, &good, &[]),
        "signature does not match the key"
    );
    assert_eq!(
        jwtkit(&["verify", "--key", &verifying, "--alg", "ES384,EdDSA", &good]).refused(1),
        "algorithm not allowed: ES256 is not in the allow-list"
    );
    assert!(
        jwtkit(&["verify", "--key", &verifying, "--alg", "HS256", &good])
            .refused(1)
            .starts_with("algorithm not allowed"),
    );

    let billing = encode(&["--exp", "1h", "--aud", "billing"]);
    assert_eq!(
        verify(&verifying, &billing, &["--aud", "orders"]),
        "audience \"billing\" not accepted (expected \"orders\")"
    );
    assert_eq!(
        verify(&verifying, &billing, &[]),
        "audience \"billing\" not accepted (no --aud given)"
    );

    let evil = encode(&["--exp", "1h", "--iss", "https://evil.example"]);
    assert_eq!(
        verify(&verifying, &evil, &["--iss", "https://login.example"]),
        "issuer \"https://evil.example\" not accepted"
    );
    assert_eq!(
        verify(&verifying, &good, &["--sub", "bob"]),
        "subject \"ada\" not accepted"
    );

    let forever = encode(&[]);
    assert_eq!(
        verify(&verifying, &forever, &[]),
        "required claim \"exp\" is missing"
    );
    assert_eq!(
        verify(&verifying, &good, &["--require", "exp,jti"]),
        "required claim \"jti\" is missing"
    );
    // `--require=` lifts the default requirement of exp.
    jwtkit(&[
        "verify",
        "--key",
        &verifying,
        "--alg",
        "ES256",
        "--require=",
        &forever,
    ])
    .ok();

    // A JWK set picks the key by kid.
    let jwks = dir.join("jwks.json");
    fs::write(&jwks, jwtkit(&["jwk", &verifying, "--set"]).ok()).unwrap();
    let kid = jwtkit(&["jwk", &verifying, "--thumbprint"]).ok();
    let named = encode(&["--exp", "1h", "--kid", kid.trim()]);
    jwtkit(&["verify", "--jwks", s(&jwks), "--alg", "ES256", &named]).ok();
    let unknown = encode(&["--exp", "1h", "--kid", &other_kid]);
    assert_eq!(
        jwtkit(&["verify", "--jwks", s(&jwks), "--alg", "ES256", &unknown]).refused(1),
        format!("no matching key: no key has kid \"{other_kid}\"")
    );

    // An unsigned token is shown by decode but never verified.
    let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEiLCJleHAiOjQxMDI0NDQ4MDB9.";
    let decoded = jwtkit(&["decode", "--json", unsigned]).json();
    assert_eq!(decoded["header"]["alg"], "none");
    assert!(verify(&verifying, unsigned, &[]).contains("\"none\""));

    for garbage in ["not-a-token", "a.b", "e30.e30.e30.e30.e30"] {
        jwtkit(&["decode", garbage]).refused(1);
        verify(&verifying, garbage, &[]);
    }
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = temp_dir("usage");
    let (signing, verifying) = key_pair(&dir, "ES256");
    let (secret, _) = key_pair(&dir, "HS256");
    let token = jwtkit(&["encode", "--key", &signing, "--exp", "1h"]).ok();
    let token = token.trim();
    let missing = s(&dir.join("missing.pem")).to_owned();
    let jwks = dir.join("jwks.json");
    fs::write(&jwks, jwtkit(&["jwk", &verifying, "--set"]).ok()).unwrap();

    for args in [
        vec!["verify", "--key", &verifying, token],
        vec!["verify", "--alg", "ES256", token],
        vec![
            "verify",
            "--key",
            &verifying,
            "--jwks",
            s(&jwks),
            "--alg",
            "ES256",
            token,
        ],
        vec!["verify", "--key", &verifying, "--alg", "none", token],
        vec!["verify", "--key", &verifying, "--alg", "es256", token],
        vec![
            "verify", "--key", &verifying, "--alg", "ES256", "--leeway", "-1m", token,
        ],
        vec!["encode", "--key", &signing, "--exp", "15x"],
        vec!["nonsense"],
    ] {
        let run = jwtkit(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{run:?}");
    }

    for (args, message) in [
        (
            vec!["verify", "--key", &missing, "--alg", "ES256", token],
            "cannot read",
        ),
        (
            vec!["verify", "--key", s(&jwks), "--alg", "ES256", token],
            "is a JWK set, not one key",
        ),
        (
            vec!["encode", "--key", &verifying],
            "is a public key; signing needs the private key",
        ),
        (
            vec!["encode", "--key", &secret],
            "choose one with --alg (HS256, HS384, HS512)",
        ),
        (
            vec!["encode", "--key", &signing, "--alg", "RS256"],
            "cannot sign with",
        ),
        (
            vec!["encode", "--key", &signing, "--claim", "novalue"],
            "expected NAME=VALUE",
        ),
        (vec!["keygen", "p256", "--out", &signing], "already exists"),
        (vec!["jwk", &secret], "has no public part; use --private"),
        (vec!["decode"], "no token"),
    ] {
        let line = jwtkit(&args).refused(2);
        assert!(line.contains(message), "{args:?}: {line}");
    }

    let short = dir.join("short.secret");
    fs::write(&short, "too short").unwrap();
    let line = jwtkit(&["encode", "--alg", "HS256", "--key", s(&short)]).refused(2);
    assert!(line.contains("at least 32 bytes"), "{line}");
}

#[test]
fn tokens_come_from_stdin_and_authorization_lines() {
    let dir = temp_dir("stdin");
    let (signing, verifying) = key_pair(&dir, "EdDSA");
    let claims = br#"{"sub": "ada", "roles": ["reader"], "exp": 4102444800}"#;
    let token = jwtkit_with_stdin(&["encode", "--key", &signing, "-"], Some(claims)).ok();
    let token = token.trim();

    let verify = |args: &[&str], stdin: Option<&[u8]>| {
        let mut all = vec!["verify", "--key", &verifying, "--alg", "EdDSA"];
        all.extend_from_slice(args);
        jwtkit_with_stdin(&all, stdin).json()
    };
    let bearer = format!("Authorization: Bearer {token}\r\n");
    let quoted = format!("'{token}'");
    for (args, stdin) in [
        (vec![], Some(format!("{token}\n"))),
        (vec!["-"], Some(token.to_owned())),
        (vec![], Some(bearer.clone())),
        (vec![bearer.as_str()], None),
        (vec![quoted.as_str()], None),
        (vec!["-"], Some(format!("Bearer {token}"))),
    ] {
        let claims = verify(&args, stdin.as_deref().map(str::as_bytes));
        assert_eq!(claims["roles"], json!(["reader"]), "{args:?} {stdin:?}");
        let mut decode = vec!["decode", "--json"];
        decode.extend_from_slice(&args);
        let decoded = jwtkit_with_stdin(&decode, stdin.as_deref().map(str::as_bytes)).json();
        assert_eq!(decoded["claims"]["sub"], "ada");
    }

    // Flags override the claims file; iat is added unless given.
    let merged = jwtkit_with_stdin(
        &[
            "encode", "--key", &signing, "--sub", "bob", "--claim", "iat=7", "-",
        ],
        Some(claims),
    )
    .ok();
    let decoded = jwtkit(&["decode", "--json", merged.trim()]).json();
    assert_eq!(decoded["claims"]["sub"], "bob");
    assert_eq!(decoded["claims"]["iat"], 7);
    let bare = jwtkit(&["encode", "--key", &signing, "--no-iat"]).ok();
    let decoded = jwtkit(&["decode", "--json", bare.trim()]).json();
    assert_eq!(decoded["claims"], json!({}));
}

#[test]
fn decode_json_is_one_object_with_header_claims_signature_and_dates() {
    let dir = temp_dir("json");
    let (signing, _) = key_pair(&dir, "ES384");
    let token = jwtkit(&[
        "encode",
        "--key",
        &signing,
        "--kid",
        "k1",
        "--header",
        "typ=at+jwt",
        "--exp",
        "@4102444800",
        "--nbf",
        "@1767225600",
        "--aud",
        "a",
        "--aud",
        "b",
    ])
    .ok();
    let token = token.trim();
    let decoded = jwtkit(&["decode", "--json", token]).json();
    let object = decoded.as_object().unwrap();
    let mut members: Vec<&str> = object.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(
        members,
        ["claims", "dates", "header", "signature", "verified"]
    );
    assert_eq!(decoded["verified"], false);
    assert_eq!(
        decoded["header"],
        json!({"alg": "ES384", "typ": "at+jwt", "kid": "k1"})
    );
    assert_eq!(decoded["claims"]["aud"], json!(["a", "b"]));
    assert_eq!(decoded["signature"], segments(token)[2]);
    assert_eq!(decoded["dates"]["exp"]["rfc3339"], "2100-01-01T00:00:00Z");
    assert_eq!(decoded["dates"]["nbf"]["rfc3339"], "2026-01-01T00:00:00Z");
    assert!(
        decoded["dates"]["exp"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("expires in ")
    );
    assert!(
        decoded["dates"]["iat"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("issued ")
    );

    let human = jwtkit(&["decode", token]).ok();
    assert!(human.contains("\"exp\": 4102444800,  // 2100-01-01T00:00:00Z, expires in "));
    assert!(
        human.contains("Signature\n96 bytes, not verified"),
        "{human}"
    );
}

#[test]
fn keygen_jwk_and_thumbprints_agree() {
    let dir = temp_dir("keygen");
    for (kind, alg) in [("p256", "ES256"), ("p384", "ES384"), ("ed25519", "EdDSA")] {
        // PEM files: the kid reported, the thumbprint of either half, and the JWK's kid.
        let pem = format!("{kind}.pem");
        let kid = keygen(&dir, kind, &pem);
        let private = s(&dir.join(&pem)).to_owned();
        let public = s(&dir.join(format!("{kind}.pub.pem"))).to_owned();
        assert_eq!(jwtkit(&["jwk", &private, "--thumbprint"]).ok().trim(), kid);
        assert_eq!(jwtkit(&["jwk", &public, "--thumbprint"]).ok().trim(), kid);
        let jwk = jwtkit(&["jwk", &private]).json();
        assert_eq!(jwk["kid"], kid.as_str());
        assert!(jwk.get("d").is_none(), "public by default: {jwk}");
        assert!(
            jwtkit(&["jwk", &private, "--private"])
                .json()
                .get("d")
                .is_some()
        );
        assert_eq!(
            jwtkit(&["jwk", &public, "--kid", "mine"]).json()["kid"],
            "mine"
        );

        // JWK files: the kid inside is the thumbprint, and it goes into the token's header.
        let jwk_path = dir.join(format!("{kind}.jwk"));
        let run = jwtkit(&["keygen", kind, "--jwk", "--out", s(&jwk_path)]);
        assert_eq!(run.code, 0, "{run:?}");
        let private_jwk: Value = serde_json::from_slice(&fs::read(&jwk_path).unwrap()).unwrap();
        let public_path = dir.join(format!("{kind}.pub.jwk"));
        let public_jwk: Value = serde_json::from_slice(&fs::read(&public_path).unwrap()).unwrap();
        let kid = private_jwk["kid"].as_str().unwrap();
        assert_eq!(public_jwk["kid"], kid);
        assert_eq!(public_jwk["alg"], alg);
        assert!(public_jwk.get("d").is_none());
        assert!(run.stderr.trim().ends_with(&format!("kid {kid}")));
        assert_eq!(
            jwtkit(&["jwk", s(&jwk_path), "--thumbprint"]).ok().trim(),
            kid
        );
        assert_eq!(
            jwtkit(&["jwk", s(&public_path), "--thumbprint"])
                .ok()
                .trim(),
            kid
        );

        let token = jwtkit(&["encode", "--key", s(&jwk_path), "--exp", "5m"]).ok();
        let header = jwtkit(&["decode", "--json", token.trim()]).json()["header"].clone();
        assert_eq!(header, json!({"alg": alg, "typ": "JWT", "kid": kid}));
        jwtkit(&[
            "verify",
            "--key",
            s(&public_path),
            "--alg",
            alg,
            token.trim(),
        ])
        .ok();
        let jwks = dir.join(format!("{kind}.jwks"));
        fs::write(&jwks, jwtkit(&["jwk", s(&public_path), "--set"]).ok()).unwrap();
        jwtkit(&["verify", "--jwks", s(&jwks), "--alg", alg, token.trim()]).ok();

        // To standard output: the private key alone, loadable as it is.
        let stdout_pem = dir.join(format!("{kind}.stdout.pem"));
        fs::write(&stdout_pem, jwtkit(&["keygen", kind]).ok()).unwrap();
        let jwk = jwtkit(&["jwk", s(&stdout_pem), "--private"]).json();
        assert!(jwk.get("d").is_some());
    }

    // HMAC: the secret is text; its JWK carries the same thumbprint as kid.
    let kid = keygen(&dir, "hmac", "secret.txt");
    let secret = fs::read_to_string(dir.join("secret.txt")).unwrap();
    assert_eq!(secret.len(), 86);
    let secret_path = s(&dir.join("secret.txt")).to_owned();
    assert_eq!(
        jwtkit(&["jwk", &secret_path, "--private"]).json()["kid"],
        kid.as_str()
    );
    assert_eq!(
        jwtkit(&["jwk", &secret_path, "--thumbprint"]).ok().trim(),
        kid
    );
    let oct = jwtkit(&["keygen", "hmac", "--jwk"]).json();
    assert_eq!(oct["kty"], "oct");
    let oct_path = dir.join("oct.jwk");
    fs::write(&oct_path, oct.to_string()).unwrap();
    assert_eq!(
        jwtkit(&["jwk", s(&oct_path), "--thumbprint"]).ok().trim(),
        oct["kid"].as_str().unwrap()
    );
    let token = jwtkit(&[
        "encode",
        "--alg",
        "HS512",
        "--key",
        s(&oct_path),
        "--exp",
        "1m",
    ])
    .ok();
    jwtkit(&[
        "verify",
        "--key",
        s(&oct_path),
        "--alg",
        "HS512",
        token.trim(),
    ])
    .ok();
}

#[test]
fn key_files_are_recognised_by_content() {
    let dir = temp_dir("key_formats");
    // DER signs, PEM verifies.
    let token = jwtkit(&[
        "encode",
        "--alg",
        "PS256",
        "--key",
        RSA_PRIVATE_DER,
        "--exp",
        "1m",
    ])
    .ok();
    jwtkit(&[
        "verify",
        "--key",
        RSA_PUBLIC,
        "--alg",
        "PS256",
        token.trim(),
    ])
    .ok();
    // A text secret's final newline is not part of it.
    let with_newline = dir.join("with_newline.txt");
    let without = dir.join("without.txt");
    fs::write(&with_newline, "correct-horse-battery-staple-0123456789\n").unwrap();
    fs::write(&without, "correct-horse-battery-staple-0123456789").unwrap();
    let token = jwtkit(&[
        "encode",
        "--alg",
        "HS256",
        "--key",
        s(&with_newline),
        "--exp",
        "1m",
    ])
    .ok();
    jwtkit(&[
        "verify",
        "--key",
        s(&without),
        "--alg",
        "HS256",
        token.trim(),
    ])
    .ok();
    // A public RSA key is never an HMAC secret.
    let line = jwtkit(&[
        "verify",
        "--key",
        RSA_PUBLIC,
        "--alg",
        "HS256",
        token.trim(),
    ])
    .refused(1);
    assert!(line.starts_with("algorithm not allowed"), "{line}");
    // An OpenSSH `.pub` line verifies as the key it is, and never as a secret.
    let ssh_pub = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../jwt-crypto/tests/data/rsa2048.pub"
    );
    let token = jwtkit(&[
        "encode",
        "--alg",
        "RS256",
        "--key",
        RSA_PRIVATE,
        "--exp",
        "1m",
    ])
    .ok();
    jwtkit(&["verify", "--key", ssh_pub, "--alg", "RS256", token.trim()]).ok();
    let line = jwtkit(&["verify", "--key", ssh_pub, "--alg", "HS256", token.trim()]).refused(1);
    assert!(line.starts_with("algorithm not allowed"), "{line}");
}

#[test]
fn every_command_has_examples_in_its_help() {
    for command in [
        vec![],
        vec!["encode"],
        vec!["decode"],
        vec!["verify"],
        vec!["keygen"],
        vec!["jwk"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let help = jwtkit(&args).ok();
        assert!(help.contains("Examples:\n  jwtkit "), "{command:?}: {help}");
    }
}

/// jwt.io's example token, the most copied JWT there is: HS256 under the 19-byte secret
/// `your-256-bit-secret`, with no `exp`.
const JWT_IO_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

#[test]
fn a_kid_may_start_with_a_hyphen() {
    // One RFC 7638 thumbprint in 64 starts with `-`; `--kid "$KID"` must still work.
    let dir = temp_dir("hyphen-kid");
    let (signing, _) = key_pair(&dir, "ES256");
    let token = jwtkit(&["encode", "--key", &signing, "--kid", "-Ux9", "--exp", "5m"]).ok();
    let decoded = jwtkit(&["decode", "--json", token.trim()]).json();
    assert_eq!(decoded["header"]["kid"], "-Ux9");
}

#[test]
fn a_short_secret_is_checked_only_with_the_named_flag_and_a_warning() {
    let dir = temp_dir("short-secret");
    let secret = dir.join("secret.txt");
    fs::write(&secret, "your-256-bit-secret\n").unwrap();
    let args = [
        "verify",
        "--key",
        s(&secret),
        "--alg",
        "HS256",
        "--require=",
    ];

    let line = jwtkit(&[&args[..], &[JWT_IO_TOKEN]].concat()).refused(2);
    assert!(line.contains("has 19"), "{line}");
    assert!(line.contains("--dangerous-allow-short-secret"), "{line}");

    let run = jwtkit(&[&args[..], &["--dangerous-allow-short-secret", JWT_IO_TOKEN]].concat());
    assert!(
        run.stderr
            .starts_with("warning: --dangerous-allow-short-secret"),
        "{run:?}"
    );
    assert!(run.stderr.contains("19-byte"), "{run:?}");
    assert_eq!(run.json()["name"], "John Doe");

    // The flag forgives the length, never a key posing as a secret: an OpenSSH line is read
    // as the key it is, which no HS256 token fits.
    let ssh = dir.join("id.pub");
    fs::write(
        &ssh,
        "ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
    )
    .unwrap();
    let line = jwtkit(&[
        "verify",
        "--key",
        s(&ssh),
        "--alg",
        "HS256",
        "--dangerous-allow-short-secret",
        JWT_IO_TOKEN,
    ])
    .refused(1);
    assert!(line.contains("Ed25519 key"), "{line}");
}

#[test]
fn a_jwk_set_with_unusable_keys_loads_and_says_what_it_skipped() {
    let dir = temp_dir("skipped-keys");
    let (private, public) = key_pair(&dir, "ES256");
    let jwk: Value = jwtkit(&["jwk", &public]).json();
    let jwk = jwk.get("jwk").cloned().unwrap_or(jwk);
    let jwks = dir.join("jwks.json");
    let set = json!({"keys": [
        {"kty": "RSA", "use": "enc", "kid": "enc-1", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-256", "kid": "broken", "x": "AA", "y": "AA"},
        jwk,
    ]});
    fs::write(&jwks, set.to_string()).unwrap();
    let token = jwtkit(&["encode", "--key", &private, "--exp", "5m"]).ok();
    let run = jwtkit(&["verify", "--jwks", s(&jwks), "--alg", "ES256", token.trim()]);
    assert_eq!(run.code, 0, "{run:?}");
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{run:?}");
    assert!(
        warnings[0].contains("skipped key #0 (kid \"enc-1\")"),
        "{run:?}"
    );
    assert!(
        warnings[1].contains("skipped key #1 (kid \"broken\")"),
        "{run:?}"
    );
}

/// A loopback HTTP server that answers every request with `body` as JSON, for as long as the
/// test runs; returns its base URL.
fn serve_json(body: String) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn keys_come_from_a_jwks_url_or_an_oidc_issuer() {
    let dir = temp_dir("remote-keys");
    let (private, public) = key_pair(&dir, "ES256");
    let jwk: Value = jwtkit(&["jwk", &public]).json();
    let jwk = jwk.get("jwk").cloned().unwrap_or(jwk);
    let kid = jwk["kid"].as_str().unwrap().to_owned();
    let jwks_url = format!(
        "{}/jwks.json",
        serve_json(json!({ "keys": [jwk] }).to_string())
    );
    let issuer = serve_json(String::new());
    let token = jwtkit(&["encode", "--key", &private, "--kid", &kid, "--exp", "5m"]).ok();
    let claims = jwtkit(&[
        "verify",
        "--jwks-url",
        &jwks_url,
        "--alg",
        "ES256",
        token.trim(),
    ])
    .json();
    assert!(claims["exp"].is_number());
    // A token signed by another key is refused as usual (exit 1, one line).
    let (other, _) = key_pair(&temp_dir("remote-keys-other"), "ES256");
    let forged = jwtkit(&["encode", "--key", &other, "--kid", &kid, "--exp", "5m"]).ok();
    let line = jwtkit(&[
        "verify",
        "--jwks-url",
        &jwks_url,
        "--alg",
        "ES256",
        forged.trim(),
    ])
    .refused(1);
    assert!(line.contains("signature"), "{line}");
    // Plain HTTP to a host that is not loopback is a usage error; an issuer whose discovery
    // document is not one fails the fetch, not the token.
    let line = jwtkit(&[
        "verify",
        "--jwks-url",
        "http://login.example/jwks",
        "--alg",
        "ES256",
        token.trim(),
    ])
    .refused(2);
    assert!(line.contains("https") || line.contains("HTTPS"), "{line}");
    let line = jwtkit(&[
        "verify",
        "--oidc-issuer",
        &issuer,
        "--alg",
        "ES256",
        token.trim(),
    ])
    .refused(1);
    assert!(line.starts_with("cannot get the issuer's keys"), "{line}");
}
