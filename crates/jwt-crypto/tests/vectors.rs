//! The conformance vectors of `tests/vectors/` (the RFC examples, the positive controls and the
//! attack corpus), run through the public API. The format is described in that folder's
//! README; the C and Python suites read the same files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_crypto::{Algorithm, Error, JwkSet, Key, KeySource, Validation, decode_json, jws};
use serde_json::{Map, Value, json};

/// The attack corpus must not shrink below this many cases.
const MIN_ATTACK_CASES: usize = 80;

/// Standards cases that must always be present.
const REQUIRED_STANDARD_CASES: &[&str] = &[
    "rfc7515-a1-hs256-verify",
    "rfc7515-a1-hs256-sign",
    "rfc7515-a2-rs256-verify",
    "rfc7515-a2-rs256-sign",
    "rfc7515-a3-es256-verify",
    "rfc7515-a5-unsecured-refused",
    "rfc7515-e-unknown-crit-refused",
    "rfc7520-4-1-rs256-verify",
    "rfc7520-4-1-rs256-sign",
    "rfc7520-4-2-ps384-verify",
    "rfc7520-4-4-hs256-verify",
    "rfc8037-a3-thumbprint",
    "rfc8037-a4-eddsa-verify",
    "rfc8037-a4-eddsa-sign",
    "rfc7638-3-1-thumbprint",
];

const ERROR_KINDS: &[&str] = &[
    "malformed",
    "unsupported",
    "invalid_signature",
    "algorithm_not_allowed",
    "expired",
    "not_yet_valid",
    "invalid_issued_at",
    "invalid_issuer",
    "invalid_audience",
    "invalid_subject",
    "invalid_type",
    "missing_claim",
    "invalid_key",
    "key_not_found",
];
const CASE_MEMBERS: &[&str] = &[
    "id",
    "description",
    "op",
    "key",
    "token",
    "validation",
    "alg",
    "protected_b64u",
    "payload_b64u",
    "needs",
    "expect",
];
const KEY_FORMS: &[&str] = &[
    "pem",
    "der_b64u",
    "jwk",
    "jwks",
    "jwk_text",
    "jwks_text",
    "secret",
    "secret_b64u",
];
const VALIDATION_MEMBERS: &[&str] = &[
    "algorithms",
    "now",
    "leeway",
    "issuer",
    "audience",
    "subject",
    "required",
    "typ",
    "max_token_len",
    "validate_exp",
    "validate_nbf",
    "validate_iat",
];

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// One vector file: its name and its parsed contents.
struct VectorFile {
    name: String,
    doc: Value,
}

impl VectorFile {
    fn keys(&self) -> &Map<String, Value> {
        self.doc["keys"].as_object().unwrap()
    }

    fn cases(&self) -> &[Value] {
        self.doc["cases"].as_array().unwrap()
    }

    fn is_attack(&self) -> bool {
        self.name.starts_with("attack-")
    }

    fn is_standard(&self) -> bool {
        self.name.starts_with("rfc")
    }
}

fn load_files() -> Vec<VectorFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors is readable")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no vector files in {}",
        vectors_dir().display()
    );
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name} is not valid JSON: {e}"));
            VectorFile { name, doc }
        })
        .collect()
}

fn b64u(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|e| panic!("vector data {text:?} is not base64url: {e}"))
}

fn str_list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array of strings")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

/// The token of a case: a string, or parts concatenated (`{"repeat": S, "count": N}` expands).
fn token_of(value: &Value) -> String {
    match value {
        Value::String(token) => token.clone(),
        Value::Array(parts) => {
            let mut token = String::new();
            for part in parts {
                match part {
                    Value::String(text) => token.push_str(text),
                    Value::Object(repeat) => {
                        let unit = repeat["repeat"].as_str().unwrap();
                        let count = usize::try_from(repeat["count"].as_u64().unwrap()).unwrap();
                        token.push_str(&unit.repeat(count));
                    }
                    other => panic!("token part {other} is neither a string nor a repeat"),
                }
            }
            token
        }
        other => panic!("token {other} is neither a string nor an array of parts"),
    }
}

/// A loaded KEY: one key (boxed: a key is much larger than a set handle), or a set.
enum Loaded {
    Key(Box<Key>),
    Set(JwkSet),
}

