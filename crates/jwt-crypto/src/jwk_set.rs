//! [`JwkSet`]: a JWK Set (RFC 7517 §5), the usual way an issuer publishes and rotates keys.

use std::sync::Arc;

use jwt_core::{Algorithm, Error, KeyFamily, KeySource, Verifier};
use serde_json::Value;

use crate::format::jwk;
use crate::key::Key;

/// A set of keys to verify tokens with, chosen per token by its `kid` and `alg`.
///
/// A set published by an identity provider routinely holds keys this library cannot or must
/// not use (`use` `enc`, Ed448, a retired 1024-bit RSA key, a malformed entry). Loading skips
/// each such key, keeps why in [`JwkSet::skipped`], and goes on: one stale key must not take
/// every API down. Loading fails only when the document is not a JWK set, lists more than
/// [`JwkSet::MAX_KEYS`] keys, mixes secret (`oct`) keys with public ones, or leaves no usable
/// key.
///
/// A `kid` that more than one usable key could verify a token's `alg` with is ambiguous, and
/// such tokens are refused rather than checked against whichever key comes first.
///
/// Keys come only from the set: a token's `jwk`, `jku`, `x5u` and `x5c` headers are never
/// used.
///
/// `Clone` is cheap: clones share one loaded set.
#[derive(Debug, Clone)]
pub struct JwkSet {
    inner: Arc<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    keys: Vec<Key>,
    skipped: Vec<SkippedKey>,
}

/// A key that [`JwkSet`] loading skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedKey {
    /// Its position in the set's `keys` array, from 0.
    pub index: usize,
    /// Its `kid`, when it has a string one.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: String,
    /// The family a malformed or too weak key declared: such a key still claims its `kid`, so
    /// a usable key sharing that `kid` is ambiguous. `None` for keys skipped by design (`use`
    /// `enc`, a type or curve this library does not implement).
    claims_kid_for: Option<KeyFamily>,
}

