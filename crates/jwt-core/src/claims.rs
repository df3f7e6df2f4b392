//! Registered claims (RFC 7519 §4.1) and NumericDate, plus the borrowed view of them that
//! validation reads without building the caller's claims type twice.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::{self, Name, Skip, SmallList};

/// Seconds since the Unix epoch, as JWT's `exp`, `nbf` and `iat` carry them.
///
/// It must be a JSON number: strings, booleans, `null` and numbers outside `i64` are
/// malformed rather than silently "valid forever". A fractional value is floored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate(i64);

impl NumericDate {
    /// The date `secs` seconds after the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        NumericDate(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }

    /// The system clock's current time, whole seconds.
    pub fn now() -> Self {
        NumericDate::from(SystemTime::now())
    }
}

/// `NumericDate::now() + Duration::from_secs(900)`: an `exp` fifteen minutes from now.
/// Saturates rather than overflows.
impl std::ops::Add<std::time::Duration> for NumericDate {
    type Output = NumericDate;

    fn add(self, duration: std::time::Duration) -> NumericDate {
        let secs = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        NumericDate(self.0.saturating_add(secs))
    }
}

/// The whole seconds of a `SystemTime` since the epoch (negative before it).
impl From<SystemTime> for NumericDate {
    fn from(time: SystemTime) -> NumericDate {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        NumericDate(secs)
    }
}

impl Serialize for NumericDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a NumericDate (a JSON number of seconds within i64)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                i64::try_from(v)
                    .map(NumericDate)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                // i64::MAX as f64 rounds up to 2^63, so the upper bound is exclusive.
                let floor = v.floor();
                if floor.is_finite() && floor >= i64::MIN as f64 && floor < i64::MAX as f64 {
                    #[allow(clippy::cast_possible_truncation)] // range checked just above
                    Ok(NumericDate(floor as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// The `aud` claim: one audience or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "api"`
    One(String),
    /// `"aud": ["api", "billing"]`
    Many(Vec<String>),
}

/// The registered claims (RFC 7519 §4.1), for embedding in a claims type with
/// `#[serde(flatten)]`; [`TokenData::registered`](crate::TokenData::registered) also hands
/// them back from every decoded token.
///
/// Validation does not need this type: it reads the registered claims from the token itself,
/// whatever the caller decodes into.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RegisteredClaims {
    /// Issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Audience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// Expiration time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<NumericDate>,
    /// Not before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// Issued at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    /// JWT ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
}

/// What validation reads of a claims object, borrowed from the payload where it can be.
#[derive(Debug, Default)]
pub(crate) struct ClaimsView<'a> {
    pub(crate) names: SmallList<Cow<'a, str>, 8>,
    /// The members whose value is `null`, which count as absent (as PyJWT counts them).
    pub(crate) nulls: SmallList<Cow<'a, str>, 2>,
    pub(crate) iss: Option<Cow<'a, str>>,
    pub(crate) sub: Option<Cow<'a, str>>,
    pub(crate) aud: Option<SmallList<Cow<'a, str>, 2>>,
    /// Whether `aud` came as an array rather than one string.
    pub(crate) aud_is_array: bool,
    pub(crate) exp: Option<NumericDate>,
    pub(crate) nbf: Option<NumericDate>,
    pub(crate) iat: Option<NumericDate>,
    pub(crate) jti: Option<Cow<'a, str>>,
    /// The text the view was read from, if any: where its borrowed strings point.
    pub(crate) source: &'a [u8],
}

impl<'a> ClaimsView<'a> {
    /// Reads `payload` as a JSON object with unique member names and well-typed registered
    /// claims, and nothing after it.
    pub(crate) fn parse(payload: &'a [u8]) -> Result<Self, Error> {
        let refused = Cell::new(Refused::Text);
        let mut deserializer = serde_json::Deserializer::from_slice(payload);
        let view = ViewSeed { refused: &refused }
            .deserialize(&mut deserializer)
            .and_then(|view| deserializer.end().map(|()| view))
            .map_err(|err| {
                // A claim's value that is not even JSON is the text's fault, not the claim's.
                let text_is_json = serde_json::from_slice::<de::IgnoredAny>(payload).is_ok();
                match refused.get() {
                    Refused::Claim(_) if !text_is_json => Refused::Text,
                    refused => refused,
                }
                .error(err)
            })?;
        let view = ClaimsView {
            source: payload,
            ..view
        };
        if let Some(name) = json::find_duplicate(&view.names) {
            return Err(Error::malformed(format!(
                "claims: duplicate member {name:?}"
            )));
        }
        Ok(view)
    }