fn load_key(spec: &Value) -> Result<Loaded, Error> {
    let short_ok = spec.get("allow_short_secret") == Some(&Value::Bool(true));
    let secret = |bytes: &[u8]| {
        if short_ok {
            Key::dangerous_from_short_secret(bytes)
        } else {
            Key::from_secret(bytes)
        }
    };
    if let Some(text) = spec.get("secret") {
        return secret(text.as_str().unwrap().as_bytes()).map(|key| Loaded::Key(Box::new(key)));
    }
    if let Some(encoded) = spec.get("secret_b64u") {
        return secret(&b64u(encoded.as_str().unwrap())).map(|key| Loaded::Key(Box::new(key)));
    }
    assert!(
        !short_ok,
        "allow_short_secret is only expressible with secret or secret_b64u"
    );
    if let Some(pem) = spec.get("pem") {
        return Key::from_pem(pem.as_str().unwrap()).map(|key| Loaded::Key(Box::new(key)));
    }
    if let Some(der) = spec.get("der_b64u") {
        return Key::from_der(&b64u(der.as_str().unwrap())).map(|key| Loaded::Key(Box::new(key)));
    }
    if let Some(jwk) = spec.get("jwk") {
        return Key::from_jwk_value(jwk).map(|key| Loaded::Key(Box::new(key)));
    }
    if let Some(jwks) = spec.get("jwks") {
        return JwkSet::from_value(jwks).map(Loaded::Set);
    }
    if let Some(text) = spec.get("jwk_text") {
        return Key::from_jwk(text.as_str().unwrap()).map(|key| Loaded::Key(Box::new(key)));
    }
    if let Some(text) = spec.get("jwks_text") {
        return JwkSet::from_json(text.as_str().unwrap()).map(Loaded::Set);
    }
    panic!("KEY {spec} has none of the key members");
}

fn algorithms(value: &Value) -> Vec<Algorithm> {
    str_list(value)
        .iter()
        .map(|name| {
            name.parse::<Algorithm>()
                .unwrap_or_else(|_| panic!("allow-list names unknown algorithm {name:?}"))
        })
        .collect()
}

fn flag(validation: &Value, name: &str, default: bool) -> bool {
    validation
        .get(name)
        .map_or(default, |v| v.as_bool().unwrap())
}

fn max_token_len(validation: &Value) -> usize {
    validation
        .get("max_token_len")
        .map_or(8192, |v| usize::try_from(v.as_u64().unwrap()).unwrap())
}

/// Every option set explicitly from the vector, with the vector format's defaults.
fn validation_of(v: &Value) -> Validation {
    let leeway = v.get("leeway").map_or(0, |l| l.as_u64().unwrap());
    let required = v.get("required").map(str_list).unwrap_or_default();
    let mut validation = Validation::new(algorithms(&v["algorithms"]))
        .fixed_time(v["now"].as_i64().unwrap())
        .leeway(Duration::from_secs(leeway))
        .require_only(required)
        .max_token_len(max_token_len(v))
        .validate_exp(flag(v, "validate_exp", true))
        .validate_nbf(flag(v, "validate_nbf", true))
        .validate_iat(flag(v, "validate_iat", false))
        .validate_aud(true);
    if let Some(issuers) = v.get("issuer") {
        validation = validation.issuer(str_list(issuers));
    }
    if let Some(audiences) = v.get("audience") {
        validation = validation.audience(str_list(audiences));
    }
    if let Some(subject) = v.get("subject") {
        validation = validation.subject(subject.as_str().unwrap());
    }
    if let Some(typ) = v.get("typ") {
        validation = validation.typ(typ.as_str().unwrap());
    }
    validation
}

fn verify_claims(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
) -> Result<Value, Error> {
    let data = decode_json(token, keys, validation)?;
    Ok(serde_json::json!({ "ok": true, "claims": Value::Object(data.claims) }))
}

fn verify_payload(
    token: &str,
    algs: &[Algorithm],
    keys: &(impl KeySource + ?Sized),
    max_len: usize,
) -> Result<Value, Error> {
    let verified = jws::verify(token, algs, keys, max_len)?;
    Ok(serde_json::json!({ "ok": true, "payload_b64u": URL_SAFE_NO_PAD.encode(verified.payload) }))
}

