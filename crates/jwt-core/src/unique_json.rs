//! Claims written as JSON with their member names checked unique at every depth in the same
//! pass, instead of parsing the written text again.
//!
//! The value serializes through thin wrappers around serde_json's serializer that note a hash
//! of every member name of every object. Only when something is out of the ordinary (a repeated
//! hash, a key that is not a string, a value the wrappers cannot see into, a top level that is
//! not a plain object) is the written text checked by [`json::check_unique_object`], which then
//! gives the verdict and its words. A hash collision can therefore only cost time, never a
//! wrong verdict.

use std::cell::Cell;
use std::fmt;

use serde::ser::{
    self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct,
    SerializeStructVariant, SerializeTuple, SerializeTupleStruct, SerializeTupleVariant,
    Serializer,
};

use crate::json::{self, SmallList};

/// Serializes `value`, which must be a JSON object with unique member names at every depth.
///
/// # Errors
/// serde_json's error when `value` cannot be serialized, or the check's for anything but
/// one object with unique member names.
pub(crate) fn to_object_vec<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    let state = State {
        object: Cell::new(false),
        recheck: Cell::new(false),
    };
    let mut out = Vec::with_capacity(256);
    value.serialize(Unique {
        inner: &mut serde_json::Serializer::new(&mut out),
        state: &state,
        top: true,
    })?;
    if state.recheck.get() || !state.object.get() {
        json::check_unique_object(&out)?;
    }
    Ok(out)
}

/// What the wrappers learn while the value serializes.
struct State {
    /// Whether the top level began as a plain object (a map or a struct).
    object: Cell<bool>,
    /// Whether the written text must be checked: a repeated name hash, a key that is not a
    /// string, or a value the wrappers could not see into.
    recheck: Cell<bool>,
}

/// serde_json's private struct names (its `RawValue`, say): their contents are written as
/// given, unseen by the wrappers.
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

/// FNV-1a: a cheap hash of a member name. A collision only asks for the exact check.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A serializer that writes through `inner` and hands every compound value to a wrapper.
struct Unique<'s, S> {
    inner: S,
    state: &'s State,
    top: bool,
}

impl<S> Unique<'_, S> {
    /// A scalar or other non-object value written at the top level.
    fn not_an_object(&self) {
        if self.top {
            self.state.recheck.set(true);
        }
    }
}

/// A nested value, serialized through the wrappers.
struct Nested<'s, 'v, T: ?Sized> {
    value: &'v T,
    state: &'s State,
}

impl<T: Serialize + ?Sized> Serialize for Nested<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Unique {
            inner: serializer,
            state: self.state,
            top: false,
        })
    }
}

macro_rules! forward_scalars {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.not_an_object();
            self.inner.$method(v)
        }
    )*};
}

impl<'s, S: Serializer> Serializer for Unique<'s, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Elements<'s, S::SerializeSeq>;
    type SerializeTuple = Elements<'s, S::SerializeTuple>;
    type SerializeTupleStruct = Elements<'s, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Elements<'s, S::SerializeTupleVariant>;
    type SerializeMap = Members<'s, S::SerializeMap>;
    type SerializeStruct = Members<'s, S::SerializeStruct>;
    type SerializeStructVariant = Members<'s, S::SerializeStructVariant>;

    forward_scalars! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_i128(i128); serialize_u8(u8); serialize_u16(u16);
        serialize_u32(u32); serialize_u64(u64); serialize_u128(u128); serialize_f32(f32);
        serialize_f64(f64); serialize_char(char); serialize_str(&str); serialize_bytes(&[u8]);
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.not_an_object();
        self.inner.serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(Unique {
            inner: self.inner,
            state: self.state,
            top: self.top,
        })
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.not_an_object();
        self.inner.serialize_unit()
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.not_an_object();
        self.inner.serialize_unit_struct(name)
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.not_an_object();
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        if name.starts_with(SERDE_JSON_PRIVATE) {
            self.state.recheck.set(true);
            return self.inner.serialize_newtype_struct(name, value);
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.not_an_object();
        let value = Nested {
            value,
            state: self.state,
        };
        self.inner
            .serialize_newtype_variant(name, index, variant, &value)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.not_an_object();
        Ok(Elements::new(self.inner.serialize_seq(len)?, self.state))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.not_an_object();
        Ok(Elements::new(self.inner.serialize_tuple(len)?, self.state))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.not_an_object();
        let inner = self.inner.serialize_tuple_struct(name, len)?;
        Ok(Elements::new(inner, self.state))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.not_an_object();
        let inner = self
            .inner
            .serialize_tuple_variant(name, index, variant, len)?;
        Ok(Elements::new(inner, self.state))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        if self.top {
            self.state.object.set(true);
        }
        Ok(Members::new(self.inner.serialize_map(len)?, self.state))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        if name.starts_with(SERDE_JSON_PRIVATE) {
            self.state.recheck.set(true);
        } else if self.top {
            self.state.object.set(true);
        }
        Ok(Members::new(
            self.inner.serialize_struct(name, len)?,
            self.state,
        ))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.not_an_object();
        let inner = self
            .inner
            .serialize_struct_variant(name, index, variant, len)?;
        Ok(Members::new(inner, self.state))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The elements of an array, each serialized through the wrappers.
struct Elements<'s, C> {
    inner: C,
    state: &'s State,
}