    /// Parses `payload` as the claims object, with unique member names at every depth.
    ///
    /// # Errors
    /// [`Error::MistypedClaims`] for JSON that is not an object, else [`Error::Malformed`].
    pub(crate) fn parse_object(payload: &[u8]) -> Result<Map<String, Value>, Error> {
        json::parse_unique_object(payload).map_err(|err| {
            let json_but_no_object = payload.trim_ascii_start().first() != Some(&b'{')
                && serde_json::from_slice::<de::IgnoredAny>(payload).is_ok();
            if json_but_no_object {
                Refused::NotAnObject.error(err)
            } else {
                Refused::Text.error(err)
            }
        })
    }

    /// Reads the registered claims of an already parsed claims object (whose member names
    /// [`json::parse_unique_object`] has already checked), without parsing the text again.
    pub(crate) fn from_object(claims: &'a Map<String, Value>) -> Result<Self, Error> {
        let refused = Cell::new(Refused::Text);
        ViewSeed { refused: &refused }
            .deserialize(claims)
            .map_err(|err| refused.get().error(err))
    }

    /// The registered claims as an owned [`RegisteredClaims`], for
    /// [`TokenData`](crate::TokenData): only the strings present are copied.
    pub(crate) fn to_registered(&self) -> RegisteredClaims {
        let owned = |value: &Option<Cow<'a, str>>| value.as_deref().map(str::to_owned);
        RegisteredClaims {
            iss: owned(&self.iss),
            sub: owned(&self.sub),
            aud: self.aud.as_ref().map(|list| {
                if self.aud_is_array {
                    Audience::Many(list.iter().map(|aud| aud.to_string()).collect())
                } else {
                    Audience::One(list.first().map(|aud| aud.to_string()).unwrap_or_default())
                }
            }),
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: owned(&self.jti),
        }
    }

    /// Whether the claims carry `name` with a value other than `null`.
    pub(crate) fn has(&self, name: &str) -> bool {
        // A registered claim read with a value is there and not `null`: no scan of the names
        // (the required claims are nearly always registered ones, `exp` by default).
        let read = match name {
            "exp" => self.exp.is_some(),
            "iat" => self.iat.is_some(),
            "nbf" => self.nbf.is_some(),
            "iss" => self.iss.is_some(),
            "sub" => self.sub.is_some(),
            "aud" => self.aud.is_some(),
            "jti" => self.jti.is_some(),
            _ => false,
        };
        read || self.names.iter().any(|n| n == name) && !self.nulls.iter().any(|n| n == name)
    }
}

/// What part of the claims the reading refused, for the error's variant.
#[derive(Clone, Copy)]
enum Refused {
    /// The JSON text itself, or a repeated name: [`Error::Malformed`].
    Text,
    /// Something other than an object.
    NotAnObject,
    /// A registered claim of the wrong type.
    Claim(&'static str),
}

impl Refused {
    fn error(self, err: impl fmt::Display) -> Error {
        let message = err.to_string();
        match self {
            Refused::Text => Error::malformed(format!("claims: {message}")),
            Refused::NotAnObject => Error::MistypedClaims {
                claim: None,
                message,
            },
            Refused::Claim(claim) => Error::MistypedClaims {
                claim: Some(claim),
                message,
            },
        }
    }
}

struct ViewSeed<'r> {
    refused: &'r Cell<Refused>,
}

impl<'de> DeserializeSeed<'de> for ViewSeed<'_> {
    type Value = ClaimsView<'de>;
    /// `deserialize_any`, so that a value other than an object reaches the visitor (and is
    /// noted as such) rather than being refused by serde_json before it.
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ViewSeed<'_> {
    /// Any value but an object: noted, then refused with serde's own words.
    fn not_an_object<E: de::Error>(&self, unexpected: de::Unexpected<'_>) -> E {
        self.refused.set(Refused::NotAnObject);
        E::invalid_type(unexpected, self)
    }

    /// A registered claim's value of the wrong type: noted, then refused.
    fn mistyped<E: de::Error>(&self, claim: &'static str, message: fmt::Arguments<'_>) -> E {
        self.refused.set(Refused::Claim(claim));
        E::custom(message)
    }
}

