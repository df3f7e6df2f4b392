//! The shared conformance vectors (tests/vectors/*.json) as the C driver reads them: one
//! tab-separated line per case, bytes in hex ("-" for no bytes, "~" for an absent setting),
//! so the C side needs no JSON parser. Every operation of the format has a C function, so
//! every case runs.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::run::workspace_root;

/// One case, ready for the driver, with what it must answer.
pub struct CaseLine {
    pub id: String,
    pub line: String,
    expect: Expect,
}

enum Expect {
    Status(&'static str),
    /// Success, with the claims to compare as JSON, if the case gives them.
    Claims(Option<Value>),
    /// Success, with the exact bytes the driver must print (payload, token or thumbprint).
    Bytes(Vec<u8>),
}

impl CaseLine {
    /// Compares one driver answer (`id status claims_hex`) with the expectation.
    pub fn check(&self, answer: &str) -> Result<(), String> {
        let fields: Vec<&str> = answer.split('\t').collect();
        let [id, status, output_hex, lacking] = fields[..] else {
            return Err(format!("unreadable answer {answer:?}"));
        };
        if id != self.id {
            return Err(format!("answer for {id} out of order"));
        }
        // The library said it lacks an algorithm the case needs (ES512/ES256K under ring): the
        // key is refused, and C reports a key it cannot load as a key error, never a rejection.
        let unusable = Expect::Status("JWTKIT_ERR_KEY");
        let expect = if lacking == "1" {
            &unusable
        } else {
            &self.expect
        };
        match expect {
            Expect::Status(expected) if status == *expected => Ok(()),
            Expect::Status(expected) => Err(format!("expected {expected}, got {status}")),
            _ if status != "JWTKIT_OK" => Err(format!("expected JWTKIT_OK, got {status}")),
            Expect::Claims(None) => Ok(()),
            Expect::Claims(Some(expected)) => {
                let bytes = unhex(output_hex).ok_or("claims are not hex")?;
                let claims: Value =
                    serde_json::from_slice(&bytes).map_err(|err| format!("claims: {err}"))?;
                if &claims == expected {
                    Ok(())
                } else {
                    Err(format!("claims {claims} differ from {expected}"))
                }
            }
            Expect::Bytes(expected) if &unhex(output_hex).unwrap_or_default() == expected => Ok(()),
            Expect::Bytes(expected) => Err(format!(
                "output {output_hex} differs from {:?}",
                String::from_utf8_lossy(expected)
            )),
        }
    }
}

/// Every case of every vector file, as driver lines.
pub fn c_case_lines() -> Result<Vec<CaseLine>, String> {
    let dir = workspace_root().join("tests/vectors");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|err| format!("reading {}: {err}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut lines = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|err| format!("reading {}: {err}", path.display()))?;
        let file: Value =
            serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
        let keys = file
            .get("keys")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for case in file
            .get("cases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            lines.push(case_line(case, &keys).map_err(|err| format!("{}: {err}", path.display()))?);
        }
    }
    Ok(lines)
}

fn case_line(case: &Value, keys: &Map<String, Value>) -> Result<CaseLine, String> {
    let id = case["id"]
        .as_str()
        .ok_or("a case without an id")?
        .to_owned();
    let key = match &case["key"] {
        Value::String(name) => keys.get(name).ok_or(format!("{id}: no key {name}"))?,
        inline => inline,
    };
    let (kind, bytes) = key_bytes(key).map_err(|err| format!("{id}: {err}"))?;
    let allow_short = key
        .get("allow_short_secret")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let v = &case["validation"];
    let list = |name: &str| -> String {
        match v.get(name).and_then(Value::as_array) {
            Some(items) if !items.is_empty() => items
                .iter()
                .map(|item| hex(item.as_str().unwrap_or_default().as_bytes()))
                .collect::<Vec<_>>()
                .join(","),
            _ => "~".to_owned(),
        }
    };
    let text = |name: &str| {
        v.get(name)
            .and_then(Value::as_str)
            .map_or("~".to_owned(), |s| hex(s.as_bytes()))
    };
    let flag = |name: &str, default: bool| v.get(name).and_then(Value::as_bool).unwrap_or(default);
    let alg_numbers = |list: &Value| -> String {
        let numbers: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|name| {
                let index = jwt_crypto::Algorithm::ALL
                    .iter()
                    .position(|alg| Some(alg.as_str()) == name.as_str());
                index.map_or(0, |i| i + 1).to_string()
            })
            .collect();
        if numbers.is_empty() {
            "0".to_owned()
        } else {
            numbers.join(",")
        }
    };
    let checks = u32::from(flag("validate_exp", true))
        | u32::from(flag("validate_nbf", true)) << 1
        | u32::from(flag("validate_iat", false)) << 2
        | 8;
    let fields = [
        id.clone(),
        case["op"].as_str().unwrap_or_default().to_owned(),
        kind.to_owned(),
        hex(&bytes),
        if allow_short { "1" } else { "0" }.to_owned(),
        token(&case["token"]).map_or("-".to_owned(), |t| hex(t.as_bytes())),
        alg_numbers(&v["algorithms"]),
        v.get("now")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
        v.get("leeway")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .to_string(),
        list("issuer"),
        list("audience"),
        text("subject"),
        list("required"),
        text("typ"),
        v.get("max_token_len")
            .and_then(Value::as_u64)
            .unwrap_or(8192)
            .to_string(),
        checks.to_string(),
        text_field(&case["protected_b64u"])?,
        text_field(&case["payload_b64u"])?,
        alg_numbers(&case["needs"]),
    ];
    let expect = &case["expect"];
    let expect = if let Some(kind) = expect.get("error").and_then(Value::as_str) {
        Expect::Status(status_name(kind).ok_or(format!("{id}: unknown error kind {kind}"))?)
    } else if let Some(payload) = expect.get("payload_b64u") {
        Expect::Bytes(b64u(payload)?)
    } else if let Some(text) = expect.get("token").or_else(|| expect.get("thumbprint")) {
        Expect::Bytes(text.as_str().unwrap_or_default().as_bytes().to_vec())
    } else {
        Expect::Claims(expect.get("claims").cloned())
    };
    Ok(CaseLine {
        id,
        line: fields.join("\t"),
        expect,
    })
}