/// Runs one case; `Ok` is the outcome as an `expect` object, `Err` the error kind and message.
fn run(case: &Value, keys: &Map<String, Value>) -> Result<Value, (String, String)> {
    let spec = match &case["key"] {
        Value::String(name) => keys
            .get(name)
            .unwrap_or_else(|| panic!("key {name:?} is not in the file's keys")),
        inline => inline,
    };
    let outcome = match case["op"].as_str().unwrap() {
        "load_key" => load_key(spec).map(|_| serde_json::json!({ "ok": true })),
        "thumbprint" => load_key(spec).map(|loaded| match loaded {
            Loaded::Key(key) => serde_json::json!({ "ok": true, "thumbprint": key.thumbprint() }),
            Loaded::Set(_) => panic!("a thumbprint is asked of a single key"),
        }),
        "verify" => {
            let token = token_of(&case["token"]);
            let validation = validation_of(&case["validation"]);
            load_key(spec).and_then(|loaded| match loaded {
                Loaded::Key(key) => verify_claims(&token, &*key, &validation),
                Loaded::Set(set) => verify_claims(&token, &set, &validation),
            })
        }
        "verify_jws" => {
            let token = token_of(&case["token"]);
            let v = &case["validation"];
            let algs = algorithms(&v["algorithms"]);
            let max_len = max_token_len(v);
            load_key(spec).and_then(|loaded| match loaded {
                Loaded::Key(key) => verify_payload(&token, &algs, &*key, max_len),
                Loaded::Set(set) => verify_payload(&token, &algs, &set, max_len),
            })
        }
        "sign_jws" => {
            let header = b64u(case["protected_b64u"].as_str().unwrap());
            let payload = b64u(case["payload_b64u"].as_str().unwrap());
            let header_alg = serde_json::from_slice::<Value>(&header).unwrap()["alg"].clone();
            assert_eq!(
                header_alg, case["alg"],
                "sign_jws: alg differs from the protected header's"
            );
            load_key(spec).and_then(|loaded| match loaded {
                Loaded::Key(key) => jws::sign(&header, &payload, &*key)
                    .map(|token| serde_json::json!({ "ok": true, "token": token })),
                Loaded::Set(_) => panic!("sign_jws needs a single key"),
            })
        }
        other => panic!("unknown op {other:?}"),
    };
    outcome.map_err(|e| (e.kind().as_str().to_owned(), e.to_string()))
}

/// Whether `actual` satisfies `expect`: the same error kind, or success with every expected
/// member equal.
fn satisfies(expect: &Value, actual: &Result<Value, (String, String)>) -> bool {
    match (expect.get("error"), actual) {
        (Some(kind), Err((actual_kind, _))) => kind == actual_kind.as_str(),
        (None, Ok(outcome)) => expect
            .as_object()
            .unwrap()
            .iter()
            .all(|(name, value)| outcome.get(name) == Some(value)),
        _ => false,
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &text[..end], text.len())
}

