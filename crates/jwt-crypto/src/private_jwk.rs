//! [`PrivateJwk`]: a private key's JWK that wipes its secret members when dropped.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

/// A JWK with private members (`d`, the RSA CRT members, an HMAC `k`), as
/// [`Key::to_private_jwk`](crate::Key::to_private_jwk) returns it. It derefs to the JSON
/// object, and every string in it is wiped when it is dropped, so a secret does not outlive
/// its use in memory. [`PrivateJwk::to_json`] writes it as text that is wiped too; taking the
/// object out ([`PrivateJwk::into_map`], `Value::from`) hands that care to the caller.
///
/// `Debug` names the members, never their values.
#[derive(Clone, Default, PartialEq)]
pub struct PrivateJwk(Map<String, Value>);

impl PrivateJwk {
    pub(crate) fn new(members: Map<String, Value>) -> PrivateJwk {
        PrivateJwk(members)
    }

    /// The JWK as compact JSON text, wiped when dropped.
    pub fn to_json(&self) -> Zeroizing<String> {
        // Serializing a map of strings into a String cannot fail.
        Zeroizing::new(serde_json::to_string(&self.0).unwrap_or_default())
    }

    /// The JSON object, no longer wiped on drop: the caller now guards the secret.
    pub fn into_map(mut self) -> Map<String, Value> {
        std::mem::take(&mut self.0)
    }
}

impl Deref for PrivateJwk {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl DerefMut for PrivateJwk {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }
}

impl Drop for PrivateJwk {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            wipe(value);
        }
    }
}

fn wipe(value: &mut Value) {
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(members) => members.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The object, no longer wiped on drop (see [`PrivateJwk::into_map`]).
impl From<PrivateJwk> for Value {
    fn from(jwk: PrivateJwk) -> Value {
        Value::Object(jwk.into_map())
    }
}

impl serde::Serialize for PrivateJwk {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl fmt::Debug for PrivateJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PrivateJwk")
            .field(&self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_values_and_text_round_trips() {
        let mut members = Map::new();
        members.insert("kty".into(), "oct".into());
        members.insert("k".into(), "c2VjcmV0".into());
        let jwk = PrivateJwk::new(members);
        assert!(!format!("{jwk:?}").contains("c2VjcmV0"));
        assert_eq!(jwk["k"], "c2VjcmV0");
        let text = jwk.to_json();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            Value::from(jwk)
        );
    }
}