fn b64u(value: &Value) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(value.as_str().unwrap_or_default())
        .map_err(|err| err.to_string())
}

/// A base64url member as a hex field, or "-" when absent.
fn text_field(value: &Value) -> Result<String, String> {
    if value.is_null() {
        Ok("-".to_owned())
    } else {
        Ok(hex(&b64u(value)?))
    }
}

/// The key as the C loader takes it: its kind and its bytes.
fn key_bytes(key: &Value) -> Result<(&'static str, Vec<u8>), String> {
    let b64 = b64u;
    if let Some(pem) = key.get("pem") {
        Ok(("pem", pem.as_str().unwrap_or_default().as_bytes().to_vec()))
    } else if let Some(der) = key.get("der_b64u") {
        Ok(("der", b64(der)?))
    } else if let Some(jwk) = key.get("jwk") {
        Ok(("jwk", jwk.to_string().into_bytes()))
    } else if let Some(jwks) = key.get("jwks") {
        Ok(("jwks", jwks.to_string().into_bytes()))
    } else if let Some(text) = key.get("jwk_text") {
        Ok(("jwk", text.as_str().unwrap_or_default().as_bytes().to_vec()))
    } else if let Some(text) = key.get("jwks_text") {
        Ok((
            "jwks",
            text.as_str().unwrap_or_default().as_bytes().to_vec(),
        ))
    } else if let Some(secret) = key.get("secret") {
        Ok((
            "secret",
            secret.as_str().unwrap_or_default().as_bytes().to_vec(),
        ))
    } else if let Some(secret) = key.get("secret_b64u") {
        Ok(("secret", b64(secret)?))
    } else {
        Err(format!("unknown key form {key}"))
    }
}

/// A case's token: a string, or parts with `{"repeat": s, "count": n}`.
fn token(value: &Value) -> Option<String> {
    match value {
        Value::String(token) => Some(token.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .map(|part| match part {
                    Value::String(text) => text.clone(),
                    _ => {
                        let count = part["count"]
                            .as_u64()
                            .and_then(|n| usize::try_from(n).ok())
                            .unwrap_or(0);
                        part["repeat"].as_str().unwrap_or_default().repeat(count)
                    }
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The C status name for a vector error kind.
fn status_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "malformed" => "JWTKIT_ERR_MALFORMED",
        "unsupported" => "JWTKIT_ERR_UNSUPPORTED",
        "invalid_signature" => "JWTKIT_ERR_SIGNATURE",
        "algorithm_not_allowed" => "JWTKIT_ERR_ALGORITHM",
        "invalid_type" => "JWTKIT_ERR_TYPE",
        "expired" => "JWTKIT_ERR_EXPIRED",
        "not_yet_valid" => "JWTKIT_ERR_NOT_YET_VALID",
        "invalid_issued_at" => "JWTKIT_ERR_ISSUED_AT",
        "invalid_issuer" => "JWTKIT_ERR_ISSUER",
        "invalid_audience" => "JWTKIT_ERR_AUDIENCE",
        "invalid_subject" => "JWTKIT_ERR_SUBJECT",
        "missing_claim" => "JWTKIT_ERR_MISSING_CLAIM",
        "invalid_key" => "JWTKIT_ERR_KEY",
        "key_not_found" => "JWTKIT_ERR_KEY_NOT_FOUND",
        _ => return None,
    })
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".to_owned();
    }
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text == "-" {
        return Some(Vec::new());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}