impl<'de> Visitor<'de> for ViewSeed<'_> {
    type Value = ClaimsView<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Signed(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Unsigned(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.not_an_object(de::Unexpected::Unit))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.not_an_object(de::Unexpected::Seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut view = ClaimsView::default();
        while let Some(Name(name)) = access.next_key::<Name<'de>>()? {
            let claim = match name.as_ref() {
                "exp" => Some("exp"),
                "nbf" => Some("nbf"),
                "iat" => Some("iat"),
                "iss" => Some("iss"),
                "sub" => Some("sub"),
                "jti" => Some("jti"),
                "aud" => Some("aud"),
                _ => None,
            };
            match claim {
                Some(claim @ ("exp" | "nbf" | "iat")) => {
                    let date = access.next_value::<NumericDate>().map_err(|err| {
                        self.mistyped(
                            claim,
                            format_args!("claim {claim:?} must be a NumericDate: {err}"),
                        )
                    })?;
                    *match claim {
                        "exp" => &mut view.exp,
                        "nbf" => &mut view.nbf,
                        _ => &mut view.iat,
                    } = Some(date);
                }
                Some(claim @ ("iss" | "sub" | "jti")) => {
                    let Name(value) = access.next_value::<Name<'de>>().map_err(|_| {
                        self.mistyped(claim, format_args!("claim {claim:?} must be a string"))
                    })?;
                    *match claim {
                        "iss" => &mut view.iss,
                        "sub" => &mut view.sub,
                        _ => &mut view.jti,
                    } = Some(value);
                }
                Some(claim) => {
                    let AudienceView(list, is_array) = access
                        .next_value::<AudienceView<'de>>()
                        .map_err(|err| self.mistyped(claim, format_args!("{err}")))?;
                    view.aud = Some(list);
                    view.aud_is_array = is_array;
                }
                None => {
                    let Skip(null) = access.next_value::<Skip>()?;
                    if null {
                        view.nulls.push(name.clone());
                    }
                }
            }
            view.names.push(name);
        }
        Ok(view)
    }
}

/// `aud` as a list, whether the token wrote one string or an array of strings, and which.
pub(crate) struct AudienceView<'de>(pub(crate) SmallList<Cow<'de, str>, 2>, pub(crate) bool);

impl<'de> AudienceView<'de> {
    fn one(aud: Cow<'de, str>) -> Self {
        let mut list = SmallList::default();
        list.push(aud);
        AudienceView(list, false)
    }
}

