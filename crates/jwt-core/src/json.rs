//! Strict JSON: objects whose member names are unique at every depth.
//!
//! RFC 7515 §4, RFC 7517 §4 and RFC 7519 §4 leave duplicate member names to the parser; a
//! library that takes the last one while a proxy or another service takes the first lets two
//! parsers disagree about what a token or key says. jwtkit refuses them everywhere: in headers,
//! claims, JWKs and JWK sets. Nesting stays within serde_json's limit of 128.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A member name, borrowed from the input when it has no escapes.
pub(crate) struct Name<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// A short list kept on the stack, moved to the heap only when it outgrows `N` items: the
/// member names of a typical claims object, say, cost no allocation.
#[derive(Debug)]
pub(crate) struct SmallList<T, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Default, const N: usize> Default for SmallList<T, N> {
    fn default() -> Self {
        SmallList {
            inline: std::array::from_fn(|_| T::default()),
            len: 0,
            heap: Vec::new(),
        }
    }
}

impl<T: Default, const N: usize> SmallList<T, N> {
    pub(crate) fn push(&mut self, item: T) {
        if self.heap.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = item;
                self.len += 1;
                return;
            }
            self.heap.reserve(N.saturating_mul(2));
            self.heap.extend(self.inline.iter_mut().map(std::mem::take));
        }
        self.heap.push(item);
    }
}

impl<'a, const N: usize> SmallList<Cow<'a, str>, N> {
    /// Pushes a borrowed string, written into its slot from registers: a `Cow` passed to
    /// [`SmallList::push`] goes through memory, written as words and read back as a vector,
    /// which stalls the store forwarding.
    pub(crate) fn push_borrowed(&mut self, text: &'a str) {
        if self.heap.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = Cow::Borrowed(text);
                self.len += 1;
                return;
            }
        }
        self.push(Cow::Borrowed(text));
    }
}

impl<T, const N: usize> std::ops::Deref for SmallList<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        if self.heap.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.heap
        }
    }
}

/// Fails when `names` holds the same name twice. Small objects (the usual case) are first
/// sifted through a 256-bit set of fingerprints, one predictable pass; only names that share
/// a bit (a duplicate, or by chance) are compared pairwise, without allocating. Comparing
/// every pair of a typical token's claims, most of them three letters long, cost more in
/// mispredicted branches and text comparisons than the rest of the check. Large objects are
/// sorted.
pub(crate) fn find_duplicate<'a>(names: &'a [Cow<'_, str>]) -> Option<&'a str> {
    if names.len() <= 16 {
        if !maybe_repeated(names) {
            return None;
        }
        for (i, name) in names.iter().enumerate() {
            if names.iter().skip(i + 1).any(|other| other == name) {
                return Some(name);
            }
        }
        return None;
    }
    let mut sorted: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
    sorted.sort_unstable();
    sorted.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*a),
        _ => None,
    })
}

/// Whether two of `names` set the same bit of a 256-bit set, as two equal names do. The set
/// is two `u128`s in registers, each name's bit placed without a branch: kept as an array
/// indexed by the bit's word, one name's store and the next name's load of the same word met
/// in memory, and the sift cost 4% of an HS256 verify (half of that now).
fn maybe_repeated(names: &[Cow<'_, str>]) -> bool {
    let (mut low, mut high, mut shared) = (0_u128, 0_u128, false);
    for name in names {
        // The top eight bits of a multiplicative hash pick one bit of the 256.
        let slot = fingerprint(name).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56;
        let bit = 1_u128 << (slot % 128);
        let (in_low, in_high) = if slot < 128 { (bit, 0) } else { (0, bit) };
        shared |= (low & in_low) | (high & in_high) != 0;
        low |= in_low;
        high |= in_high;
    }
    shared
}

/// A name's first seven bytes and its length (up to 255): equal names have equal
/// fingerprints.
fn fingerprint(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let length = u64::from(u8::try_from(bytes.len()).unwrap_or(u8::MAX)) << 56;
    // Built in a register: a byte buffer read back as a word stalls the store forwarding.
    let head = match bytes.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first) & 0x00ff_ffff_ffff_ffff,
        None => bytes
            .iter()
            .rev()
            .fold(0, |head, byte| head << 8 | u64::from(*byte)),
    };
    head | length
}

/// Deserializes any JSON value, refusing duplicate member names in every object within it.
pub(crate) struct UniqueValue;

impl<'de> DeserializeSeed<'de> for UniqueValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Value, A::Error> {
        UniqueObject.visit_map(access).map(Value::Object)
    }
}

/// Deserializes a JSON object into a map, refusing duplicate member names at every depth.
struct UniqueObject;

impl<'de> DeserializeSeed<'de> for UniqueObject {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UniqueObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(Name(name)) = access.next_key::<Name<'de>>()? {
            let value = access.next_value_seed(UniqueValue)?;
            if map.contains_key(name.as_ref()) {
                return Err(de::Error::custom(format_args!("duplicate member {name:?}")));
            }
            map.insert(name.into_owned(), value);
        }
        Ok(map)
    }
}