impl std::fmt::Display for SkippedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "key #{}", self.index)?;
        if let Some(kid) = &self.kid {
            write!(f, " (kid {kid:?})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl JwkSet {
    /// The most keys a set may list (counting skipped ones), so a hostile document cannot make
    /// loading arbitrarily slow.
    pub const MAX_KEYS: usize = 1000;

    /// Loads a set from JSON text `{"keys": [...]}`, as an issuer publishes it.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the text is not a JSON object with unique member names, or
    /// for any reason [`JwkSet::from_value`] gives.
    pub fn from_json(json: &str) -> Result<JwkSet, Error> {
        let value = jwt_core::json::parse_unique_object(json.as_bytes())
            .map(Value::Object)
            .map_err(|e| {
                Error::InvalidKey(format!(
                    "JWK set is not a JSON object with unique member names: {e}"
                ))
            })?;
        JwkSet::from_value(&value)
    }

    /// Loads a set fetched from an issuer's published JWK set URL: [`JwkSet::from_json`], and
    /// no secret (`oct`) key at all. A published set is public, so a secret in it, even alone,
    /// is a leaked one that anyone who fetched the URL could sign HS256 tokens with.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an `oct` member, or for any reason [`JwkSet::from_json`] gives.
    pub fn from_published_json(json: &str) -> Result<JwkSet, Error> {
        let set = JwkSet::from_json(json)?;
        if set.keys().iter().any(|key| key.family() == KeyFamily::Hmac) {
            return Err(Error::InvalidKey(
                "a published JWK set holds a secret (\"oct\") key; a secret must never be \
                 published"
                    .into(),
            ));
        }
        Ok(set)
    }

    /// Loads a set from an already parsed JSON value, skipping the keys it cannot use.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `value` is not an object with a `keys` array, lists more
    /// than [`JwkSet::MAX_KEYS`] keys, mixes `oct` keys with other key types (a secret in a
    /// published set is a leaked secret), or has no usable key (the message says why each was
    /// skipped).
    pub fn from_value(value: &Value) -> Result<JwkSet, Error> {
        let entries = value.get("keys").and_then(Value::as_array).ok_or_else(|| {
            Error::InvalidKey("a JWK set must be an object with a \"keys\" array".into())
        })?;
        if entries.len() > JwkSet::MAX_KEYS {
            return Err(Error::InvalidKey(format!(
                "JWK set lists {} keys; at most {} are accepted",
                entries.len(),
                JwkSet::MAX_KEYS
            )));
        }
        refuse_mixed_symmetry(entries)?;
        let mut keys = Vec::with_capacity(entries.len());
        let mut skipped = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let loaded = jwk::parse(entry).map(|parsed| match parsed {
                jwk::Parsed::Usable(material, params) => Ok(Key::from_material(material, params)),
                jwk::Parsed::Unusable(reason) => Err(reason),
            });
            let (reason, claims_kid_for) = match loaded {
                Ok(Ok(Ok(key))) => {
                    keys.push(key);
                    continue;
                }
                // Unusable by design: not this library's or not a signature key.
                Ok(Err(reason)) => (reason, None),
                // Malformed or too weak: it still claims its kid.
                Ok(Ok(Err(error))) | Err(error) => {
                    let reason = match error {
                        Error::InvalidKey(reason) => reason,
                        other => other.to_string(),
                    };
                    (reason, jwk::declared_family(entry))
                }
            };
            let kid = entry.get("kid").and_then(Value::as_str).map(str::to_owned);
            skipped.push(SkippedKey {
                index,
                kid,
                reason,
                claims_kid_for,
            });
        }
        if keys.is_empty() {
            return Err(Error::InvalidKey(no_usable_key(&skipped)));
        }
        Ok(JwkSet::new(keys, skipped))
    }

    /// A set of keys loaded some other way (PEM files during a rotation, say): at least one
    /// key, at most [`JwkSet::MAX_KEYS`]. Secrets and public keys may be mixed here, since
    /// the caller chose each key.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `keys` is empty or too long.
    pub fn from_keys(keys: Vec<Key>) -> Result<JwkSet, Error> {
        if keys.is_empty() {
            return Err(Error::InvalidKey(
                "JWK set has no key usable for JWS signatures".into(),
            ));
        }
        if keys.len() > JwkSet::MAX_KEYS {
            return Err(Error::InvalidKey(format!(
                "at most {} keys are accepted",
                JwkSet::MAX_KEYS
            )));
        }
        Ok(JwkSet::new(keys, Vec::new()))
    }

    fn new(keys: Vec<Key>, skipped: Vec<SkippedKey>) -> JwkSet {
        JwkSet {
            inner: Arc::new(Loaded { keys, skipped }),
        }
    }

    /// The set as its issuer publishes it: `{"keys": [...]}` of every key's public JWK (with
    /// `kid` and `alg` when set), for a `/.well-known/jwks.json` endpoint.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the set holds an HMAC secret, which has no public form and
    /// must never be published.
    pub fn to_public_json(&self) -> Result<String, Error> {
        let keys = self
            .keys()
            .iter()
            .map(|key| key.to_public_jwk().map(Value::Object))
            .collect::<Result<Vec<Value>, Error>>()?;
        Ok(serde_json::json!({ "keys": keys }).to_string())
    }

    /// Every usable key, in the set's order.
    pub fn keys(&self) -> &[Key] {
        &self.inner.keys
    }

    /// The keys loading skipped, with why, in the set's order.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.inner.skipped
    }

    /// The first key with this `kid`. Keys of different families may share a `kid`; use
    /// [`KeySource::select`] to choose by algorithm as well.
    pub fn find(&self, kid: &str) -> Option<&Key> {
        self.inner.keys.iter().find(|key| key.key_id() == Some(kid))
    }

    /// The one key a token with this `alg` and `kid` is verified with. With a `kid`: the one
    /// key with that `kid` that accepts `alg`. Without: the one key that accepts `alg`.
    ///
    /// # Errors
    /// [`Error::KeyNotFound`] when no key fits, or more than one does (guessing is refused),
    /// including a `kid` shared with a malformed key of `alg`'s family that loading skipped.
    pub fn select_key(&self, alg: Algorithm, kid: Option<&str>) -> Result<&Key, Error> {
        let mut candidates = self
            .inner
            .keys
            .iter()
            .filter(|key| kid.is_none_or(|kid| key.key_id() == Some(kid)))
            .filter(|key| key.accepts(alg));
        match (candidates.next(), candidates.next(), kid) {
            (Some(_), None, Some(kid)) if self.shared_with_a_skipped_key(alg, kid) => {
                Err(Error::KeyNotFound(format!(
                    "kid {kid:?} is shared with a {} key the set could not load; an ambiguous \
                     kid is refused",
                    alg.family()
                )))
            }
            (Some(key), None, _) => Ok(key),
            (None, _, Some(kid)) if self.find(kid).is_some() => Err(Error::KeyNotFound(format!(
                "the key with kid {kid:?} does not accept {alg}"
            ))),
            (None, _, Some(kid)) => Err(Error::KeyNotFound(format!("no key has kid {kid:?}"))),
            (None, _, None) => Err(Error::KeyNotFound(format!("no key accepts {alg}"))),
            (Some(_), Some(_), Some(kid)) => Err(Error::KeyNotFound(format!(
                "{} keys with kid {kid:?} accept {alg}; an ambiguous kid is refused",
                2 + candidates.count()
            ))),
            (Some(_), Some(_), None) => Err(Error::KeyNotFound(format!(
                "{} keys accept {alg}; the token must name one with a kid",
                2 + candidates.count()
            ))),
        }
    }

    /// Whether a malformed key of `alg`'s family was published under `kid`: the set's author
    /// meant two keys for that `kid`, and which one signed is anybody's guess.
    fn shared_with_a_skipped_key(&self, alg: Algorithm, kid: &str) -> bool {
        self.inner.skipped.iter().any(|skipped| {
            skipped.kid.as_deref() == Some(kid) && skipped.claims_kid_for == Some(alg.family())
        })
    }
}

/// RFC 8725 §3.1 keeps secrets and public keys apart. A published set (the only kind read from
/// JSON) is public, so an `oct` member beside public keys is a secret leaked by mistake, and
/// accepting it would let anyone who read the set sign HS256 tokens.
fn refuse_mixed_symmetry(entries: &[Value]) -> Result<(), Error> {
    let kty = |entry: &Value| entry.get("kty").and_then(Value::as_str).map(|k| k == "oct");
    let symmetric = entries.iter().filter_map(kty).filter(|&oct| oct).count();
    if symmetric > 0 && symmetric < entries.iter().filter_map(kty).count() {
        return Err(Error::InvalidKey(
            "JWK set mixes secret (\"oct\") keys with public keys; a secret must never be \
             published beside them"
                .into(),
        ));
    }
    Ok(())
}

/// The error message for a set none of whose keys could be used: the first few reasons.
fn no_usable_key(skipped: &[SkippedKey]) -> String {
    const SHOWN: usize = 3;
    let mut message = String::from("JWK set has no key usable for JWS signatures");
    for (n, key) in skipped.iter().take(SHOWN).enumerate() {
        message.push_str(if n == 0 { ": " } else { "; " });
        message.push_str(&key.to_string());
    }
    if skipped.len() > SHOWN {
        message.push_str(&format!("; and {} more", skipped.len() - SHOWN));
    }
    message
}

impl KeySource for JwkSet {
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        self.select_key(alg, kid).map(|key| key as &dyn Verifier)
    }
}