impl<'s, C> Elements<'s, C> {
    fn new(inner: C, state: &'s State) -> Self {
        Elements { inner, state }
    }
}

macro_rules! elements {
    ($($trait:ident::$method:ident;)*) => {$(
        impl<C: $trait> $trait for Elements<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                self.inner.$method(&Nested { value, state: self.state })
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    )*};
}

elements! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

/// The members of an object: each name's hash noted, each value serialized through the
/// wrappers. A repeated hash asks for the exact check when the object ends.
struct Members<'s, C> {
    inner: C,
    state: &'s State,
    names: SmallList<u64, 16>,
}

impl<'s, C> Members<'s, C> {
    fn new(inner: C, state: &'s State) -> Self {
        Members {
            inner,
            state,
            names: SmallList::default(),
        }
    }

    fn note(&mut self, name: Option<u64>) {
        match name {
            Some(hash) => self.names.push(hash),
            None => self.state.recheck.set(true),
        }
    }

    fn finish(&self) {
        let names: &[u64] = &self.names;
        let repeated = if names.len() <= 16 {
            names
                .iter()
                .enumerate()
                .any(|(i, name)| names.iter().skip(i + 1).any(|other| other == name))
        } else {
            let mut sorted = names.to_vec();
            sorted.sort_unstable();
            sorted.windows(2).any(|pair| pair.first() == pair.last())
        };
        if repeated {
            self.state.recheck.set(true);
        }
    }
}

impl<C: SerializeMap> SerializeMap for Members<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        self.note(key.serialize(KeyHash).ok());
        self.inner.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        self.inner.serialize_value(&Nested {
            value,
            state: self.state,
        })
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.finish();
        self.inner.end()
    }
}

macro_rules! fields {
    ($($trait:ident;)*) => {$(
        impl<C: $trait> $trait for Members<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                self.note(Some(name_hash(name)));
                self.inner.serialize_field(name, &Nested { value, state: self.state })
            }

            fn skip_field(&mut self, name: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(name)
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.finish();
                self.inner.end()
            }
        }
    )*};
}

fields! {
    SerializeStruct;
    SerializeStructVariant;
}

/// A map key that is not a string (or a newtype of one, or a unit variant's name), which
/// sends the text to the exact check.
#[derive(Debug)]
struct NotAString;

impl fmt::Display for NotAString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name that is not a string")
    }
}

impl std::error::Error for NotAString {}

impl ser::Error for NotAString {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotAString
    }
}

/// Hashes a map key written as a JSON string.
struct KeyHash;

macro_rules! not_a_string {
    ($($method:ident($($ty:ty),*);)*) => {$(
        fn $method(self, $(_: $ty),*) -> Result<u64, NotAString> {
            Err(NotAString)
        }
    )*};
}

impl Serializer for KeyHash {
    type Ok = u64;
    type Error = NotAString;
    type SerializeSeq = Impossible<u64, NotAString>;
    type SerializeTuple = Impossible<u64, NotAString>;
    type SerializeTupleStruct = Impossible<u64, NotAString>;
    type SerializeTupleVariant = Impossible<u64, NotAString>;
    type SerializeMap = Impossible<u64, NotAString>;
    type SerializeStruct = Impossible<u64, NotAString>;
    type SerializeStructVariant = Impossible<u64, NotAString>;

    fn serialize_str(self, v: &str) -> Result<u64, NotAString> {
        Ok(name_hash(v))
    }

