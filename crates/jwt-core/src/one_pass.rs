//! The claims read once: into the caller's type and, in the same pass, into the
//! [`ClaimsView`] that validation judges.
//!
//! `T`'s `Deserialize` runs against serde_json through thin wrappers that see every member.
//! At the top level they take `iss`, `sub`, `aud`, `exp`, `nbf`, `iat` and `jti` by
//! validation's own rules and hand `T` the same value; at every depth they refuse a member
//! name given twice. Where `T` reads something the wrappers cannot see into (a raw value,
//! keys that are not strings, a top level it skips), the result says so and the caller reads
//! the text again. Where anything fails, the caller falls back to the two-pass reading, so
//! that errors, and which comes first, are exactly the two-pass ones.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use crate::claims::{AudienceView, ClaimsView, NumericDate};
use crate::json::{Name, Skip, SmallList, find_duplicate};

/// What one pass over a claims payload gave.
pub(crate) enum Read<T> {
    /// `T`, and the registered claims in the view, with every member name at every depth
    /// seen unique.
    Checked(T),
    /// `T`, but part of the payload went past the wrappers: check the text separately.
    Unchecked(T),
    /// Something failed: the two-pass reading gives the error.
    Failed,
}

/// Reads `payload` into `T`, and its registered claims into `view`, in one pass. The view is
/// filled in place (it is large, and moving it costs more than reading a short token).
pub(crate) fn read<'de, T: Deserialize<'de>>(
    payload: &'de [u8],
    view: &mut ClaimsView<'de>,
) -> Read<T> {
    let state = State {
        view: Cell::new(Some(view)),
        complete: Cell::new(false),
        opaque: Cell::new(false),
        null: Cell::new(false),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(payload);
    let root = Checked {
        inner: &mut deserializer,
        state: &state,
        null: false,
        top: true,
    };
    let Ok(claims) = T::deserialize(root) else {
        return Read::Failed;
    };
    if deserializer.end().is_err() {
        return Read::Failed;
    }
    if state.complete.get() && !state.opaque.get() {
        Read::Checked(claims)
    } else {
        Read::Unchecked(claims)
    }
}

/// What the wrappers share while `T` reads.
struct State<'s, 'de> {
    /// The view, until the top-level object's wrapper takes it.
    view: Cell<Option<&'s mut ClaimsView<'de>>>,
    /// Whether the top-level object has been read to its end.
    complete: Cell<bool>,
    /// Whether some value went past the wrappers unseen.
    opaque: Cell<bool>,
    /// Whether the top-level member just read was `null`.
    null: Cell<bool>,
}

impl State<'_, '_> {
    fn went_unseen(&self) {
        self.opaque.set(true);
    }
}

/// serde_json's private newtype names (its `RawValue`, say): their contents reach `T` as text
/// the wrappers cannot see into.
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

/// A deserializer that hands `T` every map, sequence and enum through the wrappers.
struct Checked<'s, 'de, D> {
    inner: D,
    state: &'s State<'s, 'de>,
    /// Whether to note a `null` in [`State::null`]: for the top-level object's values.
    null: bool,
    top: bool,
}

impl<'s, 'de, D> Checked<'s, 'de, D> {
    fn split<V>(self, visitor: V) -> (D, CheckedVisitor<'s, 'de, V>) {
        let visitor = CheckedVisitor {
            inner: visitor,
            state: self.state,
            null: self.null,
            top: self.top,
        };
        (self.inner, visitor)
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            let (inner, visitor) = self.split(visitor);
            inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, 'de, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_option();
        deserialize_unit(); deserialize_unit_struct(name: &'static str); deserialize_seq();
        deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if name.starts_with(SERDE_JSON_PRIVATE) {
            self.state.went_unseen();
        }
        let (inner, visitor) = self.split(visitor);
        inner.deserialize_newtype_struct(name, visitor)
    }

    /// serde_json skips an ignored value without reading its member names; [`Skip`] reads
    /// them (and keeps serde_json's nesting limit).
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.top {
            self.state.went_unseen();
        }
        let Skip(null) = Skip::deserialize(self.inner)?;
        if null && self.null {
            self.state.null.set(true);
        }
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visits every wrapper passes on unchanged.
macro_rules! forward_visits {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

macro_rules! forward_scalar_visits {
    () => {
        forward_visits! {
            visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
            visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
            visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char);
            visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
        }

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.inner.expecting(f)
        }
    };
}

/// `T`'s visitor, given wrapped maps, sequences, enums and inner values.
struct CheckedVisitor<'s, 'de, V> {
    inner: V,
    state: &'s State<'s, 'de>,
    null: bool,
    top: bool,
}

impl<'s, 'de, V> CheckedVisitor<'s, 'de, V> {
    fn nested<D>(&self, inner: D) -> Checked<'s, 'de, D> {
        Checked {
            inner,
            state: self.state,
            null: false,
            top: false,
        }
    }

    fn mark_null(&self) {
        if self.null {
            self.state.null.set(true);
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<'_, 'de, V> {
    type Value = V::Value;

    forward_scalar_visits!();
    forward_visits! { visit_str(&str); visit_borrowed_str(&'de str); visit_string(String); }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.mark_null();
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.mark_null();
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let nested = Checked {
            top: self.top,
            ..self.nested(deserializer)
        };
        self.inner.visit_some(nested)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        let nested = Checked {
            top: self.top,
            ..self.nested(deserializer)
        };
        self.inner.visit_newtype_struct(nested)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if self.top {
            self.state.went_unseen();
        }
        self.inner.visit_seq(CheckedSeq {
            inner: seq,
            state: self.state,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(CheckedMap {
            inner: map,
            state: self.state,
            names: SmallList::default(),
            named: false,
            view: if self.top {
                self.state.view.take()
            } else {
                None
            },
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        if self.top {
            self.state.went_unseen();
        }
        self.inner.visit_enum(CheckedEnum {
            inner: data,
            state: self.state,
        })
    }
}

/// A value read through the wrappers (sequence elements, member values, variant contents).
struct ValueSeed<'s, 'de, S> {
    inner: S,
    state: &'s State<'s, 'de>,
    null: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ValueSeed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Checked {
            inner: deserializer,
            state: self.state,
            null: self.null,
            top: false,
        })
    }
}

struct CheckedSeq<'s, 'de, A> {
    inner: A,
    state: &'s State<'s, 'de>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<'_, 'de, A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.inner.next_element_seed(ValueSeed {
            inner: seed,
            state: self.state,
            null: false,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// An object's members: their names collected (and refused when repeated), and for the
/// top-level object the registered claims taken into a [`ClaimsView`] as they pass.
struct CheckedMap<'s, 'de, A> {
    inner: A,
    state: &'s State<'s, 'de>,
    /// A nested object's member names (the top-level object's go to its view).
    names: SmallList<Cow<'de, str>, 8>,
    /// Whether the last key read was a string the wrappers saw (the last name).
    named: bool,
    /// Some for the top-level object only.
    view: Option<&'s mut ClaimsView<'de>>,
}

impl<'de, A> CheckedMap<'_, 'de, A> {
    fn names(&self) -> &[Cow<'de, str>] {
        match &self.view {
            Some(view) => &view.names,
            None => &self.names,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut name = None;
        let key = self.inner.next_key_seed(KeySeed {
            inner: seed,
            name: &mut name,
        })?;
        if key.is_none() {
            if let Some(name) = find_duplicate(self.names()) {
                return Err(de::Error::custom(format_args!("duplicate member {name:?}")));
            }
            if self.view.is_some() {
                self.state.complete.set(true);
            }
            return Ok(None);
        }
        self.named = name.is_some();
        match (name, self.view.as_mut()) {
            (Some(name), Some(view)) => view.names.push(name),
            (Some(name), None) => self.names.push(name),
            (None, _) => self.state.went_unseen(),
        }
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let (Some(view), true) = (self.view.as_deref_mut(), self.named) else {
            return self.inner.next_value_seed(ValueSeed {
                inner: seed,
                state: self.state,
                null: false,
            });
        };
        let Some(name) = view.names.last().cloned() else {
            return Err(de::Error::custom("a member value before its name"));
        };
        let Some(claim) = Registered::named(&name) else {
            self.state.null.set(false);
            let value = self.inner.next_value_seed(ValueSeed {
                inner: seed,
                state: self.state,
                null: true,
            })?;
            if self.state.null.get() {
                view.nulls.push(name);
            }
            return Ok(value);
        };
        self.inner.next_value_seed(RegisteredSeed {
            inner: seed,
            claim,
            view,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct CheckedEnum<'s, 'de, A> {
    inner: A,
    state: &'s State<'s, 'de>,
}

impl<'s, 'de, A: EnumAccess<'de>> EnumAccess<'de> for CheckedEnum<'s, 'de, A> {
    type Error = A::Error;
    type Variant = CheckedVariant<'s, 'de, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(seed)?;
        Ok((
            value,
            CheckedVariant {
                inner: variant,
                state: self.state,
            },
        ))
    }
}

struct CheckedVariant<'s, 'de, A> {
    inner: A,
    state: &'s State<'s, 'de>,
}

impl<'s, 'de, A: VariantAccess<'de>> CheckedVariant<'s, 'de, A> {
    fn wrap<V>(&self, visitor: V) -> CheckedVisitor<'s, 'de, V> {
        CheckedVisitor {
            inner: visitor,
            state: self.state,
            null: false,
            top: false,
        }
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for CheckedVariant<'_, 'de, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(ValueSeed {
            inner: seed,
            state: self.state,
            null: false,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let visitor = self.wrap(visitor);
        self.inner.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let visitor = self.wrap(visitor);
        self.inner.struct_variant(fields, visitor)
    }
}

/// A member name on its way to `T`, noted when it arrives as a string.
struct KeySeed<'n, 'de, K> {
    inner: K,
    name: &'n mut Option<Cow<'de, str>>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, 'de, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.inner.deserialize(KeyDeserializer {
            inner: deserializer,
            name: self.name,
        })
    }
}

struct KeyDeserializer<'n, 'de, D> {
    inner: D,
    name: &'n mut Option<Cow<'de, str>>,
}

impl<'n, 'de, D> KeyDeserializer<'n, 'de, D> {
    fn split<V>(self, visitor: V) -> (D, KeyVisitor<'n, 'de, V>) {
        let visitor = KeyVisitor {
            inner: visitor,
            name: self.name,
        };
        (self.inner, visitor)
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, 'de, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_option();
        deserialize_unit(); deserialize_unit_struct(name: &'static str); deserialize_seq();
        deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier(); deserialize_newtype_struct(name: &'static str);
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Notes a member name given as a string; anything else leaves it unnoted, and the map
/// reports the payload as not fully seen.
struct KeyVisitor<'n, 'de, V> {
    inner: V,
    name: &'n mut Option<Cow<'de, str>>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, 'de, V> {
    type Value = V::Value;

    forward_scalar_visits!();

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        *self.name = Some(Cow::Owned(v.to_owned()));
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        *self.name = Some(Cow::Borrowed(v));
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        *self.name = Some(Cow::Owned(v.clone()));
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// The registered claims, which the top-level object's wrapper takes as they pass.
#[derive(Clone, Copy)]
enum Registered {
    Iss,
    Sub,
    Aud,
    Exp,
    Nbf,
    Iat,
    Jti,
}

impl Registered {
    fn named(name: &str) -> Option<Registered> {
        Some(match name {
            "iss" => Registered::Iss,
            "sub" => Registered::Sub,
            "aud" => Registered::Aud,
            "exp" => Registered::Exp,
            "nbf" => Registered::Nbf,
            "iat" => Registered::Iat,
            "jti" => Registered::Jti,
            _ => return None,
        })
    }
}

/// Reads a registered claim by validation's rules into the view, then hands `T` the same
/// value as serde_json would have.
struct RegisteredSeed<'v, 'de, S> {
    inner: S,
    claim: Registered,
    view: &'v mut ClaimsView<'de>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for RegisteredSeed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        let view = self.view;
        match self.claim {
            Registered::Exp | Registered::Nbf | Registered::Iat => {
                let number = Number::deserialize(deserializer)?;
                let date = NumericDate::deserialize(Replay::<D::Error>::number(number))?;
                *match self.claim {
                    Registered::Exp => &mut view.exp,
                    Registered::Nbf => &mut view.nbf,
                    _ => &mut view.iat,
                } = Some(date);
                self.inner.deserialize(Replay::number(number))
            }
            Registered::Iss | Registered::Sub | Registered::Jti => {
                let Name(text) = Name::deserialize(deserializer)?;
                let value = self.inner.deserialize(Replay::text(&text))?;
                *match self.claim {
                    Registered::Iss => &mut view.iss,
                    Registered::Sub => &mut view.sub,
                    _ => &mut view.jti,
                } = Some(text);
                Ok(value)
            }
            Registered::Aud => {
                let AudienceView(list, is_array) = AudienceView::deserialize(deserializer)?;
                let value = if is_array {
                    self.inner.deserialize(Replay::texts(&list))
                } else {
                    match list.first() {
                        Some(one) => self.inner.deserialize(Replay::text(one)),
                        None => Err(de::Error::custom("claim \"aud\" is empty")),
                    }
                }?;
                view.aud = Some(list);
                view.aud_is_array = is_array;
                Ok(value)
            }
        }
    }
}

/// A JSON number as serde_json visits it.
#[derive(Clone, Copy)]
enum Number {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Signed(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number::Unsigned(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

/// A registered claim's value, already read, played back to `T` the way serde_json visits
/// the same JSON.
enum Replayed<'a, 'de> {
    Number(Number),
    Text(&'a Cow<'de, str>),
    Texts(&'a [Cow<'de, str>]),
}

struct Replay<'a, 'de, E> {
    value: Replayed<'a, 'de>,
    error: PhantomData<E>,
}

impl<'a, 'de, E> Replay<'a, 'de, E> {
    fn number(number: Number) -> Self {
        Replay {
            value: Replayed::Number(number),
            error: PhantomData,
        }
    }

    fn text(text: &'a Cow<'de, str>) -> Self {
        Replay {
            value: Replayed::Text(text),
            error: PhantomData,
        }
    }

    fn texts(texts: &'a [Cow<'de, str>]) -> Self {
        Replay {
            value: Replayed::Texts(texts),
            error: PhantomData,
        }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Replay<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Replayed::Number(Number::Signed(v)) => visitor.visit_i64(v),
            Replayed::Number(Number::Unsigned(v)) => visitor.visit_u64(v),
            Replayed::Number(Number::Float(v)) => visitor.visit_f64(v),
            Replayed::Text(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
            Replayed::Text(Cow::Owned(text)) => visitor.visit_str(text),
            Replayed::Texts(texts) => visitor.visit_seq(ReplaySeq {
                texts: texts.iter(),
                error: PhantomData,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    /// A string names a unit variant, as serde_json reads it.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
        match self.value {
            Replayed::Text(Cow::Borrowed(text)) => {
                visitor.visit_enum(BorrowedStrDeserializer::new(text))
            }
            Replayed::Text(Cow::Owned(text)) => visitor.visit_enum(StrDeserializer::new(text)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct ReplaySeq<'a, 'de, E> {
    texts: std::slice::Iter<'a, Cow<'de, str>>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> SeqAccess<'de> for ReplaySeq<'_, 'de, E> {
    type Error = E;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, E> {
        self.texts
            .next()
            .map(|text| seed.deserialize(Replay::text(text)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.texts.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::Debug;

    use proptest::prelude::*;
    use serde::de::DeserializeOwned;
    use serde_json::{Map, Value};

    use super::*;
    use crate::algorithm::Algorithm;
    use crate::claims::{Audience, RegisteredClaims};
    use crate::decode::{typed_claims, typed_claims_two_pass};
    use crate::error::ErrorKind;
    use crate::validation::Validation;

    fn validation() -> Validation {
        Validation::new([Algorithm::HS256])
            .fixed_time(1_000)
            .require_only(["sub"])
            .validate_aud(false)
    }

    type Outcome<T> = Result<(T, RegisteredClaims), ErrorKind>;

    /// Both readings of `payload` into `T`, which must agree.
    fn agree<T: DeserializeOwned + PartialEq + Debug>(payload: &str) -> Outcome<T> {
        let v = validation();
        let one = typed_claims::<T>(payload.as_bytes(), &v).map_err(|e| e.kind());
        let two = typed_claims_two_pass::<T>(payload.as_bytes(), &v).map_err(|e| e.kind());
        assert_eq!(one, two, "{payload}");
        one
    }

    fn checked<T: Deserialize<'static>>(payload: &'static str) -> bool {
        let mut view = ClaimsView::default();
        matches!(read::<T>(payload.as_bytes(), &mut view), Read::Checked(_))
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Typical {
        sub: String,
        exp: Option<i64>,
        iat: Option<f64>,
        nbf: Option<u32>,
        aud: Option<Audience>,
        iss: Option<String>,
        #[serde(default)]
        roles: Vec<String>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Flattened {
        sub: String,
        exp: Option<NumericDate>,
        #[serde(flatten)]
        rest: HashMap<String, Value>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Newtype(Typical);

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        User,
        Service { name: String },
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct WithEnum {
        sub: Kind,
        kind: Option<Kind>,
        #[serde(default)]
        scores: BTreeMap<u8, Vec<Option<bool>>>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct OnlyRoles {
        #[serde(default)]
        roles: Vec<String>,
    }

    const PAYLOADS: &[&str] = &[
        r#"{"sub":"u","exp":2000,"iat":999.5,"nbf":10,"aud":["a","b"],"iss":"i","roles":["r"]}"#,
        r#"{"sub":"u","exp":2000,"aud":"a","x":{"y":[1,{"z":null}]},"n":null}"#,
        r#"{"sub":"user","kind":{"service":{"name":"n"}},"scores":{"1":[true,null]}}"#,
        r#"{"\u0073ub":"\u0075","e\u0078p":2000,"aud":["\u0061"]}"#,
        r#"{"sub":"u","exp":900}"#,
        r#"{"sub":"u","nbf":1001}"#,
        r#"{"sub":null}"#,
        r#"{"exp":2000}"#,
        r#"{"sub":"u","sub":"v"}"#,
        r#"{"sub":"u","\u0073ub":"v"}"#,
        r#"{"sub":"u","x":{"a":1,"a":2}}"#,
        r#"{"sub":"u","x":[{"a":1},{"b":[{"c":1,"c":1}]}]}"#,
        r#"{"sub":"u","roles":["r"],"ignored":{"admin":false,"admin":true}}"#,
        r#"{"sub":"u","scores":{"1":[],"1":[]}}"#,
        r#"{"sub":"u","exp":"2000"}"#,
        r#"{"sub":"u","exp":null}"#,
        r#"{"sub":"u","exp":1e400}"#,
        r#"{"sub":"u","exp":9223372036854775808}"#,
        r#"{"sub":"u","iat":-1.5,"nbf":-2}"#,
        r#"{"sub":"u","aud":[1]}"#,
        r#"{"sub":"u","aud":null}"#,
        r#"{"sub":"u","aud":[]}"#,
        r#"{"sub":1}"#,
        r#"{"sub":"u","jti":{}}"#,
        r#"{"sub":"u","iss":["i"]}"#,
        r#"{"sub":"u","roles":"admin"}"#,
        r#"{"sub":"u"} {}"#,
        r#"{"sub":"u"}x"#,
        r#"[{"sub":"u"}]"#,
        r#""sub""#,
        r#"{"sub":"u","#,
        "",
    ];

    #[test]
    fn one_pass_agrees_with_two_passes_for_every_kind_of_claims_type() {
        for payload in PAYLOADS {
            agree::<Typical>(payload).ok();
            agree::<Flattened>(payload).ok();
            agree::<Newtype>(payload).ok();
            agree::<Option<Typical>>(payload).ok();
            agree::<WithEnum>(payload).ok();
            agree::<OnlyRoles>(payload).ok();
            agree::<Value>(payload).ok();
            agree::<Map<String, Value>>(payload).ok();
            agree::<HashMap<String, Value>>(payload).ok();
            agree::<serde::de::IgnoredAny>(payload).ok();
            agree::<()>(payload).ok();
        }
    }

    #[test]
    fn outcomes_are_those_of_validation() {
        let ok = agree::<Typical>(PAYLOADS[0]).unwrap();
        assert_eq!(ok.0.aud, Some(Audience::Many(vec!["a".into(), "b".into()])));
        assert_eq!(ok.1.iat, Some(NumericDate::from_secs(999)));
        let escaped = agree::<Value>(PAYLOADS[3]).unwrap();
        assert_eq!(escaped.1.sub.as_deref(), Some("u"));
        assert_eq!(escaped.1.aud, Some(Audience::Many(vec!["a".into()])));
        let kinds = [
            (4, ErrorKind::Expired),
            (5, ErrorKind::NotYetValid),
            (6, ErrorKind::Malformed),
            (7, ErrorKind::MissingClaim),
            (8, ErrorKind::Malformed),
            (11, ErrorKind::Malformed),
            (12, ErrorKind::Malformed),
            (14, ErrorKind::Malformed),
        ];
        for (index, kind) in kinds {
            assert_eq!(agree::<Value>(PAYLOADS[index]).unwrap_err(), kind, "{index}");
        }
        // An expired token whose claims also do not fit the type is reported expired.
        assert_eq!(
            agree::<Typical>(r#"{"sub":"u","exp":900,"roles":"admin"}"#).unwrap_err(),
            ErrorKind::Expired
        );
    }

    #[test]
    fn typical_types_take_the_one_pass_and_opaque_ones_do_not() {
        let payload = r#"{"sub":"u","exp":2000,"aud":"a","roles":["r"],"x":{"y":1}}"#;
        assert!(checked::<Typical>(payload));
        assert!(checked::<Flattened>(payload));
        assert!(checked::<Newtype>(payload));
        assert!(checked::<Option<Typical>>(payload));
        assert!(checked::<Value>(payload));
        assert!(checked::<OnlyRoles>(payload));
        // Nothing of the top level seen, or keys that are not strings: read again.
        assert!(!checked::<serde::de::IgnoredAny>(payload));
        assert!(!checked::<BTreeMap<String, BTreeMap<u8, u8>>>(
            r#"{"sub":{"1":1}}"#
        ));
    }

    fn name() -> impl Strategy<Value = &'static str> + Clone {
        prop::sample::select(vec![
            "sub", "exp", "nbf", "iat", "aud", "iss", "jti", "roles", "a", "b", "\\u0061",
        ])
    }

    fn object(value: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        prop::collection::vec((name(), value), 0..6).prop_map(|members| {
            let members: Vec<String> = members
                .into_iter()
                .map(|(name, value)| format!("\"{name}\":{value}"))
                .collect();
            format!("{{{}}}", members.join(","))
        })
    }

    /// A JSON value whose objects may repeat member names (from a small set, registered ones
    /// included) and whose registered claims may have any type.
    fn json() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            (0u64..3000).prop_map(|n| n.to_string()),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| format!("{f:e}")),
            "[a-z]{0,3}".prop_map(|s| format!("{s:?}")),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                object(inner),
            ]
        })
    }

    proptest! {
        #[test]
        fn one_pass_agrees_with_two_passes_on_generated_claims(payload in object(json())) {
            agree::<Typical>(&payload).ok();
            agree::<Flattened>(&payload).ok();
            agree::<Value>(&payload).ok();
            agree::<OnlyRoles>(&payload).ok();
        }
    }
}
