//! `jwtkit.Validator`: the allow-list and claim rules, built once into the core's
//! `Validation` and reused for every token.

use std::time::Duration;

use jwt_crypto::{Algorithm, DEFAULT_MAX_TOKEN_LEN, Validation};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::{self, Unread};
use crate::errors::{self, Audience, Context};
use crate::key::{self, Source};

/// How tokens are judged beyond their signature. Immutable; share one across threads.
#[pyclass(frozen, module = "jwtkit._native", name = "Validator")]
#[derive(Debug)]
pub(crate) struct PyValidator {
    validation: Validation,
    algorithms: Vec<Algorithm>,
    audience: Audience,
}

/// Strings from `str` (one) or any iterable of `str`.
fn strings(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(one) = obj.cast::<PyString>() {
        return Ok(vec![one.to_cow()?.into_owned()]);
    }
    obj.try_iter()?
        .map(|item| item?.extract::<String>())
        .collect()
}

/// What `audience` and `strict_audience` ask of a token's `aud` (which also picks PyJWT's
/// messages), and the audiences expected.
fn audience_rule(
    audience: Option<&Bound<'_, PyAny>>,
    strict: bool,
) -> PyResult<(Audience, Vec<String>)> {
    let Some(audience) = audience else {
        return Ok((Audience::None, Vec::new()));
    };
    let kind = match (strict, audience.is_instance_of::<PyString>()) {
        (false, _) => Audience::Expected,
        (true, true) => Audience::Strict,
        (true, false) => Audience::StrictNotOneString,
    };
    Ok((kind, strings(audience)?))
}

/// Seconds from an `int`, a `float` or a `datetime.timedelta`; never negative.
fn seconds(obj: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = if obj.hasattr("total_seconds")? {
        obj.call_method0("total_seconds")?.extract()?
    } else {
        obj.extract()?
    };
    Duration::try_from_secs_f64(secs)
        .map_err(|_| PyValueError::new_err("leeway must be a finite number of seconds >= 0"))
}

impl PyValidator {
    fn ctx<'a>(&'a self, token: &'a str) -> Context<'a> {
        Context {
            token: Some(token),
            algorithms: &self.algorithms,
            audience: self.audience,
        }
    }

    /// Verifies `token` and returns its claims as Python objects: the whole verify path in
    /// the core. With an HMAC key the objects are built in the pass that validates the
    /// claims; otherwise the claims come back as text, read without the GIL.
    fn claims<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let source = Source::extract(key)?;
        if !source.is_slow() {
            let read = convert::read_py(py, |seed| {
                jwt_crypto::decode_seeded(token, source.keys(), &self.validation, seed)
                    .map(|data| data.claims)
            });
            match read {
                Ok(Some(claims)) => return Ok(claims),
                // An integer beyond 64 bits: read from the text below, by `json.loads`.
                Ok(None) => {}
                Err(Unread::Python(err)) => return Err(err),
                Err(Unread::Reader(err)) => return Err(errors::to_py(py, err, &self.ctx(token))),
            }
        }
        let claims = self.verify(py, token, &source)?;
        claims_to_py(py, claims.as_bytes())
    }

    /// Verifies `token` and returns its claims as JSON text: the whole verify path in the
    /// core, without the GIL when the key's work is slow.
    fn verify(&self, py: Python<'_>, token: &str, source: &Source<'_>) -> PyResult<String> {
        let keys = source.keys();
        let validation = &self.validation;
        key::run(py, source.is_slow(), || {
            jwt_crypto::decode_raw(token, keys, validation)
        })
        .map(|data| data.claims)
        .map_err(|err| errors::to_py(py, err, &self.ctx(token)))
    }
}

/// Claims (JSON text the core has read and validated) as a dict in the token's member order,
/// as PyJWT gives them. Integers beyond 64 bits are read by `json.loads`, which keeps them
/// exact, as PyJWT does.
fn claims_to_py<'py>(py: Python<'py>, claims: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    match convert::json_text_to_py(py, claims)? {
        Some(claims) => Ok(claims),
        None => py
            .import("json")?
            .call_method1("loads", (PyBytes::new(py, claims),)),
    }
}

