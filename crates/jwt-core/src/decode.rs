//! Verifying a token: the whole verify path, then the claims into the caller's type.

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::sync::Arc;

use serde::de::{DeserializeOwned, DeserializeSeed};
use serde_json::{Map, Value};

use crate::claims::{ClaimsView, RegisteredClaims};
use crate::crypto::KeySource;
use crate::error::Error;
use crate::header::Header;
use crate::jws::{PAYLOAD_INLINE, Parsed};
use crate::kept_registered::KeptRegistered;
use crate::one_pass::{self, Read};
use crate::validation::Validation;

/// A verified token: its header and its claims.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TokenData<T> {
    /// The protected header. It is shared: a service sees the same few headers on every
    /// token, and each thread keeps the ones it read lately, so a token whose header text
    /// was seen before costs no allocation here. Read it through the `Arc` as a `Header`;
    /// [`Arc::unwrap_or_clone`] gives one of your own.
    pub header: Arc<Header>,
    /// The claims, validated.
    pub claims: T,
    registered: KeptRegistered,
}

impl<T> TokenData<T> {
    pub(crate) fn new(header: Arc<Header>, claims: T, registered: KeptRegistered) -> Self {
        TokenData {
            header,
            claims,
            registered,
        }
    }

    /// The registered claims (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`) as validation
    /// read them, whatever `T` holds: no second claims type is needed to read `exp` or `sub`.
    pub fn registered(&self) -> &RegisteredClaims {
        self.registered.get()
    }
}

/// Verifies `token` with a key from `keys` and checks its claims against `validation`, then
/// deserializes the claims into `T`.
///
/// The order is fixed (DESIGN's verify path): size, split, header, allow-list, `crit`, `typ`,
/// key family, signature, and only then the payload and its claims. So a token with a bad
/// signature is reported as such even when it is also expired.
///
/// # Errors
/// A rejection ([`Error::is_rejection`]) for anything the token causes: `Malformed`,
/// `Unsupported`, `AlgorithmNotAllowed`, `KeyNotFound`, `InvalidSignature`, or a claim check
/// (`Expired`, `NotYetValid`, `InvalidIssuedAt`, `InvalidIssuer`, `InvalidAudience`,
/// `InvalidSubject`, `InvalidType`, `MissingClaim`), also `Malformed` when the claims do not
/// fit `T`. [`Error::InvalidKey`] only for the caller's key (one whose `key_ops` forbid
/// verifying).
pub fn decode<T: DeserializeOwned>(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
) -> Result<TokenData<T>, Error> {
    decode_seeded(token, keys, validation, PhantomData::<T>)
}

/// [`decode`] with the claims read by `seed`, a serde [`DeserializeSeed`]: for a reader that
/// carries state, such as a language binding that builds its own objects as it reads. The
/// claims are validated and read in one pass, as [`decode`] reads them; when that pass
/// fails, they are read again the two-pass way (validation, then a clone of `seed`), so
/// that the errors are [`decode`]'s.
///
/// # Errors
/// As [`decode`]; `Malformed` when `seed` fails.
pub fn decode_seeded<S, V>(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
    seed: S,
) -> Result<TokenData<V>, Error>
where
    S: Clone + for<'de> DeserializeSeed<'de, Value = V>,
{
    verify(token, keys, validation, |payload| {
        seeded_claims(payload, validation, seed)
    })
}

/// The claims of a verified payload, validated and read through `seed` in one pass (see
/// [`one_pass`]), or in two where one cannot see everything.
pub(crate) fn seeded_claims<S, V>(
    payload: &[u8],
    validation: &Validation,
    seed: S,
) -> Result<(V, KeptRegistered), Error>
where
    S: Clone + for<'de> DeserializeSeed<'de, Value = V>,
{
    let mut view = ClaimsView::default();
    match one_pass::read(payload, &mut view, seed.clone()) {
        Read::Checked(claims) => {
            validation.check_view(&view)?;
            Ok((claims, KeptRegistered::from_view(&view)))
        }
        Read::Unchecked(claims) => Ok((claims, validation.check_registered(payload)?)),
        Read::Failed => seeded_claims_two_pass(payload, validation, seed),
    }
}