impl<'de> Deserialize<'de> for AudienceView<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AudVisitor;
        impl<'de> Visitor<'de> for AudVisitor {
            type Value = AudienceView<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("claim \"aud\" as a string or an array of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(AudienceView::one(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(AudienceView::one(Cow::Owned(v.to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = SmallList::default();
                while let Some(Name(aud)) = seq.next_element::<Name<'de>>()? {
                    list.push(aud);
                }
                Ok(AudienceView(list, true))
            }
        }
        deserializer.deserialize_any(AudVisitor)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numeric_dates_add_durations_and_come_from_system_times() {
        use std::time::{Duration, SystemTime, UNIX_EPOCH};
        let epoch_plus = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(
            super::NumericDate::from(epoch_plus(1_700_000_000)).as_secs(),
            1_700_000_000
        );
        assert_eq!(
            super::NumericDate::from(UNIX_EPOCH - Duration::from_secs(5)).as_secs(),
            -5
        );
        let date = super::NumericDate::from_secs(100) + Duration::from_secs(900);
        assert_eq!(date.as_secs(), 1000);
        let far = super::NumericDate::from_secs(i64::MAX) + Duration::from_secs(1);
        assert_eq!(far.as_secs(), i64::MAX);
        let now = super::NumericDate::now().as_secs();
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(now.abs_diff(i64::try_from(system).unwrap()) <= 1);
    }

    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn numeric_dates_must_be_numbers_within_i64() {
        let parse = |json: &str| serde_json::from_str::<NumericDate>(json);
        assert_eq!(parse("1700000000").unwrap().as_secs(), 1_700_000_000);
        assert_eq!(parse("-5").unwrap().as_secs(), -5);
        assert_eq!(parse("1.5").unwrap().as_secs(), 1);
        assert_eq!(parse("-1.5").unwrap().as_secs(), -2);
        assert_eq!(parse("9223372036854775807").unwrap().as_secs(), i64::MAX);
        for bad in [
            "\"1700000000\"",
            "true",
            "null",
            "1e400",
            "9223372036854775808",
            "9.3e18",
            "[]",
        ] {
            assert!(parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn view_reads_registered_claims_and_refuses_bad_types() {
        let payload =
            br#"{"iss":"i","sub":"s","aud":["a","b"],"exp":10,"nbf":1,"iat":2.7,"x":{"y":[1]}}"#;
        let view = ClaimsView::parse(payload).unwrap();
        assert_eq!(view.iss.as_deref(), Some("i"));
        assert_eq!(view.aud.as_ref().map(|aud| aud.len()), Some(2));
        assert_eq!(view.iat, Some(NumericDate(2)));
        assert!(view.has("x") && !view.has("y"));
        for bad in [
            r#"{"exp":"1"}"#,
            r#"{"aud":[1]}"#,
            r#"{"aud":null}"#,
            r#"{"iss":1}"#,
            r#"{"jti":{}}"#,
            r#"{"a":1,"a":1}"#,
            r#"{"role":{"admin":false,"admin":true}}"#,
            r#"{"a":1} {}"#,
            r#"[]"#,
            r#""#,
        ] {
            assert!(ClaimsView::parse(bad.as_bytes()).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn a_mistyped_registered_claim_is_named_in_its_error() {
        let refusal = |payload: &str| match ClaimsView::parse(payload.as_bytes()) {
            Err(Error::MistypedClaims { claim, .. }) => Ok(claim),
            Err(other) => Err(other.kind()),
            Ok(_) => panic!("{payload} accepted"),
        };
        for claim in ["exp", "nbf", "iat", "iss", "sub", "jti", "aud"] {
            let payload = format!(r#"{{"x":1,"{claim}":{{}}}}"#);
            assert_eq!(refusal(&payload), Ok(Some(claim)), "{payload}");
        }
        assert_eq!(refusal(r#"{"aud":null}"#), Ok(Some("aud")));
        for not_an_object in ["[]", "1", "\"x\"", "null", "true", "-1.5"] {
            assert_eq!(refusal(not_an_object), Ok(None), "{not_an_object}");
        }
        // The text, not a claim: syntax, a repeated name, anything after the object.
        for text in [
            r#"{"exp":12x}"#,
            r#"{"exp":1,"exp":1}"#,
            r#"{"a":{"b":1,"b":1}}"#,
            "{} 1",
            "",
        ] {
            assert_eq!(refusal(text), Err(ErrorKind::Malformed), "{text}");
        }
        for not_an_object in ["1", " [1]", "null"] {
            let err = ClaimsView::parse_object(not_an_object.as_bytes()).unwrap_err();
            assert!(
                matches!(err, Error::MistypedClaims { claim: None, .. }),
                "{not_an_object}: {err:?}"
            );
        }
        for text in ["{\"a\":1,\"a\":2}", "[1", "1 2", ""] {
            let err = ClaimsView::parse_object(text.as_bytes()).unwrap_err();
            assert!(matches!(err, Error::Malformed(_)), "{text}: {err:?}");
        }
        let err = ClaimsView::parse(br#"{"sub":7}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
        assert_eq!(
            err.to_string(),
            "malformed token: claims: claim \"sub\" must be a string at line 1 column 9"
        );
    }

    #[test]
    fn deep_nesting_is_a_bounded_error() {
        let nested = |depth: usize| {
            let mut payload = b"{\"a\":".to_vec();
            payload.extend(std::iter::repeat_n(b'[', depth));
            payload.extend(std::iter::repeat_n(b']', depth));
            payload.push(b'}');
            payload
        };
        assert!(ClaimsView::parse(&nested(100)).is_ok());
        assert!(ClaimsView::parse(&nested(200)).is_err());
        assert!(ClaimsView::parse(&nested(100_000)).is_err());
    }
}