#[pymethods]
impl PyValidator {
    /// `algorithms` is the allow-list (required, JOSE names). The defaults are the core's
    /// strict ones: `exp` required, `iat` not checked, a token with `aud` refused unless an
    /// audience is expected. `require` replaces the required set (`[]` requires nothing); a
    /// required claim that is `null` is missing. A configured `audience` (any list, even an
    /// empty one, which no token satisfies), `issuer` or `subject` is always checked:
    /// `verify_aud=False` only lets tokens carry any `aud` when no audience is configured.
    /// `strict_audience` (PyJWT's `strict_aud`) takes `audience` as one string that the
    /// token's `aud` must be, not an array holding it; with an `audience` that is not one
    /// string it refuses every token that has an `aud`, as PyJWT does.
    #[new]
    #[pyo3(signature = (
        algorithms, *, audience=None, issuer=None, subject=None, leeway=None, require=None,
        typ=None, verify_exp=true, verify_nbf=true, verify_iat=false, verify_aud=true,
        strict_audience=false, max_token_len=None, now=None
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments, each with a default
    fn new(
        py: Python<'_>,
        algorithms: &Bound<'_, PyAny>,
        audience: Option<&Bound<'_, PyAny>>,
        issuer: Option<&Bound<'_, PyAny>>,
        subject: Option<String>,
        leeway: Option<&Bound<'_, PyAny>>,
        require: Option<&Bound<'_, PyAny>>,
        typ: Option<String>,
        verify_exp: bool,
        verify_nbf: bool,
        verify_iat: bool,
        verify_aud: bool,
        strict_audience: bool,
        max_token_len: Option<usize>,
        now: Option<i64>,
    ) -> PyResult<Self> {
        let algorithms = strings(algorithms)?
            .iter()
            .map(|name| key::algorithm(py, name))
            .collect::<PyResult<Vec<_>>>()?;
        let (audience, audiences) = audience_rule(audience, strict_audience)?;
        let issuers = issuer.map(strings).transpose()?;
        let leeway = leeway.map(seconds).transpose()?;
        let required = require.map(strings).transpose()?;
        let rules = |algorithms: &[Algorithm]| {
            let mut v = Validation::new(algorithms.iter().copied())
                .validate_exp(verify_exp)
                .validate_nbf(verify_nbf)
                .validate_iat(verify_iat)
                .validate_aud(verify_aud);
            v = match (audience, audiences.as_slice()) {
                (Audience::None, _) => v,
                (Audience::Expected, _) => v.audience(audiences.iter().cloned()),
                (Audience::Strict, [one]) => v.audience_strict(one.clone()),
                // PyJWT's `strict_aud` with an audience that is not one string: an empty
                // list, which no token satisfies (one without `aud` still misses it).
                (Audience::Strict | Audience::StrictNotOneString, _) => {
                    v.audience(Vec::<String>::new())
                }
            };
            if let Some(issuers) = &issuers {
                v = v.issuer(issuers.iter().cloned());
            }
            if let Some(subject) = &subject {
                v = v.subject(subject.clone());
            }
            if let Some(leeway) = leeway {
                v = v.leeway(leeway);
            }
            if let Some(required) = &required {
                v = v.require_only(required.iter().cloned());
            }
            if let Some(now) = now {
                v = v.fixed_time(now);
            }
            v
        };
        let mut validation =
            rules(&algorithms).max_token_len(max_token_len.unwrap_or(DEFAULT_MAX_TOKEN_LEN));
        if let Some(typ) = typ {
            validation = validation.typ(typ);
        }
        Ok(PyValidator {
            validation,
            algorithms,
            audience,
        })
    }

    /// The allow-list.
    #[getter]
    fn algorithms(&self) -> Vec<&'static str> {
        self.algorithms.iter().map(|alg| alg.as_str()).collect()
    }

    /// Verifies `token` (str or bytes) with `key` (a Key or KeySet) and returns its claims.
    fn decode<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let token = convert::token(token)?;
        self.claims(py, &token, key)
    }

    /// Like `decode`, returning `{"header": dict, "payload": dict, "signature": bytes}`.
    fn decode_complete<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let token = convert::token(token)?;
        let claims = self.claims(py, &token, key)?;
        complete(py, &token, self.validation.token_len_limit(), claims)
    }

    /// DANGEROUS: the claims of `token` checked against this validator's claim rules with
    /// **no signature check** (PyJWT's `verify_signature=False` with claim options on). The
    /// allow-list and `typ` are not consulted.
    fn dangerous_decode_unverified<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let token = convert::token(token)?;
        let ctx = self.ctx(&token);
        // Strict segments, as on the verify path; then the same claim rules (one object,
        // unique names, typed claims), on claims nobody has verified.
        let jws = jwt_crypto::dangerous::decode_jws_unverified(&token, DEFAULT_MAX_TOKEN_LEN)
            .map_err(|err| errors::to_py(py, err, &ctx))?;
        self.validation
            .check_claims(&jws.payload)
            .map_err(|err| errors::to_py(py, err, &ctx))?;
        claims_to_py(py, &jws.payload)
    }

    fn __repr__(&self) -> String {
        format!("<jwtkit.Validator {:?}>", self.validation)
    }
}

/// PyJWT's `decode_complete` result for a verified token.
pub(crate) fn complete<'py>(
    py: Python<'py>,
    token: &str,
    max_len: usize,
    payload: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    // The header and signature as the core reads them, strictly (the token has passed the
    // verify path, which decodes every segment the same way).
    let jws = jwt_crypto::dangerous::decode_jws_unverified(token, max_len)
        .map_err(|err| errors::to_py(py, err, &Context::token(token)))?;
    let out = PyDict::new(py);
    out.set_item(
        "header",
        convert::object_to_py(py, &jws.header, &jws.header_json)?,
    )?;
    out.set_item("payload", payload)?;
    out.set_item("signature", PyBytes::new(py, &jws.signature))?;
    Ok(out)
}
