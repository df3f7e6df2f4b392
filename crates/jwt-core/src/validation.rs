//! What a verified token must also satisfy: the algorithm allow-list, the claims, the size.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::algorithm::Algorithm;
use crate::claims::{ClaimsView, NumericDate};
use crate::error::Error;
use crate::header::Header;
use crate::kept_registered::KeptRegistered;

/// The default maximum token length in bytes: ample for any real token, small enough that a
/// hostile one costs nothing to refuse.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// How to judge a token beyond its signature. Built once, immutable, shared freely.
///
/// Every default is the strict one, documented beside its setter:
/// the allow-list has no default at all, `exp` is required and checked, `nbf` is checked,
/// `iat` is not, a token with `aud` is refused unless an audience is expected, and tokens over
/// [`DEFAULT_MAX_TOKEN_LEN`] bytes are refused.
#[derive(Clone)]
pub struct Validation {
    pub(crate) algorithms: Vec<Algorithm>,
    issuers: Option<Vec<String>>,
    audiences: Option<Vec<String>>,
    strict_audience: bool,
    subject: Option<String>,
    leeway: i64,
    required: Vec<String>,
    typ: Option<String>,
    pub(crate) max_token_len: usize,
    validate_exp: bool,
    validate_nbf: bool,
    validate_iat: bool,
    validate_aud: bool,
    clock: Clock,
}

/// Where validation reads the current time.
#[derive(Clone)]
enum Clock {
    System,
    Fixed(i64),
    Custom(Arc<dyn Fn() -> i64 + Send + Sync>),
}

impl Validation {
    /// A validation that accepts exactly `algorithms`.
    ///
    /// The allow-list is the first defence against algorithm confusion, so it has no default.
    /// An empty list accepts no token at all.
    pub fn new(algorithms: impl IntoIterator<Item = impl Borrow<Algorithm>>) -> Self {
        Validation {
            algorithms: algorithms.into_iter().map(|alg| *alg.borrow()).collect(),
            issuers: None,
            audiences: None,
            strict_audience: false,
            subject: None,
            leeway: 0,
            required: vec!["exp".to_owned()],
            typ: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            validate_exp: true,
            validate_nbf: true,
            validate_iat: false,
            validate_aud: true,
            clock: Clock::System,
        }
    }

