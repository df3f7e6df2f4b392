use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::*;
use crate::algorithm::Algorithm;
use crate::claims::{Audience, RegisteredClaims};
use crate::decode::{seeded_claims, seeded_claims_two_pass};
use crate::error::ErrorKind;
use crate::validation::Validation;
use std::marker::PhantomData;

fn validation() -> Validation {
    Validation::new([Algorithm::HS256])
        .fixed_time(1_000)
        .require_only(["sub"])
        .validate_aud(false)
}

type Outcome<T> = Result<(T, RegisteredClaims), ErrorKind>;

/// Both readings of `payload` into `T`, which must agree.
fn agree<T: DeserializeOwned + PartialEq + Debug>(payload: &str) -> Outcome<T> {
    let v = validation();
    let one = seeded_claims(payload.as_bytes(), &v, PhantomData::<T>)
        .map(|(claims, kept)| (claims, kept.get().clone()))
        .map_err(|e| e.kind());
    let two = seeded_claims_two_pass(payload.as_bytes(), &v, PhantomData::<T>)
        .map(|(claims, kept)| (claims, kept.get().clone()))
        .map_err(|e| e.kind());
    assert_eq!(one, two, "{payload}");
    one
}

fn checked<T: Deserialize<'static>>(payload: &'static str) -> bool {
    let mut view = ClaimsView::default();
    matches!(
        read(payload.as_bytes(), &mut view, PhantomData::<T>),
        Read::Checked(_)
    )
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Typical {
    sub: String,
    exp: Option<i64>,
    iat: Option<f64>,
    nbf: Option<u32>,
    aud: Option<Audience>,
    iss: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Flattened {
    sub: String,
    exp: Option<NumericDate>,
    #[serde(flatten)]
    rest: HashMap<String, Value>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Newtype(Typical);

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    User,
    Service { name: String },
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct WithEnum {
    sub: Kind,
    kind: Option<Kind>,
    #[serde(default)]
    scores: BTreeMap<u8, Vec<Option<bool>>>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct OnlyRoles {
    #[serde(default)]
    roles: Vec<String>,
}

const PAYLOADS: &[&str] = &[
    r#"{"sub":"u","exp":2000,"iat":999.5,"nbf":10,"aud":["a","b"],"iss":"i","roles":["r"]}"#,
    r#"{"sub":"u","exp":2000,"aud":"a","x":{"y":[1,{"z":null}]},"n":null}"#,
    r#"{"sub":"user","kind":{"service":{"name":"n"}},"scores":{"1":[true,null]}}"#,
    r#"{"\u0073ub":"\u0075","e\u0078p":2000,"aud":["\u0061"]}"#,
    r#"{"sub":"u","exp":900}"#,
    r#"{"sub":"u","nbf":1001}"#,
    r#"{"sub":null}"#,
    r#"{"exp":2000}"#,
    r#"{"sub":"u","sub":"v"}"#,
    r#"{"sub":"u","\u0073ub":"v"}"#,
    r#"{"sub":"u","x":{"a":1,"a":2}}"#,
    r#"{"sub":"u","x":[{"a":1},{"b":[{"c":1,"c":1}]}]}"#,
    r#"{"sub":"u","roles":["r"],"ignored":{"admin":false,"admin":true}}"#,
    r#"{"sub":"u","scores":{"1":[],"1":[]}}"#,
    r#"{"sub":"u","exp":"2000"}"#,
    r#"{"sub":"u","exp":null}"#,
    r#"{"sub":"u","exp":1e400}"#,
    r#"{"sub":"u","exp":9223372036854775808}"#,
    r#"{"sub":"u","iat":-1.5,"nbf":-2}"#,
    r#"{"sub":"u","aud":[1]}"#,
    r#"{"sub":"u","aud":null}"#,
    r#"{"sub":"u","aud":[]}"#,
    r#"{"sub":1}"#,
    r#"{"sub":"u","jti":{}}"#,
    r#"{"sub":"u","iss":["i"]}"#,
    r#"{"sub":"u","roles":"admin"}"#,
    r#"{"sub":"u"} {}"#,
    r#"{"sub":"u"}x"#,
    r#"[{"sub":"u"}]"#,
    r#""sub""#,
    r#"{"sub":"u","#,
    "",
];

#[test]
fn one_pass_agrees_with_two_passes_for_every_kind_of_claims_type() {
    for payload in PAYLOADS {
        agree::<Typical>(payload).ok();
        agree::<Flattened>(payload).ok();
        agree::<Newtype>(payload).ok();
        agree::<Option<Typical>>(payload).ok();
        agree::<WithEnum>(payload).ok();
        agree::<OnlyRoles>(payload).ok();
        agree::<Value>(payload).ok();
        agree::<Map<String, Value>>(payload).ok();
        agree::<HashMap<String, Value>>(payload).ok();
        agree::<serde::de::IgnoredAny>(payload).ok();
        agree::<()>(payload).ok();
    }
}

#[test]
fn outcomes_are_those_of_validation() {
    let ok = agree::<Typical>(PAYLOADS[0]).unwrap();
    assert_eq!(ok.0.aud, Some(Audience::Many(vec!["a".into(), "b".into()])));
    assert_eq!(ok.1.iat, Some(NumericDate::from_secs(999)));
    let escaped = agree::<Value>(PAYLOADS[3]).unwrap();
    assert_eq!(escaped.1.sub.as_deref(), Some("u"));
    assert_eq!(escaped.1.aud, Some(Audience::Many(vec!["a".into()])));
    let kinds = [
        (4, ErrorKind::Expired),
        (5, ErrorKind::NotYetValid),
        (6, ErrorKind::Malformed),
        (7, ErrorKind::MissingClaim),
        (8, ErrorKind::Malformed),
        (11, ErrorKind::Malformed),
        (12, ErrorKind::Malformed),
        (14, ErrorKind::Malformed),
    ];
    for (index, kind) in kinds {
        assert_eq!(
            agree::<Value>(PAYLOADS[index]).unwrap_err(),
            kind,
            "{index}"
        );
    }
    // An expired token whose claims also do not fit the type is reported expired.
    assert_eq!(
        agree::<Typical>(r#"{"sub":"u","exp":900,"roles":"admin"}"#).unwrap_err(),
        ErrorKind::Expired
    );
}

#[test]
fn typical_types_take_the_one_pass_and_opaque_ones_do_not() {
    let payload = r#"{"sub":"u","exp":2000,"aud":"a","roles":["r"],"x":{"y":1}}"#;
    assert!(checked::<Typical>(payload));
    assert!(checked::<Flattened>(payload));
    assert!(checked::<Newtype>(payload));
    assert!(checked::<Option<Typical>>(payload));
    assert!(checked::<Value>(payload));
    assert!(checked::<OnlyRoles>(payload));
    // Nothing of the top level seen, or keys that are not strings: read again.
    assert!(!checked::<serde::de::IgnoredAny>(payload));
    assert!(!checked::<BTreeMap<String, BTreeMap<u8, u8>>>(
        r#"{"sub":{"1":1}}"#
    ));
}

fn name() -> impl Strategy<Value = &'static str> + Clone {
    prop::sample::select(vec![
        "sub", "exp", "nbf", "iat", "aud", "iss", "jti", "roles", "a", "b", "\\u0061",
    ])
}

fn object(value: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec((name(), value), 0..6).prop_map(|members| {
        let members: Vec<String> = members
            .into_iter()
            .map(|(name, value)| format!("\"{name}\":{value}"))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

/// A JSON value whose objects may repeat member names (from a small set, registered ones
/// included) and whose registered claims may have any type.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        (0u64..3000).prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        "[a-z]{0,3}".prop_map(|s| format!("{s:?}")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            object(inner),
        ]
    })
}

proptest! {
    #[test]
    fn one_pass_agrees_with_two_passes_on_generated_claims(payload in object(json())) {
        agree::<Typical>(&payload).ok();
        agree::<Flattened>(&payload).ok();
        agree::<Value>(&payload).ok();
        agree::<OnlyRoles>(&payload).ok();
    }
}