    fn serialize_char(self, v: char) -> Result<u64, NotAString> {
        Ok(name_hash(v.encode_utf8(&mut [0; 4])))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<u64, NotAString> {
        Ok(name_hash(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<u64, NotAString> {
        value.serialize(self)
    }

    not_a_string! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_i128(i128); serialize_u8(u8); serialize_u16(u16);
        serialize_u32(u32); serialize_u64(u64); serialize_u128(u128); serialize_f32(f32);
        serialize_f64(f64); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<u64, NotAString> {
        Err(NotAString)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<u64, NotAString> {
        Err(NotAString)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAString> {
        Err(NotAString)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAString> {
        Err(NotAString)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAString> {
        Err(NotAString)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAString> {
        Err(NotAString)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAString> {
        Err(NotAString)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAString> {
        Err(NotAString)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAString> {
        Err(NotAString)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    /// The reference: serde_json's text, then the exact check.
    fn reference<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, ()> {
        let out = serde_json::to_vec(value).map_err(drop)?;
        json::check_unique_object(&out).map_err(drop)?;
        Ok(out)
    }

    fn agree<T: Serialize + ?Sized>(value: &T) -> bool {
        let ours = to_object_vec(value).map_err(drop);
        assert_eq!(ours, reference(value));
        ours.is_ok()
    }

    #[derive(serde::Serialize)]
    struct Claims {
        sub: &'static str,
        exp: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        nbf: Option<i64>,
        #[serde(flatten)]
        extra: BTreeMap<&'static str, Value>,
    }

    #[derive(serde::Serialize)]
    struct Outer {
        inner: Claims,
        list: Vec<Claims>,
    }

    #[derive(serde::Serialize)]
    enum Kind {
        Unit,
        Newtype(Claims),
        Struct { a: u8 },
    }

    fn claims(extra: &[(&'static str, Value)]) -> Claims {
        Claims {
            sub: "u",
            exp: 1,
            nbf: None,
            extra: extra.iter().cloned().collect(),
        }
    }

    #[test]
    fn the_one_pass_check_agrees_with_parsing_the_text() {
        assert!(agree(&claims(&[("role", json!("r"))])));
        assert!(!agree(&claims(&[("sub", json!("admin"))])));
        assert!(agree(&claims(&[("nbf", json!(5))])));
        let nested = Outer {
            inner: claims(&[]),
            list: vec![claims(&[]), claims(&[("exp", json!(2))])],
        };
        assert!(!agree(&nested));
        assert!(agree(&json!({"a": {"b": [1, {"c": null}]}, "d": "e"})));
        assert!(agree(&Some(claims(&[]))));
        assert!(agree(&HashMap::from([(1_u32, "one"), (2, "two")])));
        assert!(agree(&BTreeMap::from([('a', 1), ('b', 2)])));
        assert!(!agree(&None::<Claims>));
        assert!(!agree(&vec![claims(&[])]));
        assert!(!agree(&"text"));
        assert!(!agree(&Kind::Unit));
        assert!(!agree(&Kind::Newtype(claims(&[("sub", json!(1))]))));
        assert!(agree(&Kind::Struct { a: 1 }));
        let struct_variant_inside =
            json!({"k": serde_json::to_value(Kind::Struct { a: 1 }).unwrap()});
        assert!(agree(&struct_variant_inside));
    }

    #[test]
    fn a_hash_collision_costs_only_the_exact_check() {
        // Distinct names whose hashes are equal cannot be told apart here, so repeat one hash
        // by hand: the object is still accepted, by the exact check.
        let state = State {
            object: Cell::new(true),
            recheck: Cell::new(false),
        };
        let mut members: Members<'_, ()> = Members::new((), &state);
        members.note(Some(7));
        members.note(Some(7));
        members.finish();
        assert!(state.recheck.get());
        assert!(to_object_vec(&json!({"a": 1, "b": 2})).is_ok());
    }

    /// A map written with whatever entries it is given, repeats included.
    struct Entries(Vec<(String, Node)>);

    #[derive(Debug, Clone)]
    enum Node {
        Leaf(i8),
        List(Vec<Node>),
        Object(Vec<(String, Node)>),
    }

    impl Serialize for Node {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Node::Leaf(n) => serializer.serialize_i8(*n),
                Node::List(items) => serializer.collect_seq(items),
                Node::Object(members) => Entries(members.clone()).serialize(serializer),
            }
        }
    }

    impl Serialize for Entries {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (name, value) in &self.0 {
                map.serialize_entry(name, value)?;
            }
            map.end()
        }
    }

    fn node() -> impl Strategy<Value = Node> {
        let name = prop::sample::select(vec!["a", "b", "c", "sub"]).prop_map(str::to_owned);
        any::<i8>()
            .prop_map(Node::Leaf)
            .prop_recursive(3, 24, 4, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Node::List),
                    prop::collection::vec((name.clone(), inner), 0..4).prop_map(Node::Object),
                ]
            })
    }

    proptest! {
        #[test]
        fn generated_objects_agree(members in prop::collection::vec(("[a-c]", node()), 0..5)) {
            agree(&Entries(members));
        }
    }
}