/// The claims read twice: once for validation, once through `seed`. Its errors are the
/// reference: the claims' own come before the type's.
pub(crate) fn seeded_claims_two_pass<S, V>(
    payload: &[u8],
    validation: &Validation,
    seed: S,
) -> Result<(V, KeptRegistered), Error>
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    let registered = validation.check_registered(payload)?;
    let mut deserializer = serde_json::Deserializer::from_slice(payload);
    let claims = seed
        .deserialize(&mut deserializer)
        .and_then(|claims| deserializer.end().map(|()| claims))
        .map_err(|err| Error::malformed(format!("claims do not fit the expected type: {err}")))?;
    Ok((claims, registered))
}

/// [`decode`] into a JSON object, for callers without a claims type (the Python layer).
///
/// # Errors
/// As [`decode`].
pub fn decode_json(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
) -> Result<TokenData<Map<String, Value>>, Error> {
    // One parse: the claims object is checked as it is, not read again from the text.
    verify(token, keys, validation, |payload| {
        let claims = ClaimsView::parse_object(payload)?;
        let registered = validation.check_claims_object(&claims)?;
        Ok((claims, registered))
    })
}

/// [`decode`] that hands back the claims exactly as the token carries them: validated JSON
/// text, with no second parse and no re-serialization (the C layer returns it as is).
///
/// # Errors
/// As [`decode`].
pub fn decode_raw(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
) -> Result<TokenData<String>, Error> {
    verify(token, keys, validation, |payload| {
        let registered = validation.check_registered(payload)?;
        // One byte to spare: libjwtkit hands the text to C with a NUL after it, which then
        // needs no second allocation and copy.
        let mut text = Vec::with_capacity(payload.len() + 1);
        text.extend_from_slice(payload);
        // The claims parsed as JSON, and JSON text is UTF-8, so this cannot fail; map it anyway.
        let text = String::from_utf8(text).map_err(|_| Error::malformed("claims are not UTF-8"))?;
        Ok((text, registered))
    })
}

