//! The JOSE header: the members jwt-core acts on, typed, and every other member kept as JSON.

use serde_json::{Map, Value};

use crate::algorithm::Algorithm;
use crate::error::Error;
use crate::json;

/// Header members defined by RFC 7515 §4.1; an extension may not list these in `crit`.
const REGISTERED: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// A JOSE header.
///
/// Members other than the typed ones are kept in [`Header::extra`] as they came, so nothing
/// is lost on inspection. Members such as `jwk`, `jku`, `x5u` and `x5c` stay there as plain
/// data: the verify path never uses them to find a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The signature algorithm (`alg`).
    pub alg: Algorithm,
    /// The media type of the whole token (`typ`), usually `"JWT"`.
    pub typ: Option<String>,
    /// The media type of the payload (`cty`).
    pub cty: Option<String>,
    /// The key identifier (`kid`), used to pick a key from a set.
    pub kid: Option<String>,
    /// Extensions the recipient must understand (`crit`). jwt-core implements none, so a
    /// token that lists any is refused.
    pub crit: Option<Vec<String>>,
    /// Every other member, in any JSON form.
    pub extra: Map<String, Value>,
}

impl Header {
    /// A header for `alg` with `typ: "JWT"`, as [`encode`](crate::encode) normally wants.
    pub fn new(alg: Algorithm) -> Self {
        Header {
            alg,
            typ: Some("JWT".to_owned()),
            cty: None,
            kid: None,
            crit: None,
            extra: Map::new(),
        }
    }

    /// Sets `kid`.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Sets members from a JSON object, as the C and Python layers receive extra headers.
    ///
    /// `typ`, `cty` and `kid` must be strings and `crit` an array of strings; an `alg` member
    /// must name this header's algorithm; every other member goes to `extra`.
    pub fn merge(mut self, members: Map<String, Value>) -> Result<Self, Error> {
        for (name, value) in members {
            match (name.as_str(), value) {
                ("alg", Value::String(alg)) if alg == self.alg.as_str() => {}
                ("alg", other) => {
                    return Err(Error::malformed(format!(
                        "header member \"alg\" is {other}, but the token is signed with {}",
                        self.alg
                    )));
                }
                ("typ", Value::String(v)) => self.typ = Some(v),
                ("cty", Value::String(v)) => self.cty = Some(v),
                ("kid", Value::String(v)) => self.kid = Some(v),
                ("typ" | "cty" | "kid", _) => {
                    return Err(Error::malformed(format!(
                        "header member {name:?} is not a string"
                    )));
                }
                ("crit", Value::Array(items)) => {
                    let names = items.into_iter().map(|item| match item {
                        Value::String(name) => Ok(name),
                        _ => Err(Error::malformed(
                            "header member \"crit\" holds a non-string",
                        )),
                    });
                    self.crit = Some(names.collect::<Result<_, _>>()?);
                }
                ("crit", _) => {
                    return Err(Error::malformed("header member \"crit\" is not an array"));
                }
                (_, value) => {
                    self.extra.insert(name, value);
                }
            }
        }
        Ok(self)
    }

    /// Parses a header's JSON bytes: an object with unique member names, a string `alg` that
    /// names a supported algorithm, and string (or string-array) typed members.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let mut map = json::parse_unique_object(bytes)
            .map_err(|err| Error::malformed(format!("header is not a JSON object: {err}")))?;
        let alg = match map.remove("alg") {
            Some(Value::String(name)) => name.parse::<Algorithm>()?,
            Some(_) => return Err(Error::malformed("header member \"alg\" is not a string")),
            None => return Err(Error::malformed("header has no \"alg\" member")),
        };
        let bare = Header {
            alg,
            typ: None,
            cty: None,
            kid: None,
            crit: None,
            extra: Map::new(),
        };
        bare.merge(map)
    }

    /// The compact JSON this header encodes to: `alg`, `typ`, `cty`, `kid`, `crit`, then
    /// the extra members.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        if let Some(name) = REGISTERED_TYPED
            .iter()
            .find(|name| self.extra.contains_key(**name))
        {
            return Err(Error::malformed(format!(
                "header member {name:?} must be set through its field, not `extra`"
            )));
        }
        let mut out = Vec::with_capacity(64);
        out.push(b'{');
        write_member(&mut out, "alg", self.alg.as_str())?;
        let typed = [("typ", &self.typ), ("cty", &self.cty), ("kid", &self.kid)];
        for (name, value) in typed {
            if let Some(value) = value {
                write_member(&mut out, name, value)?;
            }
        }
        if let Some(crit) = &self.crit {
            write_member(&mut out, "crit", crit)?;
        }
        for (name, value) in &self.extra {
            write_member(&mut out, name, value)?;
        }
        out.push(b'}');
        Ok(out)
    }

    /// Refuses what the verify path does not implement: any `crit` extension (an empty or
    /// malformed `crit` is malformed) and unencoded payloads (RFC 7797 `b64: false`).
    pub(crate) fn check_extensions(&self) -> Result<(), Error> {
        if let Some(crit) = &self.crit {
            if crit.is_empty() {
                return Err(Error::malformed("header member \"crit\" is an empty array"));
            }
            for name in crit {
                if REGISTERED.contains(&name.as_str()) {
                    return Err(Error::malformed(format!(
                        "header member \"crit\" lists the registered member {name:?}"
                    )));
                }
                if !self.extra.contains_key(name) {
                    return Err(Error::malformed(format!(
                        "header member \"crit\" lists {name:?}, which the header lacks"
                    )));
                }
            }
            if let Some(name) = crit.first() {
                return Err(Error::Unsupported(format!(
                    "critical header extension {name:?} is not supported"
                )));
            }
        }
        match self.extra.get("b64") {
            None | Some(Value::Bool(true)) => Ok(()),
            Some(Value::Bool(false)) => Err(Error::Unsupported(
                "unencoded payloads (\"b64\": false) are not supported".to_owned(),
            )),
            Some(_) => Err(Error::malformed("header member \"b64\" is not a boolean")),
        }
    }
}

