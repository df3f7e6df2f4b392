//! The JOSE header: the members jwt-core acts on, typed, and every other member kept as JSON.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::algorithm::Algorithm;
use crate::error::Error;
use crate::json::{self, Name};

/// The most members a header may have. Real headers carry a handful; the bound keeps a hostile
/// header from costing more than a real one.
pub const MAX_HEADER_MEMBERS: usize = 64;

/// The longest `kid` accepted, in bytes. Key identifiers are short names or thumbprints.
pub const MAX_KID_LEN: usize = 256;

/// Header members defined by RFC 7515 §4.1; an extension may not list these in `crit`.
const REGISTERED: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// A JOSE header.
///
/// Members other than the typed ones are kept in [`Header::extra`] as they came, so nothing
/// is lost on inspection. Members such as `jwk`, `jku`, `x5u` and `x5c` stay there as plain
/// data: the verify path never uses them to find a key.
///
/// Build one with [`Header::new`] or [`Header::for_key`] and set fields; members may be added, so the struct cannot be written as a literal. Serde writes it
/// as [`Header::to_json`] does and reads it with the verify path's rules.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

    /// A header for signing with `key`: its algorithm and its `kid`, with `typ: "JWT"`.
    ///
    /// ```
    /// # use jwt_core::{Algorithm, Error, Header, Signer};
    /// # struct P256;
    /// # impl Signer for P256 {
    /// #     fn sign(&self, _: Algorithm, _: &[u8]) -> Result<Vec<u8>, Error> { Ok(vec![]) }
    /// #     fn signing_algorithm(&self) -> Option<Algorithm> { Some(Algorithm::ES256) }
    /// # }
    /// let header = Header::for_key(&P256)?; // an EC P-256 key always signs ES256
    /// assert_eq!(header.alg, Algorithm::ES256);
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the key does not fix its algorithm (an unbound RSA key or
    /// HMAC secret): name it with [`Header::new`] instead, or bind the key to one first.
    pub fn for_key(key: &(impl crate::Signer + ?Sized)) -> Result<Self, Error> {
        let alg = key.signing_algorithm().ok_or_else(|| {
            Error::InvalidKey(
                "this key signs with several algorithms; choose one with Header::new(alg) or \
                 bind the key to one"
                    .to_owned(),
            )
        })?;
        let mut header = Header::new(alg);
        header.kid = key.key_id().map(str::to_owned);
        Ok(header)
    }

    /// Sets `typ`, or removes it with `None`.
    #[must_use]
    pub fn with_typ(mut self, typ: Option<&str>) -> Self {
        self.typ = typ.map(str::to_owned);
        self
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
    ///
    /// # Errors
    /// [`Error::Malformed`] for a typed member of the wrong type, or an `alg` that is not
    /// this header's.
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
    ///
    /// One pass straight into the typed members: the JSON is read whole first (its syntax and
    /// duplicate names are reported before anything else), then `alg`, then the typed members
    /// in name order, as [`Header::merge`] judges them.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let members = Members::deserialize(&mut deserializer)
            .and_then(|members| deserializer.end().map(|()| members))
            .map_err(|err| Error::malformed(format!("header is not a JSON object: {err}")))?;
        members.into_header()
    }

    /// The compact JSON this header encodes to: `alg`, `typ`, `cty`, `kid`, `crit`, then
    /// the extra members.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a `kid` over [`MAX_KID_LEN`], a typed member set through
    /// `extra`, or too many members.
    pub fn to_json(&self) -> Result<Vec<u8>, Error> {
        self.to_json_with_kid(self.kid.as_deref())
    }

    /// [`Header::to_json`] with `kid` in place of the header's own.
    pub(crate) fn to_json_with_kid(&self, kid: Option<&str>) -> Result<Vec<u8>, Error> {
        check_kid_len(kid)?;
        let typed = [
            self.typ.is_some(),
            self.cty.is_some(),
            kid.is_some(),
            self.crit.is_some(),
        ];
        let count = 1 + typed.iter().filter(|set| **set).count() + self.extra.len();
        if count > MAX_HEADER_MEMBERS {
            return Err(too_many_members());
        }
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
        let typed = [
            ("typ", self.typ.as_deref()),
            ("cty", self.cty.as_deref()),
            ("kid", kid),
        ];
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
        self.check_extensions_with(false).map(drop)
    }

    /// [`Header::check_extensions`] for the detached-payload calls, which also understand
    /// RFC 7797's `b64` (and only it) in `crit`. Returns whether the payload is base64url
    /// encoded. RFC 7797 §6: a header that uses `b64` must list it in `crit`.
    pub(crate) fn check_extensions_with(&self, b64_understood: bool) -> Result<bool, Error> {
        let b64 = match self.extra.get("b64") {
            None => None,
            Some(Value::Bool(b64)) => Some(*b64),
            Some(_) => return Err(Error::malformed("header member \"b64\" is not a boolean")),
        };
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
            if let Some(name) = crit.iter().find(|name| !(b64_understood && *name == "b64")) {
                return Err(Error::Unsupported(format!(
                    "critical header extension {name:?} is not supported"
                )));
            }
        }
        let listed = self
            .crit
            .as_ref()
            .is_some_and(|crit| crit.iter().any(|name| name == "b64"));
        match b64 {
            None => Ok(true),
            Some(_) if b64_understood && !listed => Err(Error::malformed(
                "header member \"b64\" must be listed in \"crit\" (RFC 7797 §6)",
            )),
            Some(encoded) if b64_understood => Ok(encoded),
            Some(true) => Ok(true),
            Some(false) => Err(Error::Unsupported(
                "unencoded payloads (\"b64\": false) need the detached-payload calls \
                 (jws::verify_detached)"
                    .to_owned(),
            )),
        }
    }
}