/// Parses `bytes` as one JSON object with unique member names at every depth, and nothing
/// after it.
///
/// # Errors
/// serde_json's error for anything but one object, a duplicate member name at any depth, or
/// nesting beyond serde_json's limit.
pub fn parse_unique_object(bytes: &[u8]) -> Result<Map<String, Value>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let map = UniqueObject.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(map)
}

/// Any JSON value, read and dropped through `deserialize_any`, so that serde_json's nesting
/// limit (128) applies and nested member names are checked for duplicates: `IgnoredAny` does
/// neither, and a claim nested 10^5 deep or `{"role":{"admin":false,"admin":true}}` would pass
/// unnoticed to whoever parses the claims next. It remembers whether the value was `null`.
pub(crate) struct Skip(pub(crate) bool);

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Skip(false))
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip(false))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip(false))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip(false))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip(false))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip(false))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip(true))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip(false))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        let mut names = Vec::new();
        while let Some((Name(name), Skip(_))) = map.next_entry::<Name<'de>, Skip>()? {
            names.push(name);
        }
        match find_duplicate(&names) {
            Some(name) => Err(de::Error::custom(format_args!("duplicate member {name:?}"))),
            None => Ok(Skip(false)),
        }
    }
}

/// Checks that `bytes` is one JSON object with unique member names at every depth, and nothing
/// after it, without building it: what `encode` asks of the claims it serialized.
pub(crate) fn check_unique_object(bytes: &[u8]) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    deserializer.deserialize_map(Skip(false))?;
    deserializer.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_in_small_and_large_objects() {
        let small: Vec<Cow<'_, str>> = ["a", "b", "a"].map(Cow::Borrowed).to_vec();
        assert_eq!(find_duplicate(&small), Some("a"));
        let large: Vec<Cow<'_, str>> = (0..40)
            .map(|i| Cow::Owned(format!("m{}", i % 39)))
            .collect();
        assert_eq!(find_duplicate(&large), Some("m0"));
        let unique: Vec<Cow<'_, str>> = (0..40).map(|i| Cow::Owned(format!("m{i}"))).collect();
        assert_eq!(find_duplicate(&unique), None);
        // Same length and first seven bytes: the fingerprint matches, the text decides.
        let alike: Vec<Cow<'_, str>> = ["role_admin", "role_adm1n", "role_admin"]
            .map(Cow::Borrowed)
            .to_vec();
        assert_eq!(fingerprint(&alike[0]), fingerprint(&alike[1]));
        assert_eq!(find_duplicate(&alike[..2]), None);
        assert_eq!(find_duplicate(&alike), Some("role_admin"));
        let long = "n".repeat(300);
        let longer = format!("{long}x");
        let long_names: Vec<Cow<'_, str>> =
            [long.as_str(), longer.as_str()].map(Cow::Borrowed).to_vec();
        assert_eq!(find_duplicate(&long_names), None);
    }

    #[test]
    fn small_lists_spill_to_the_heap_in_order() {
        let mut list = SmallList::<usize, 3>::default();
        assert!(list.is_empty());
        for i in 0..10 {
            list.push(i);
            assert_eq!(&list[..], (0..=i).collect::<Vec<_>>());
        }
        let names = ["a", "b", "c", "d"];
        let mut borrowed = SmallList::<Cow<'_, str>, 2>::default();
        for (i, name) in names.iter().enumerate() {
            if i == 1 {
                borrowed.push(Cow::Owned((*name).to_owned()));
            } else {
                borrowed.push_borrowed(name);
            }
            assert_eq!(&borrowed[..], &names[..=i]);
        }
    }

    #[test]
    fn numbers_round_trip_exactly() {
        // Found by fuzzing: without serde_json's `float_roundtrip` this parses one ulp off.
        let text = br#"{"x":2.3333333333333334e+17,"y":0.1,"z":1e-300}"#;
        let parsed = parse_unique_object(text).unwrap();
        let again = parse_unique_object(&serde_json::to_vec(&parsed).unwrap()).unwrap();
        assert_eq!(parsed, again);
        assert_eq!(parsed["x"].as_f64(), Some(2.333_333_333_333_333_4e17));
    }

    #[test]
    fn unique_object_refuses_duplicates_escaped_or_not() {
        assert!(parse_unique_object(br#"{"a":1,"b":2}"#).is_ok());
        assert!(parse_unique_object(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse_unique_object(br#"{"a":1,"\u0061":2}"#).is_err());
        assert!(parse_unique_object(br#"{"a":[{"b":1,"b":2}]}"#).is_err());
        assert!(parse_unique_object(br#"{"a":{"b":{"c":1,"c":1}}}"#).is_err());
        let nested = parse_unique_object(br#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}]}"#).unwrap();
        assert_eq!(nested["a"][6]["b"], Value::Object(Map::new()));
        assert!(parse_unique_object(br#"{"a":1} x"#).is_err());
        assert!(parse_unique_object(br#"[1]"#).is_err());
    }
}