/// The typed members, which `extra` may not repeat.
const REGISTERED_TYPED: [&str; 5] = ["alg", "typ", "cty", "kid", "crit"];

/// Appends `"name":value` to a JSON object under construction, with a comma after `{`.
fn write_member(
    out: &mut Vec<u8>,
    name: &str,
    value: &(impl serde::Serialize + ?Sized),
) -> Result<(), Error> {
    if out.len() > 1 {
        out.push(b',');
    }
    serde_json::to_writer(&mut *out, name)
        .and_then(|()| {
            out.push(b':');
            serde_json::to_writer(&mut *out, value)
        })
        .map_err(|err| Error::malformed(format!("header could not be serialized: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn kind(json: &str) -> ErrorKind {
        Header::from_json(json.as_bytes()).unwrap_err().kind()
    }

    #[test]
    fn parses_typed_members_and_keeps_the_rest() {
        let header = Header::from_json(
            br#"{"alg":"ES256","typ":"JWT","kid":"k1","jwk":{"kty":"EC"},"x-n":[1,2]}"#,
        )
        .unwrap();
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert_eq!(header.extra.len(), 2);
        let round = Header::from_json(&header.to_json().unwrap()).unwrap();
        assert_eq!(round, header);
    }

    #[test]
    fn serializes_alg_first() {
        let json = Header::new(Algorithm::HS256)
            .with_kid("a")
            .to_json()
            .unwrap();
        assert_eq!(json, br#"{"alg":"HS256","typ":"JWT","kid":"a"}"#);
    }

    #[test]
    fn refuses_bad_headers() {
        assert_eq!(kind(r#"{"alg":"none"}"#), ErrorKind::AlgorithmNotAllowed);
        assert_eq!(kind(r#"{"alg":"hs256"}"#), ErrorKind::AlgorithmNotAllowed);
        assert_eq!(kind(r#"{"typ":"JWT"}"#), ErrorKind::Malformed);
        assert_eq!(kind(r#"{"alg":256}"#), ErrorKind::Malformed);
        assert_eq!(
            kind(r#"{"alg":"HS256","alg":"HS256"}"#),
            ErrorKind::Malformed
        );
        assert_eq!(kind(r#"["HS256"]"#), ErrorKind::Malformed);
        assert_eq!(kind(r#"{"alg":"HS256","kid":7}"#), ErrorKind::Malformed);
        assert_eq!(kind(r#"{"alg":"HS256","crit":"x"}"#), ErrorKind::Malformed);
    }

    #[test]
    fn refuses_extensions() {
        let check = |json: &str| {
            Header::from_json(json.as_bytes())
                .unwrap()
                .check_extensions()
        };
        assert!(check(r#"{"alg":"HS256","b64":true}"#).is_ok());
        let cases = [
            (r#"{"alg":"HS256","crit":[]}"#, ErrorKind::Malformed),
            (
                r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
                ErrorKind::Unsupported,
            ),
            (r#"{"alg":"HS256","crit":["exp"]}"#, ErrorKind::Malformed),
            (
                r#"{"alg":"HS256","crit":["kid"],"kid":"a"}"#,
                ErrorKind::Malformed,
            ),
            (
                r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
                ErrorKind::Unsupported,
            ),
            (r#"{"alg":"HS256","b64":false}"#, ErrorKind::Unsupported),
            (r#"{"alg":"HS256","b64":"no"}"#, ErrorKind::Malformed),
        ];
        for (json, expected) in cases {
            assert_eq!(check(json).unwrap_err().kind(), expected, "{json}");
        }
    }

    #[test]
    fn merge_types_known_members_and_keeps_the_rest() {
        let members = |json: &str| serde_json::from_str::<Map<String, Value>>(json).unwrap();
        let merged = Header::new(Algorithm::ES256)
            .merge(members(
                r#"{"alg":"ES256","kid":"k","typ":"at+jwt","x":[1]}"#,
            ))
            .unwrap();
        assert_eq!(
            (merged.kid.as_deref(), merged.typ.as_deref()),
            (Some("k"), Some("at+jwt"))
        );
        assert_eq!(merged.extra["x"], serde_json::json!([1]));
        for bad in [
            r#"{"alg":"HS256"}"#,
            r#"{"kid":1}"#,
            r#"{"crit":"b64"}"#,
            r#"{"crit":[1]}"#,
        ] {
            assert!(
                Header::new(Algorithm::ES256).merge(members(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn extra_may_not_shadow_typed_members() {
        let mut header = Header::new(Algorithm::HS256);
        header.extra.insert("alg".into(), Value::from("none"));
        assert!(header.to_json().is_err());
    }
}