impl serde::Serialize for Header {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let json = self.to_json().map_err(serde::ser::Error::custom)?;
        let members: Map<String, Value> =
            serde_json::from_slice(&json).map_err(serde::ser::Error::custom)?;
        members.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Header {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Members::deserialize(deserializer)?
            .into_header()
            .map_err(de::Error::custom)
    }
}

/// A header's members as read in one pass: the typed ones as they came (strings borrowed from
/// the input where they have no escapes), every other one kept as JSON.
#[derive(Default)]
struct Members<'de> {
    alg: Option<Member<'de>>,
    typ: Option<Member<'de>>,
    cty: Option<Member<'de>>,
    kid: Option<Member<'de>>,
    crit: Option<Member<'de>>,
    extra: Map<String, Value>,
}

/// A typed member's value: a string, or any other JSON value (checked for duplicate names
/// within it, like every value), which is refused later with the member's name.
enum Member<'de> {
    Str(Cow<'de, str>),
    Other(Value),
}

impl<'de> Members<'de> {
    /// The judgement [`Header::merge`] makes, member by member in name order, after `alg`.
    fn into_header(self) -> Result<Header, Error> {
        let alg = match self.alg {
            Some(Member::Str(name)) => name.parse::<Algorithm>()?,
            Some(Member::Other(_)) => {
                return Err(Error::malformed("header member \"alg\" is not a string"));
            }
            None => return Err(Error::malformed("header has no \"alg\" member")),
        };
        let crit = match self.crit {
            None => None,
            Some(Member::Other(Value::Array(items))) => {
                let names = items.into_iter().map(|item| match item {
                    Value::String(name) => Ok(name),
                    _ => Err(Error::malformed(
                        "header member \"crit\" holds a non-string",
                    )),
                });
                Some(names.collect::<Result<_, _>>()?)
            }
            Some(_) => {
                return Err(Error::malformed("header member \"crit\" is not an array"));
            }
        };
        let string = |name: &str, member: Option<Member<'_>>| match member {
            None => Ok(None),
            Some(Member::Str(value)) => Ok(Some(value.into_owned())),
            Some(Member::Other(_)) => Err(Error::malformed(format!(
                "header member {name:?} is not a string"
            ))),
        };
        let cty = string("cty", self.cty)?;
        let kid = string("kid", self.kid)?;
        check_kid_len(kid.as_deref())?;
        let typ = string("typ", self.typ)?;
        Ok(Header {
            alg,
            typ,
            cty,
            kid,
            crit,
            extra: self.extra,
        })
    }
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut members = Members::default();
        let mut count = 0_usize;
        while let Some(Name(name)) = access.next_key::<Name<'de>>()? {
            count += 1;
            if count > MAX_HEADER_MEMBERS {
                return Err(de::Error::custom(format_args!(
                    "more than {MAX_HEADER_MEMBERS} members"
                )));
            }
            let slot = match name.as_ref() {
                "alg" => &mut members.alg,
                "typ" => &mut members.typ,
                "cty" => &mut members.cty,
                "kid" => &mut members.kid,
                "crit" => &mut members.crit,
                _ => {
                    let value = access.next_value_seed(json::UniqueValue)?;
                    if members.extra.contains_key(name.as_ref()) {
                        return Err(duplicate(&name));
                    }
                    members.extra.insert(name.into_owned(), value);
                    continue;
                }
            };
            let value = access.next_value::<Member<'de>>()?;
            if slot.is_some() {
                return Err(duplicate(&name));
            }
            *slot = Some(value);
        }
        Ok(members)
    }
}

/// The `kid` rules for a header read as plain JSON (the unverified inspection path): a string
/// within [`MAX_KID_LEN`], as the typed header requires, since callers route by it.
pub(crate) fn check_kid_value(kid: Option<&Value>) -> Result<(), Error> {
    match kid {
        None => Ok(()),
        Some(Value::String(kid)) => check_kid_len(Some(kid)),
        Some(_) => Err(Error::malformed("header member \"kid\" is not a string")),
    }
}