/// The whole verify path up to the signature, then `claims` checks the payload's claims and
/// turns it into the caller's form (each caller checks in the way that parses least).
/// The payload is decoded into a stack buffer when it fits, so a typical token costs no
/// allocation before the caller's own.
fn verify<C>(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
    claims: impl FnOnce(&[u8]) -> Result<(C, KeptRegistered), Error>,
) -> Result<TokenData<C>, Error> {
    let parsed = Parsed::new(token, validation.max_token_len)?;
    parsed.check_header(&validation.algorithms)?;
    validation.check_typ(&parsed.header)?;
    let (mut buffer, mut spill) = ([MaybeUninit::uninit(); PAYLOAD_INLINE], Vec::new());
    let payload = parsed.verify_signature(keys, &mut buffer, &mut spill)?;
    let (claims, registered) = claims(payload)?;
    Ok(TokenData {
        header: parsed.header,
        claims,
        registered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::Algorithm;
    use crate::error::ErrorKind;
    use crate::test_provider::ToyKey;
    use crate::{dangerous, encode, jws};
    use serde_json::json;

    const KEY: ToyKey = ToyKey::hmac(1);

    fn validation() -> Validation {
        Validation::new([Algorithm::HS256]).fixed_time(1_000)
    }

    fn token(claims: Value) -> String {
        encode(&Header::new(Algorithm::HS256), &claims, &KEY).unwrap()
    }

    #[test]
    fn round_trip_into_a_type_and_into_json() {
        #[derive(serde::Deserialize)]
        struct Claims {
            sub: String,
            roles: Vec<String>,
        }
        let token = token(json!({"sub": "u", "roles": ["a"], "exp": 2_000}));
        let typed: TokenData<Claims> = decode(&token, &KEY, &validation()).unwrap();
        assert_eq!(
            (typed.claims.sub.as_str(), typed.claims.roles.len()),
            ("u", 1)
        );
        assert_eq!(typed.header.typ.as_deref(), Some("JWT"));
        let map = decode_json(&token, &KEY, &validation()).unwrap();
        assert_eq!(map.claims["roles"], json!(["a"]));
        let raw = decode_raw(&token, &KEY, &validation()).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&raw.claims).unwrap(),
            Value::Object(map.claims)
        );
    }

    #[test]
    fn registered_claims_come_back_whatever_the_claims_type() {
        use crate::claims::{Audience, NumericDate};
        #[derive(serde::Deserialize)]
        struct OnlyRoles {
            roles: Vec<String>,
        }
        let token = token(json!({
            "iss": "https://login", "sub": "u", "aud": ["a", "b"], "exp": 2_000,
            "iat": 900, "jti": "j-1", "roles": ["r"],
        }));
        let validation = validation().audience(["a"]);
        let typed: TokenData<OnlyRoles> = decode(&token, &KEY, &validation).unwrap();
        assert_eq!(typed.claims.roles, ["r"]);
        let registered = typed.registered();
        assert_eq!(registered.iss.as_deref(), Some("https://login"));
        assert_eq!(registered.sub.as_deref(), Some("u"));
        assert_eq!(
            registered.aud,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(registered.exp, Some(NumericDate::from_secs(2_000)));
        assert_eq!(registered.iat, Some(NumericDate::from_secs(900)));
        assert_eq!(
            (registered.nbf, registered.jti.as_deref()),
            (None, Some("j-1"))
        );
        let json = decode_json(&token, &KEY, &validation).unwrap();
        let raw = decode_raw(&token, &KEY, &validation).unwrap();
        assert_eq!(json.registered(), registered);
        assert_eq!(raw.registered(), registered);
        let unverified: TokenData<Value> = dangerous::decode_unverified(&token).unwrap();
        assert_eq!(unverified.registered(), registered);
        let one = token_with_aud("a");
        let one = decode_json(&one, &KEY, &validation).unwrap();
        assert_eq!(one.registered().aud, Some(Audience::One("a".into())));
    }

    #[test]
    fn a_header_seen_before_is_judged_afresh() {
        // The same header text twice on one thread: the second reading is the kept one, and
        // the allow-list and key still judge it.
        let token = token(json!({"exp": 2_000}));
        decode::<Value>(&token, &KEY, &validation()).unwrap();
        let refused = decode::<Value>(&token, &KEY, &Validation::new([Algorithm::HS384]));
        assert_eq!(refused.unwrap_err().kind(), ErrorKind::AlgorithmNotAllowed);
        let wrong_key = decode::<Value>(&token, &ToyKey::hmac(2), &validation());
        assert_eq!(wrong_key.unwrap_err().kind(), ErrorKind::InvalidSignature);
        let kept = decode::<Value>(&token, &KEY, &validation()).unwrap();
        assert_eq!(*kept.header, Header::new(Algorithm::HS256));
    }

    #[test]
    fn a_seed_reads_the_claims_in_the_validating_pass() {
        use serde::Deserialize;
        use std::cell::Cell;
        /// A reader with state: it counts how often it is run.
        #[derive(Clone)]
        struct Counted<'c>(&'c Cell<usize>);
        impl<'de> DeserializeSeed<'de> for Counted<'_> {
            type Value = Value;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                self.0.set(self.0.get() + 1);
                Value::deserialize(d)
            }
        }
        let runs = Cell::new(0);
        let claims = json!({"sub": "u", "roles": [{"r": 1}], "exp": 2_000});
        let data = decode_seeded(&token(claims.clone()), &KEY, &validation(), Counted(&runs));
        assert_eq!(data.unwrap().claims, claims);
        assert_eq!(runs.get(), 1);
        let refused = |claims: Value| {
            decode_seeded(&token(claims), &KEY, &validation(), Counted(&runs))
                .unwrap_err()
                .kind()
        };
        assert_eq!(refused(json!({"exp": 999})), ErrorKind::Expired);
        assert_eq!(refused(json!({"exp": "soon"})), ErrorKind::Malformed);
        let repeated = "{\"exp\":2000,\"a\":{\"b\":1,\"b\":2}}";
        let token = jws::sign(br#"{"alg":"HS256"}"#, repeated.as_bytes(), &KEY).unwrap();
        let refused = decode_seeded(&token, &KEY, &validation(), Counted(&runs));
        assert_eq!(refused.unwrap_err().kind(), ErrorKind::Malformed);
    }

    fn token_with_aud(aud: &str) -> String {
        token(json!({"aud": aud, "exp": 2_000}))
    }

    #[test]
    fn encode_refuses_claims_that_repeat_a_member_name() {
        #[derive(serde::Serialize)]
        struct Injected {
            sub: &'static str,
            #[serde(flatten)]
            extra: std::collections::BTreeMap<&'static str, Value>,
        }
        let claims = Injected {
            sub: "mallory",
            extra: [("sub", json!("admin")), ("exp", json!(2_000))].into(),
        };
        let err = encode(&Header::new(Algorithm::HS256), &claims, &KEY).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
        let nested = json!({"sub": "u", "exp": 2_000, "n": {"a": 1}});
        assert!(encode(&Header::new(Algorithm::HS256), &nested, &KEY).is_ok());
        let not_an_object = encode(&Header::new(Algorithm::HS256), &json!([1]), &KEY);
        assert_eq!(not_an_object.unwrap_err().kind(), ErrorKind::Malformed);
    }

    #[test]
    fn the_unverified_header_json_checks_kid_as_the_verify_path_does() {
        let with_kid = |kid: Value| {
            let header = serde_json::to_vec(&json!({"alg": "RS256", "kid": kid})).unwrap();
            let mut token = String::new();
            crate::base64url::encode_into(&header, &mut token);
            token + ".e30."
        };
        for bad in [json!(["x"]), json!(1), json!(null), json!("k".repeat(257))] {
            let err = dangerous::decode_header_json_unverified(&with_kid(bad.clone())).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad}");
            let typed = dangerous::decode_header_unverified(&with_kid(bad.clone())).unwrap_err();
            assert_eq!(typed.kind(), ErrorKind::Malformed, "{bad}");
        }
        let ok = dangerous::decode_header_json_unverified(&with_kid(json!("k1"))).unwrap();
        assert_eq!(ok["kid"], json!("k1"));
    }

    #[test]
    fn an_unverified_jws_is_read_as_strictly_as_a_verified_one() {
        let read = |token| dangerous::decode_jws_unverified(token, crate::DEFAULT_MAX_TOKEN_LEN);
        let none = read("eyJhbGciOiJub25lIn0.VGVzdA.").unwrap();
        assert_eq!(
            (none.header["alg"].as_str(), none.payload.as_slice()),
            (Some("none"), &b"Test"[..])
        );
        assert!(none.signature.is_empty());
        let detached = read("eyJhbGciOiJIUzI1NiJ9..c2ln").unwrap();
        assert_eq!(
            (detached.payload.len(), detached.signature.as_slice()),
            (0, &b"sig"[..])
        );
        for bad in [
            "eyJhbGciOiJub25lIn0.VGVzdA==.",
            "eyJhbGciOiJub25lIn0.VGVzdA?.",
            "eyJhbGciOiJub25lIn0.VGVzdA.c2ln=",
            "eyJhbGciOiJub25lIn0.VGVzdB.",
            "eyJhbGciOiJub25lIn0.VGVzdA",
            "W10.VGVzdA.",
        ] {
            assert_eq!(read(bad).unwrap_err().kind(), ErrorKind::Malformed, "{bad}");
        }
        assert_eq!(
            read("a.b.c.d.e").unwrap_err().kind(),
            ErrorKind::Unsupported
        );
    }

    #[test]
    fn the_signature_is_reported_before_the_claims() {
        let expired = token(json!({"exp": 10}));
        assert_eq!(
            decode_json(&expired, &KEY, &validation())
                .unwrap_err()
                .kind(),
            ErrorKind::Expired
        );
        let err = decode_json(&expired, &ToyKey::hmac(2), &validation()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    }

    #[test]
    fn claims_must_be_one_object_with_unique_members() {
        for payload in [
            &br#"{"exp":2000,"exp":2000}"#[..],
            b"[]",
            b"",
            b"\xff",
            b"{\"exp\":2000}x",
        ] {
            let token = jws::sign(br#"{"alg":"HS256"}"#, payload, &KEY).unwrap();
            let err = decode_json(&token, &KEY, &validation()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{payload:?}");
        }
    }

    #[test]
    fn a_type_mismatch_is_malformed_not_a_panic() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Claims {
            admin: bool,
        }
        let token = token(json!({"exp": 2_000, "admin": "yes"}));
        assert_eq!(
            decode::<Claims>(&token, &KEY, &validation())
                .unwrap_err()
                .kind(),
            ErrorKind::Malformed
        );
    }

    #[test]
    fn typ_is_checked_before_the_signature() {
        let token = token(json!({"exp": 2_000}));
        let v = validation().typ("at+jwt");
        assert_eq!(
            decode_json(&token, &ToyKey::hmac(9), &v)
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidType
        );
    }

    #[test]
    fn dangerous_inspection_reads_without_a_key() {
        let token = token(json!({"exp": 10, "sub": "u"}));
        assert_eq!(
            dangerous::decode_header_unverified(&token).unwrap().alg,
            Algorithm::HS256
        );
        let data: TokenData<Map<String, Value>> = dangerous::decode_unverified(&token).unwrap();
        assert_eq!(data.claims["sub"], "u");
        assert!(dangerous::decode_header_unverified("e30.e30.e30").is_err());
        let none = "eyJhbGciOiJub25lIn0.e30.";
        assert!(dangerous::decode_header_unverified(none).is_err());
        assert_eq!(
            dangerous::decode_header_json_unverified(none).unwrap()["alg"],
            "none"
        );
        assert!(
            dangerous::decode_claims_json_unverified(none)
                .unwrap()
                .is_empty()
        );
        // The signature is not checked, but it must still be strict base64url.
        let nul = format!("{token}\0");
        assert!(dangerous::decode_header_unverified(&nul).is_err());
        assert!(dangerous::decode_header_json_unverified(&nul).is_err());
        assert!(dangerous::decode_claims_json_unverified(&nul).is_err());
        assert!(dangerous::decode_unverified::<Map<String, Value>>(&nul).is_err());
    }

    #[test]
    fn encode_refuses_non_object_claims_and_wrong_families() {
        let header = Header::new(Algorithm::HS256);
        assert_eq!(
            encode(&header, &json!([1]), &KEY).unwrap_err().kind(),
            ErrorKind::Malformed
        );
        let mut crit = Header::new(Algorithm::HS256);
        crit.crit = Some(vec!["b64".to_owned()]);
        crit.extra.insert("b64".to_owned(), Value::Bool(false));
        assert_eq!(
            encode(&crit, &json!({}), &KEY).unwrap_err().kind(),
            ErrorKind::Unsupported
        );
        let rs = Header::new(Algorithm::RS256);
        assert_eq!(
            encode(&rs, &json!({}), &KEY).unwrap_err().kind(),
            ErrorKind::AlgorithmNotAllowed
        );
    }
}
