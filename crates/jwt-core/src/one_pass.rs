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

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use crate::claims::{AudienceView, ClaimsView, NumericDate};
use crate::json::{Name, Skip, SmallList, find_duplicate};
use replay::{Number, Replay};

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

/// Reads `payload` through `seed` (into `T`, for `PhantomData<T>`), and its registered claims
/// into `view`, in one pass. The view is filled in place (it is large, and moving it costs
/// more than reading a short token).
pub(crate) fn read<'de, S: DeserializeSeed<'de>>(
    payload: &'de [u8],
    view: &mut ClaimsView<'de>,
    seed: S,
) -> Read<S::Value> {
    view.source = payload;
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
    let Ok(claims) = seed.deserialize(root) else {
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

/// Every `deserialize_*` method a wrapper passes straight on, wrapping the visitor; only
/// `deserialize_newtype_struct` and `deserialize_ignored_any` are each wrapper's own.
macro_rules! forward_common_deserialize {
    () => {
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
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, 'de, D> {
    type Error = D::Error;

    forward_common_deserialize!();

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
        let names = match self.view.as_deref_mut() {
            Some(view) => &mut view.names,
            None => &mut self.names,
        };
        let before = names.len();
        let key = self.inner.next_key_seed(KeySeed { inner: seed, names })?;
        if key.is_none() {
            if let Some(name) = find_duplicate(self.names()) {
                return Err(de::Error::custom(format_args!("duplicate member {name:?}")));
            }
            if self.view.is_some() {
                self.state.complete.set(true);
            }
            return Ok(None);
        }
        self.named = self.names().len() > before;
        if !self.named {
            self.state.went_unseen();
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

/// A member name on its way to `T`, added to `names` when it arrives as a string (there, not
/// handed back: reading back a name just written as separate words stalls store forwarding).
struct KeySeed<'n, 'de, K> {
    inner: K,
    names: &'n mut SmallList<Cow<'de, str>, 8>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, 'de, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.inner.deserialize(KeyDeserializer {
            inner: deserializer,
            names: self.names,
        })
    }
}

struct KeyDeserializer<'n, 'de, D> {
    inner: D,
    names: &'n mut SmallList<Cow<'de, str>, 8>,
}

impl<'n, 'de, D> KeyDeserializer<'n, 'de, D> {
    fn split<V>(self, visitor: V) -> (D, KeyVisitor<'n, 'de, V>) {
        let visitor = KeyVisitor {
            inner: visitor,
            names: self.names,
        };
        (self.inner, visitor)
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, 'de, D> {
    type Error = D::Error;

    forward_common_deserialize!();
    forward_deserialize! {
        deserialize_newtype_struct(name: &'static str); deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Notes a member name given as a string; anything else leaves it unnoted, and the map
/// reports the payload as not fully seen.
struct KeyVisitor<'n, 'de, V> {
    inner: V,
    names: &'n mut SmallList<Cow<'de, str>, 8>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, 'de, V> {
    type Value = V::Value;

    forward_scalar_visits!();

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.names.push(Cow::Owned(v.to_owned()));
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.names.push_borrowed(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.names.push(Cow::Owned(v.clone()));
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

mod replay;
#[cfg(test)]
mod tests;