fn check_kid_len(kid: Option<&str>) -> Result<(), Error> {
    match kid {
        Some(kid) if kid.len() > MAX_KID_LEN => Err(Error::malformed(format!(
            "header member \"kid\" is {} bytes, over the limit of {MAX_KID_LEN}",
            kid.len()
        ))),
        _ => Ok(()),
    }
}

fn too_many_members() -> Error {
    Error::malformed(format!("header has more than {MAX_HEADER_MEMBERS} members"))
}

fn duplicate<E: de::Error>(name: &str) -> E {
    E::custom(format_args!("duplicate member {name:?}"))
}

impl<'de> Deserialize<'de> for Member<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Member::Str(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Member::Other(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Member::Other(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Member::Other(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Member::Other(Value::from(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Other(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        json::UniqueValue.visit_seq(seq).map(Member::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        json::UniqueValue.visit_map(map).map(Member::Other)
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

    /// The two-step parse `from_json` replaced (a whole JSON map, then `merge`), kept to show
    /// the one-pass parse accepts, refuses and reports exactly as it did.
    fn reference(bytes: &[u8]) -> Result<Header, Error> {
        let mut map = json::parse_unique_object(bytes)
            .map_err(|err| Error::malformed(format!("header is not a JSON object: {err}")))?;
        let alg = match map.remove("alg") {
            Some(Value::String(name)) => name.parse::<Algorithm>()?,
            Some(_) => return Err(Error::malformed("header member \"alg\" is not a string")),
            None => return Err(Error::malformed("header has no \"alg\" member")),
        };
        let mut bare = Header::new(alg);
        bare.typ = None;
        bare.merge(map)
    }

    #[test]
    fn one_pass_parse_matches_the_two_step_parse() {
        let cases = [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"ES256","typ":"JWT","kid":"k1","jwk":{"kty":"EC"},"x-n":[1,2]}"#,
            r#"{"alg":"HS256","cty":"JWT","crit":["x"],"x":1}"#,
            r#"{"\u0061lg":"HS256","t\u0079p":"a\"b"}"#,
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"alg":"HS256","\u0061lg":"HS256"}"#,
            r#"{"alg":"HS256","x":1,"x":2}"#,
            r#"{"alg":"HS256","typ":"a","typ":1}"#,
            r#"{"alg":"HS256","typ":{"a":1,"a":2}}"#,
            r#"{"alg":"HS256","x":{"a":1,"a":2}}"#,
            r#"{"alg":1,"typ":{"a":1,"a":2}}"#,
            r#"{"alg":"none","kid":1}"#,
            r#"{"alg":"HS999","kid":1}"#,
            r#"{"alg":["HS256"]}"#,
            r#"{"alg":null}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"HS256","typ":1,"kid":2,"cty":3,"crit":4}"#,
            r#"{"alg":"HS256","typ":1,"kid":2,"cty":3}"#,
            r#"{"alg":"HS256","typ":1,"kid":2}"#,
            r#"{"alg":"HS256","crit":[1]}"#,
            r#"{"alg":"HS256","crit":"b64"}"#,
            r#"{"alg":"HS256","crit":[]}"#,
            r#"{"alg":"HS256","typ":null}"#,
            r#"{"alg":"HS256","typ":true,"kid":1.5}"#,
            r#"{"alg":"HS256"} x"#,
            r#"{"alg":"HS256""#,
            r#"["HS256"]"#,
            r#""HS256""#,
            "",
            r#"{"alg":"HS256","b64":false}"#,
        ];
        for case in cases {
            let render = |result: Result<Header, Error>| match result {
                Ok(header) => format!("ok {header:?}"),
                Err(err) => format!("{:?}: {err}", err.kind()),
            };
            assert_eq!(
                render(Header::from_json(case.as_bytes())),
                render(reference(case.as_bytes())),
                "{case}"
            );
        }
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
    fn limits_hold_on_the_way_out_too() {
        let long = Header::new(Algorithm::HS256).with_kid("k".repeat(MAX_KID_LEN + 1));
        assert_eq!(long.to_json().unwrap_err().kind(), ErrorKind::Malformed);
        assert!(
            Header::new(Algorithm::HS256)
                .with_kid("k".repeat(MAX_KID_LEN))
                .to_json()
                .is_ok()
        );
        let mut wide = Header::new(Algorithm::HS256);
        for i in 0..MAX_HEADER_MEMBERS {
            wide.extra.insert(format!("x{i}"), Value::from(i));
        }
        assert_eq!(wide.to_json().unwrap_err().kind(), ErrorKind::Malformed);
    }

    #[test]
    fn extra_may_not_shadow_typed_members() {
        let mut header = Header::new(Algorithm::HS256);
        header.extra.insert("alg".into(), Value::from("none"));
        assert!(header.to_json().is_err());
    }
}