    /// Accepts only tokens whose `iss` is one of `issuers` (exact match). Default: any.
    /// An empty list accepts no issuer at all, so an empty configuration fails closed.
    #[must_use]
    pub fn issuer<S: Into<String>>(mut self, issuers: impl IntoIterator<Item = S>) -> Self {
        self.issuers = Some(issuers.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts only tokens whose `aud` (a string or an array) names one of `audiences`.
    /// Default: none expected, so a token that carries `aud` is refused (RFC 7519 §4.1.3).
    /// An empty list accepts no audience at all, so an empty configuration fails closed, as
    /// [`Validation::issuer`] does. A configured audience is checked even after
    /// `validate_aud(false)`.
    #[must_use]
    pub fn audience<S: Into<String>>(mut self, audiences: impl IntoIterator<Item = S>) -> Self {
        self.audiences = Some(audiences.into_iter().map(Into::into).collect());
        self.strict_audience = false;
        self
    }

    /// Accepts only tokens whose `aud` is this one string: not an array, even one that holds
    /// it (PyJWT's `strict_aud`, for tokens meant for exactly one recipient).
    #[must_use]
    pub fn audience_strict(mut self, audience: impl Into<String>) -> Self {
        self.audiences = Some(vec![audience.into()]);
        self.strict_audience = true;
        self
    }

    /// Accepts only tokens whose `sub` is `subject`. Default: any.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Tolerance for clock skew, applied to `exp`, `nbf` and `iat`. Default: zero.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX);
        self
    }

    /// Adds claims every token must carry (a claim whose value is `null` is missing) to the
    /// required set, which starts as `exp`.
    #[must_use]
    pub fn require<S: Into<String>>(mut self, claims: impl IntoIterator<Item = S>) -> Self {
        for claim in claims {
            let claim = claim.into();
            if !self.required.contains(&claim) {
                self.required.push(claim);
            }
        }
        self
    }

    /// Replaces the required set with exactly `claims`, dropping the default `exp`: pass an
    /// empty list (`Vec::<String>::new()`) to require nothing. A token without `exp` then
    /// never expires, so use it knowingly.
    #[must_use]
    pub fn require_only<S: Into<String>>(mut self, claims: impl IntoIterator<Item = S>) -> Self {
        self.required = Vec::new();
        self.require(claims)
    }

    /// Requires the header's `typ` to be `typ` (compared case-insensitively, with or without
    /// an `application/` prefix, per RFC 7515 §4.1.9). Default: not checked.
    #[must_use]
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Refuses tokens longer than `bytes` before any other work. Default: 8 KiB.
    #[must_use]
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Whether an `exp` at or before now (less leeway) is refused. Default: true.
    #[must_use]
    pub fn validate_exp(mut self, on: bool) -> Self {
        self.validate_exp = on;
        self
    }

    /// Whether an `nbf` after now (plus leeway) is refused. Default: true.
    #[must_use]
    pub fn validate_nbf(mut self, on: bool) -> Self {
        self.validate_nbf = on;
        self
    }

    /// Whether an `iat` after now (plus leeway) is refused. Default: false.
    #[must_use]
    pub fn validate_iat(mut self, on: bool) -> Self {
        self.validate_iat = on;
        self
    }

    /// Whether a token's `aud` is checked when no audience is configured. Default: true,
    /// which refuses a token that names an audience nobody expects. Turning it off accepts
    /// any `aud`, for callers that check audiences themselves. It never switches off the
    /// check of an audience set with [`Validation::audience`]: a configured value is always
    /// checked.
    #[must_use]
    pub fn validate_aud(mut self, on: bool) -> Self {
        self.validate_aud = on;
        self
    }

    /// Judges time against a fixed instant (seconds since the epoch) instead of the system
    /// clock: for tests, and for replaying a decision.
    #[must_use]
    pub fn fixed_time(mut self, unix_seconds: i64) -> Self {
        self.clock = Clock::Fixed(unix_seconds);
        self
    }

    /// Reads the current time (seconds since the epoch) from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Clock::Custom(Arc::new(clock));
        self
    }

    /// The allow-list.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The claims every token must carry.
    pub fn required_claims(&self) -> &[String] {
        &self.required
    }

    /// The longest token accepted, in bytes.
    pub fn token_len_limit(&self) -> usize {
        self.max_token_len
    }

    fn now(&self) -> i64 {
        match &self.clock {
            Clock::System => NumericDate::now().as_secs(),
            Clock::Fixed(now) => *now,
            Clock::Custom(clock) => clock(),
        }
    }

    /// Step 3 of the verify path, on the typed header: the `typ` the caller asked for.
    pub(crate) fn check_typ(&self, header: &Header) -> Result<(), Error> {
        let Some(expected) = &self.typ else {
            return Ok(());
        };
        match &header.typ {
            Some(typ) if media_type_eq(typ, expected) => Ok(()),
            Some(typ) => Err(Error::InvalidType(format!(
                "{typ:?}, expected {expected:?}"
            ))),
            None => Err(Error::InvalidType(format!(
                "no \"typ\", expected {expected:?}"
            ))),
        }
    }

    /// Step 7 of the verify path on its own: checks a claims object (JSON bytes) against
    /// these rules. The verify path calls it once the signature has checked; call it directly
    /// only for claims you have verified some other way (or knowingly not at all).
    ///
    /// # Errors
    /// [`Error::Malformed`] for a payload that is not a claims object with well-typed
    /// registered claims; otherwise the kind of the first failed check.
    pub fn check_claims(&self, payload: &[u8]) -> Result<(), Error> {
        self.check_registered(payload).map(drop)
    }

    /// [`Validation::check_claims`], handing back the registered claims it read.
    pub(crate) fn check_registered(&self, payload: &[u8]) -> Result<KeptRegistered, Error> {
        let view = ClaimsView::parse(payload)?;
        self.check_view(&view)?;
        Ok(KeptRegistered::from_view(&view))
    }

    /// [`Validation::check_registered`] on claims already parsed into an object.
    pub(crate) fn check_claims_object(
        &self,
        claims: &Map<String, Value>,
    ) -> Result<KeptRegistered, Error> {
        let view = ClaimsView::from_object(claims)?;
        self.check_view(&view)?;
        Ok(KeptRegistered::from_view(&view))
    }

