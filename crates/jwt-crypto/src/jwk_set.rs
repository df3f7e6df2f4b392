//! [`JwkSet`]: a JWK Set (RFC 7517 §5), the usual way an issuer publishes and rotates keys.

use jwt_core::{Algorithm, Error, KeySource, Verifier};
use serde_json::Value;

use crate::jwk;
use crate::key::Key;

/// A set of keys to verify tokens with, chosen per token by its `kid` and `alg`.
///
/// Loading skips keys that are well-formed but not for JWS signatures (`use` `enc`, key types
/// and curves this library does not implement, non-JWS `alg`s) and refuses the whole set when a
/// key is malformed, when no usable key remains, when it lists more than
/// [`JwkSet::MAX_KEYS`] keys, or when two keys of one family share a `kid`.
///
/// Keys come only from the set: a token's `jwk`, `jku`, `x5u` and `x5c` headers are never
/// used.
#[derive(Debug)]
pub struct JwkSet {
    keys: Vec<Key>,
}

impl JwkSet {
    /// The most keys a set may list (counting skipped ones), so a hostile document cannot make
    /// loading arbitrarily slow.
    pub const MAX_KEYS: usize = 1000;

    /// Loads a set from JSON text `{"keys": [...]}`.
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

    /// Loads a set from an already parsed JSON value.
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
        let mut keys = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            match jwk::parse(entry) {
                Ok(jwk::Parsed::Usable(key)) => keys.push(*key),
                Ok(jwk::Parsed::Unusable(_)) => {}
                Err(Error::InvalidKey(reason)) => {
                    return Err(Error::InvalidKey(format!("JWK set key #{index}: {reason}")));
                }
                Err(other) => return Err(other),
            }
        }
        JwkSet::from_keys(keys)
    }

    /// A set of keys loaded some other way (PEM files during a rotation, say), with the same
    /// rules as a loaded set: at least one key, at most [`JwkSet::MAX_KEYS`], no `kid` shared
    /// within a family.
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
        for (index, key) in keys.iter().enumerate() {
            let Some(kid) = key.key_id() else { continue };
            let duplicate = keys
                .iter()
                .skip(index + 1)
                .any(|other| other.key_id() == Some(kid) && other.family() == key.family());
            if duplicate {
                return Err(Error::InvalidKey(format!(
                    "two {} keys share the kid {kid:?}",
                    key.family()
                )));
            }
        }
        Ok(JwkSet { keys })
    }

    /// Every usable key, in the set's order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The first key with this `kid`. Keys of different families may share a `kid`; use
    /// [`KeySource::select`] to choose by algorithm as well.
    pub fn find(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|key| key.key_id() == Some(kid))
    }
}

impl KeySource for JwkSet {
    /// With a `kid`: the key with that `kid` that accepts `alg` (at most one can, as no two
    /// keys of a family share a `kid`). Without: the single key that accepts `alg`; when several
    /// do, the token must name one with a `kid`, and guessing is refused.
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        let accepting = |key: &&Key| key.accepts(alg);
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .filter(|key| key.key_id() == Some(kid))
                .find(accepting)
                .map(|key| key as &dyn Verifier)
                .ok_or_else(|| {
                    if self.find(kid).is_some() {
                        Error::KeyNotFound(format!(
                            "the key with kid {kid:?} does not accept {alg}"
                        ))
                    } else {
                        Error::KeyNotFound(format!("no key has kid {kid:?}"))
                    }
                }),
            None => {
                let mut candidates = self.keys.iter().filter(accepting);
                match (candidates.next(), candidates.next()) {
                    (Some(key), None) => Ok(key),
                    (None, _) => Err(Error::KeyNotFound(format!("no key accepts {alg}"))),
                    (Some(_), Some(_)) => Err(Error::KeyNotFound(format!(
                        "{} keys accept {alg}; the token must name one with a kid",
                        2 + candidates.count()
                    ))),
                }
            }
        }
    }
}