#[test]
fn vector_files_are_well_formed() {
    let files = load_files();
    let mut ids = BTreeSet::new();
    let mut attack = 0;
    for file in &files {
        let name = &file.name;
        let doc = file.doc.as_object().unwrap();
        assert!(
            doc["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}: no description"
        );
        for (key_name, spec) in file.keys() {
            check_key_spec(spec, &format!("{name}: key {key_name:?}"));
        }
        assert!(!file.cases().is_empty(), "{name}: no cases");
        for case in file.cases() {
            let id = case["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: a case has no id"));
            let at = format!("{name}: case {id}");
            let kebab = !id.is_empty()
                && id.split('-').all(|word| {
                    !word.is_empty()
                        && word
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                });
            assert!(kebab, "{at}: id is not kebab-case");
            assert!(ids.insert(id.to_owned()), "{at}: id used twice");
            for member in case.as_object().unwrap().keys() {
                assert!(
                    CASE_MEMBERS.contains(&member.as_str()),
                    "{at}: unknown member {member:?}"
                );
            }
            assert!(
                case["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{at}: no description"
            );
            match &case["key"] {
                Value::String(key) => {
                    assert!(file.keys().contains_key(key), "{at}: unknown key {key:?}")
                }
                spec => check_key_spec(spec, &at),
            }
            let op = case["op"].as_str().unwrap();
            match op {
                "verify" | "verify_jws" => {
                    assert!(case.get("token").is_some(), "{at}: no token");
                    let v = case["validation"].as_object().unwrap();
                    for member in v.keys() {
                        assert!(
                            VALIDATION_MEMBERS.contains(&member.as_str()),
                            "{at}: unknown validation member {member:?}"
                        );
                    }
                    assert!(
                        v.contains_key("algorithms") && v.contains_key("now"),
                        "{at}: validation lacks algorithms or now"
                    );
                    algorithms(&v["algorithms"]);
                }
                "sign_jws" => {
                    for member in ["alg", "protected_b64u", "payload_b64u"] {
                        assert!(case[member].is_string(), "{at}: no {member}");
                    }
                }
                "thumbprint" | "load_key" => {}
                other => panic!("{at}: unknown op {other:?}"),
            }
            if let Some(needs) = case.get("needs") {
                let needs = algorithms(needs);
                assert!(!needs.is_empty(), "{at}: needs is empty");
            }
            let expect = case["expect"].as_object().unwrap();
            match expect.get("error") {
                Some(kind) => {
                    assert!(
                        ERROR_KINDS.contains(&kind.as_str().unwrap()),
                        "{at}: unknown error kind {kind}"
                    );
                    assert_eq!(
                        expect.len(),
                        1,
                        "{at}: an error expectation has other members"
                    );
                }
                None => assert_eq!(
                    expect.get("ok"),
                    Some(&Value::Bool(true)),
                    "{at}: expect is neither ok nor error"
                ),
            }
            if file.is_attack() {
                attack += 1;
            }
        }
    }
    assert!(
        attack >= MIN_ATTACK_CASES,
        "only {attack} attack cases; at least {MIN_ATTACK_CASES} are required"
    );
    for id in REQUIRED_STANDARD_CASES {
        assert!(ids.contains(*id), "standard case {id} is missing");
    }
}

fn check_key_spec(spec: &Value, at: &str) {
    let members = spec
        .as_object()
        .unwrap_or_else(|| panic!("{at}: KEY is not an object"));
    let forms = members
        .keys()
        .filter(|m| KEY_FORMS.contains(&m.as_str()))
        .count();
    assert_eq!(forms, 1, "{at}: KEY needs exactly one of {KEY_FORMS:?}");
    for member in members.keys() {
        assert!(
            KEY_FORMS.contains(&member.as_str()) || member == "allow_short_secret",
            "{at}: unknown KEY member {member:?}"
        );
    }
}

/// The case's `expect`, or `unsupported` when it `needs` an algorithm this build lacks (ES512
/// and ES256K under ring).
fn expected_here(case: &Value) -> Value {
    let lacking = case.get("needs").is_some_and(|needs| {
        algorithms(needs)
            .iter()
            .any(|alg| !jwt_crypto::supported_algorithms().contains(alg))
    });
    if lacking {
        json!({"error": "unsupported"})
    } else {
        case["expect"].clone()
    }
}

#[test]
fn every_vector_passes() {
    let files = load_files();
    let mut failures = Vec::new();
    let (mut total, mut standard, mut attack) = (0, 0, 0);
    for file in &files {
        for case in file.cases() {
            let id = case["id"].as_str().unwrap();
            total += 1;
            if file.is_standard() {
                standard += 1;
            }
            if file.is_attack() {
                attack += 1;
            }
            let actual = catch_unwind(AssertUnwindSafe(|| run(case, file.keys())))
                .unwrap_or_else(|_| Err(("panic".to_owned(), "the case panicked".to_owned())));
            let expect = expected_here(case);
            if !satisfies(&expect, &actual) {
                let got = match &actual {
                    Ok(outcome) => shorten(&outcome.to_string()),
                    Err((kind, message)) => format!("error {kind} ({})", shorten(message)),
                };
                failures.push(format!(
                    "{} [{}]\n    expected: {}\n    actual:   {got}",
                    id,
                    file.name,
                    shorten(&expect.to_string())
                ));
            }
        }
    }
    println!(
        "vectors: {} of {total} as expected ({standard} standard, {attack} attack, {} controls, in {} files)",
        total - failures.len(),
        total - standard - attack,
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