    pub(crate) fn check_view(&self, claims: &ClaimsView<'_>) -> Result<(), Error> {
        if let Some(missing) = self.required.iter().find(|name| !claims.has(name)) {
            return Err(Error::MissingClaim(missing.clone()));
        }
        let now = self.now();
        if let (true, Some(exp)) = (self.validate_exp, claims.exp) {
            if now >= exp.as_secs().saturating_add(self.leeway) {
                return Err(Error::Expired {
                    exp: exp.as_secs(),
                    now,
                });
            }
        }
        if let (true, Some(nbf)) = (self.validate_nbf, claims.nbf) {
            if nbf.as_secs() > now.saturating_add(self.leeway) {
                return Err(Error::NotYetValid {
                    nbf: nbf.as_secs(),
                    now,
                });
            }
        }
        if let (true, Some(iat)) = (self.validate_iat, claims.iat) {
            if iat.as_secs() > now.saturating_add(self.leeway) {
                return Err(Error::InvalidIssuedAt {
                    iat: iat.as_secs(),
                    now,
                });
            }
        }
        if let Some(issuers) = &self.issuers {
            match &claims.iss {
                None => return Err(Error::MissingClaim("iss".to_owned())),
                Some(iss) if !issuers.iter().any(|ok| ok == iss) => {
                    return Err(Error::InvalidIssuer(iss.to_string()));
                }
                Some(_) => {}
            }
        }
        if self.validate_aud || self.audiences.is_some() {
            // Strict: the form is judged before the value, as PyJWT does.
            if self.strict_audience && claims.aud_is_array {
                return Err(Error::InvalidAudience(
                    "the token's aud is an array; one string is expected (strict)".to_owned(),
                ));
            }
            self.check_audience(claims.aud.as_deref())?;
        }
        if let Some(expected) = &self.subject {
            match &claims.sub {
                None => return Err(Error::MissingClaim("sub".to_owned())),
                Some(sub) if sub != expected => return Err(Error::InvalidSubject(sub.to_string())),
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn check_audience(&self, aud: Option<&[std::borrow::Cow<'_, str>]>) -> Result<(), Error> {
        let Some(expected) = &self.audiences else {
            return match aud {
                None => Ok(()),
                Some(_) => Err(Error::InvalidAudience(
                    "the token names an audience but none is expected".to_owned(),
                )),
            };
        };
        match aud {
            None => Err(Error::MissingClaim("aud".to_owned())),
            Some(list) if list.iter().any(|aud| expected.iter().any(|ok| ok == aud)) => Ok(()),
            Some(list) => Err(Error::InvalidAudience(format!(
                "{:?} is not among the accepted audiences",
                list.iter().map(|a| a.as_ref()).collect::<Vec<_>>()
            ))),
        }
    }
}

/// RFC 7515 §4.1.9: `typ` is case-insensitive and may omit the `application/` prefix.
fn media_type_eq(a: &str, b: &str) -> bool {
    fn strip(t: &str) -> &str {
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => t.get(12..).unwrap_or(t),
            _ => t,
        }
    }
    strip(a).eq_ignore_ascii_case(strip(b))
}

impl fmt::Debug for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validation")
            .field("algorithms", &self.algorithms)
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("strict_audience", &self.strict_audience)
            .field("subject", &self.subject)
            .field("leeway", &self.leeway)
            .field("required", &self.required)
            .field("typ", &self.typ)
            .field("max_token_len", &self.max_token_len)
            .field("validate_exp", &self.validate_exp)
            .field("validate_nbf", &self.validate_nbf)
            .field("validate_iat", &self.validate_iat)
            .field("validate_aud", &self.validate_aud)
            .field(
                "clock",
                &match self.clock {
                    Clock::System => "system".to_owned(),
                    Clock::Fixed(now) => format!("fixed at {now}"),
                    Clock::Custom(_) => "custom".to_owned(),
                },
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn check(v: &Validation, claims: &str) -> Result<(), ErrorKind> {
        v.check_claims(claims.as_bytes()).map_err(|e| e.kind())
    }

    #[test]
    fn exp_nbf_iat_with_leeway() {
        let v = Validation::new([Algorithm::HS256]).fixed_time(100);
        assert_eq!(check(&v, r#"{"exp":101}"#), Ok(()));
        assert_eq!(check(&v, r#"{"exp":100}"#), Err(ErrorKind::Expired));
        assert_eq!(check(&v, r#"{"exp":100.9}"#), Err(ErrorKind::Expired));
        assert_eq!(check(&v, r#"{}"#), Err(ErrorKind::MissingClaim));
        assert_eq!(
            check(&v, r#"{"exp":200,"nbf":101}"#),
            Err(ErrorKind::NotYetValid)
        );
        assert_eq!(check(&v, r#"{"exp":200,"nbf":100,"iat":150}"#), Ok(()));
        let v = v.leeway(Duration::from_secs(10)).validate_iat(true);
        assert_eq!(check(&v, r#"{"exp":91}"#), Ok(()));
        assert_eq!(check(&v, r#"{"exp":90}"#), Err(ErrorKind::Expired));
        assert_eq!(check(&v, r#"{"exp":200,"nbf":110}"#), Ok(()));
        assert_eq!(
            check(&v, r#"{"exp":200,"nbf":111}"#),
            Err(ErrorKind::NotYetValid)
        );
        assert_eq!(
            check(&v, r#"{"exp":200,"iat":111}"#),
            Err(ErrorKind::InvalidIssuedAt)
        );
        let off = v.validate_exp(false).validate_nbf(false);
        assert_eq!(check(&off, r#"{"exp":1,"nbf":1000}"#), Ok(()));
    }

    #[test]
    fn issuer_audience_subject() {
        let base = Validation::new([Algorithm::HS256]).require_only(Vec::<String>::new());
        let v = base
            .clone()
            .issuer(["https://login"])
            .audience(["api", "web"])
            .subject("u1");
        assert_eq!(
            check(&v, r#"{"iss":"https://login","aud":"api","sub":"u1"}"#),
            Ok(())
        );
        assert_eq!(
            check(
                &v,
                r#"{"iss":"https://login","aud":["x","web"],"sub":"u1"}"#
            ),
            Ok(())
        );
        let refused = [
            (
                r#"{"iss":"https://login/","aud":"api","sub":"u1"}"#,
                ErrorKind::InvalidIssuer,
            ),
            (r#"{"aud":"api","sub":"u1"}"#, ErrorKind::MissingClaim),
            (
                r#"{"iss":"https://login","aud":"apix","sub":"u1"}"#,
                ErrorKind::InvalidAudience,
            ),
            (
                r#"{"iss":"https://login","aud":"API","sub":"u1"}"#,
                ErrorKind::InvalidAudience,
            ),
            (
                r#"{"iss":"https://login","aud":[],"sub":"u1"}"#,
                ErrorKind::InvalidAudience,
            ),
            (
                r#"{"iss":"https://login","sub":"u1"}"#,
                ErrorKind::MissingClaim,
            ),
            (
                r#"{"iss":"https://login","aud":"api","sub":"u2"}"#,
                ErrorKind::InvalidSubject,
            ),
            (
                r#"{"iss":"https://login","aud":"api"}"#,
                ErrorKind::MissingClaim,
            ),
        ];
        for (claims, kind) in refused {
            assert_eq!(check(&v, claims), Err(kind), "{claims}");
        }
        assert_eq!(
            check(&base, r#"{"aud":"api"}"#),
            Err(ErrorKind::InvalidAudience)
        );
        assert_eq!(
            check(&base.clone().validate_aud(false), r#"{"aud":"api"}"#),
            Ok(())
        );
        assert_eq!(
            check(&base.require(["role"]), r#"{"x":1}"#),
            Err(ErrorKind::MissingClaim)
        );
    }

    #[test]
    fn require_adds_to_exp_and_require_only_replaces() {
        let v = Validation::new([Algorithm::HS256])
            .fixed_time(100)
            .require(["sub"]);
        assert_eq!(v.required_claims(), ["exp", "sub"]);
        assert_eq!(check(&v, r#"{"sub":"a"}"#), Err(ErrorKind::MissingClaim));
        assert_eq!(check(&v, r#"{"sub":"a","exp":200}"#), Ok(()));
        let only = v.clone().require_only(["sub"]);
        assert_eq!(only.required_claims(), ["sub"]);
        assert_eq!(check(&only, r#"{"sub":"a"}"#), Ok(()));
        assert_eq!(v.require(["sub", "exp"]).required_claims(), ["exp", "sub"]);
    }

    #[test]
    fn a_required_claim_that_is_null_is_missing() {
        let v = Validation::new([Algorithm::HS256])
            .fixed_time(100)
            .require(["scope"]);
        assert_eq!(
            check(&v, r#"{"exp":200,"scope":null}"#),
            Err(ErrorKind::MissingClaim)
        );
        assert_eq!(check(&v, r#"{"exp":200,"scope":""}"#), Ok(()));
        assert_eq!(check(&v, r#"{"exp":200,"scope":{"a":null}}"#), Ok(()));
    }

    #[test]
    fn an_empty_audience_list_fails_closed() {
        let v = Validation::new([Algorithm::HS256])
            .require_only(Vec::<String>::new())
            .audience(Vec::<String>::new());
        assert_eq!(check(&v, r#"{}"#), Err(ErrorKind::MissingClaim));
        assert_eq!(
            check(&v, r#"{"aud":"api"}"#),
            Err(ErrorKind::InvalidAudience)
        );
        assert_eq!(check(&v, r#"{"aud":[]}"#), Err(ErrorKind::InvalidAudience));
    }

    #[test]
    fn a_configured_audience_is_checked_even_with_validate_aud_off() {
        let base = Validation::new([Algorithm::HS256]).require_only(Vec::<String>::new());
        for v in [
            base.clone().audience(["api"]).validate_aud(false),
            base.clone().validate_aud(false).audience(["api"]),
        ] {
            assert_eq!(check(&v, r#"{"aud":"api"}"#), Ok(()));
            assert_eq!(
                check(&v, r#"{"aud":"billing"}"#),
                Err(ErrorKind::InvalidAudience)
            );
            assert_eq!(check(&v, r#"{}"#), Err(ErrorKind::MissingClaim));
        }
        let off = base.validate_aud(false);
        assert_eq!(check(&off, r#"{"aud":"billing"}"#), Ok(()));
    }

    #[test]
    fn a_strict_audience_is_one_string_equal_to_the_expected_one() {
        let v = Validation::new([Algorithm::HS256])
            .require_only(Vec::<String>::new())
            .audience_strict("api");
        assert_eq!(check(&v, r#"{"aud":"api"}"#), Ok(()));
        for (claims, kind) in [
            (r#"{"aud":["api"]}"#, ErrorKind::InvalidAudience),
            (r#"{"aud":"web"}"#, ErrorKind::InvalidAudience),
            (r#"{"aud":["web","api"]}"#, ErrorKind::InvalidAudience),
            (r#"{}"#, ErrorKind::MissingClaim),
        ] {
            assert_eq!(check(&v, claims), Err(kind), "{claims}");
        }
        let lenient = v.audience(["api"]);
        assert_eq!(check(&lenient, r#"{"aud":["api"]}"#), Ok(()));
    }

    #[test]
    fn typ_is_a_case_insensitive_media_type() {
        let v = Validation::new([Algorithm::HS256]).typ("at+jwt");
        let mut header = Header::new(Algorithm::HS256);
        for ok in [
            "at+jwt",
            "AT+JWT",
            "application/at+jwt",
            "Application/AT+jwt",
        ] {
            header.typ = Some(ok.to_owned());
            assert!(v.check_typ(&header).is_ok(), "{ok}");
        }
        header.typ = Some("JWT".to_owned());
        assert_eq!(
            v.check_typ(&header).unwrap_err().kind(),
            ErrorKind::InvalidType
        );
        header.typ = None;
        assert_eq!(
            v.check_typ(&header).unwrap_err().kind(),
            ErrorKind::InvalidType
        );
    }

    #[test]
    fn clocks() {
        let v = Validation::new([Algorithm::HS256]).clock(|| 50);
        assert_eq!(v.now(), 50);
        assert!(Validation::new([Algorithm::HS256]).now() > 1_700_000_000);
    }
}
