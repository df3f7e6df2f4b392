//! The registered claims as a decode keeps them until they are asked for.
//!
//! [`TokenData::registered`](crate::TokenData::registered) hands out a [`RegisteredClaims`],
//! but most callers never call it: their own claims type holds what they use. Copying `iss`,
//! `sub` and `aud` into strings of their own cost three of a typical HS256 decode's thirteen
//! allocations. So the dates are kept as they are and the strings packed into one inline
//! buffer; the [`RegisteredClaims`] is built on first use. Claims too long for the buffer are
//! kept as a [`RegisteredClaims`] at once.

use std::fmt;
use std::sync::OnceLock;

use crate::claims::{Audience, ClaimsView, NumericDate, RegisteredClaims};

/// Bytes of string claims kept inline.
const INLINE: usize = 96;
/// A short string is copied as one block of this size (see [`Packed::put`]); the buffer has
/// room for a block starting at any string's start.
const BLOCK: usize = 32;
/// Strings kept inline: `iss`, `sub`, `jti` and up to four audiences.
const STRINGS: usize = 7;
/// Where each single-string claim sits in [`Packed::ends`]; audiences follow.
const ISS: usize = 0;
const SUB: usize = 1;
const JTI: usize = 2;
const FIRST_AUD: usize = 3;

/// The registered claims of one token, packed or already built.
#[derive(Clone, Default)]
pub(crate) struct KeptRegistered {
    packed: Option<Packed>,
    built: OnceLock<Box<RegisteredClaims>>,
}

/// The registered claims' strings in one buffer, one after another.
#[derive(Clone)]
struct Packed {
    /// The strings, one after another (past the last one's end: whatever the copies left).
    text: [u8; INLINE + BLOCK],
    /// Where each string ends in `text` (each starts where the one before ends).
    ends: [u8; STRINGS],
    /// Which of `iss`, `sub` and `jti` are present, by bit.
    present: u8,
    /// How many audiences there are, and whether they came as an array (`None`: no `aud`).
    aud: Option<(u8, bool)>,
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
}

impl KeptRegistered {
    /// Keeps what validation read of a token's claims: packed when it fits.
    pub(crate) fn from_view(view: &ClaimsView<'_>) -> Self {
        match Packed::new(view) {
            Some(packed) => KeptRegistered {
                packed: Some(packed),
                built: OnceLock::new(),
            },
            None => view.to_registered().into(),
        }
    }

    /// The registered claims, built on the first call.
    pub(crate) fn get(&self) -> &RegisteredClaims {
        self.built
            .get_or_init(|| Box::new(self.packed.as_ref().map(Packed::unpack).unwrap_or_default()))
    }
}

impl From<RegisteredClaims> for KeptRegistered {
    fn from(registered: RegisteredClaims) -> Self {
        KeptRegistered {
            packed: None,
            built: OnceLock::from(Box::new(registered)),
        }
    }
}

impl PartialEq for KeptRegistered {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl fmt::Debug for KeptRegistered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl Packed {
    /// The view packed, or `None` when its strings are too long or too many.
    fn new(view: &ClaimsView<'_>) -> Option<Self> {
        let audiences = view.aud.as_deref().unwrap_or_default();
        if audiences.len() > STRINGS - FIRST_AUD {
            return None;
        }
        let mut packed = Packed {
            text: [0; INLINE + BLOCK],
            ends: [0; STRINGS],
            present: 0,
            aud: match &view.aud {
                Some(list) => Some((u8::try_from(list.len()).ok()?, view.aud_is_array)),
                None => None,
            },
            exp: view.exp,
            nbf: view.nbf,
            iat: view.iat,
        };
        let mut end = 0;
        for (slot, value) in [(ISS, &view.iss), (SUB, &view.sub), (JTI, &view.jti)] {
            if let Some(value) = value {
                end = packed.put(end, value, view.source)?;
                packed.present |= 1 << slot;
            }
            *packed.ends.get_mut(slot)? = u8::try_from(end).ok()?;
        }
        for (i, aud) in audiences.iter().enumerate() {
            end = packed.put(end, aud, view.source)?;
            *packed.ends.get_mut(FIRST_AUD + i)? = u8::try_from(end).ok()?;
        }
        Some(packed)
    }

    /// Copies `text` to the buffer at `start` and returns where it ends there, or `None` when
    /// it does not fit. A string of up to [`BLOCK`] bytes borrowed from `source` (the usual
    /// claim, unescaped in the payload) is copied as one block of that size, bytes after it
    /// included: a copy of fixed size is a vector move or two, where a copy of the string's
    /// own size goes through `memcpy`'s choice by size, which mispredicts as the sizes change
    /// from claim to claim. (The packing cost 4% of an HS256 verify; blocks took off 2.5.)
    fn put(&mut self, start: usize, text: &str, source: &[u8]) -> Option<usize> {
        let bytes = text.as_bytes();
        let end = start
            .checked_add(bytes.len())
            .filter(|&end| end <= INLINE)?;
        let block = (bytes.len() <= BLOCK)
            .then(|| bytes.as_ptr().addr().checked_sub(source.as_ptr().addr()))
            .flatten()
            .and_then(|offset| source.get(offset..)?.first_chunk::<BLOCK>());
        let into = self.text.get_mut(start..)?;
        match (block, into.first_chunk_mut::<BLOCK>()) {
            (Some(block), Some(into)) => *into = *block,
            _ => into.get_mut(..bytes.len())?.copy_from_slice(bytes),
        }
        Some(end)
    }

    /// String number `slot`, if kept.
    fn string(&self, slot: usize) -> String {
        let start = match slot.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or_default(),
            None => 0,
        };
        let end = self.ends.get(slot).copied().unwrap_or_default();
        let bytes = self
            .text
            .get(usize::from(start)..usize::from(end))
            .unwrap_or_default();
        // Whole strings were packed, so this is their own UTF-8; `lossy` only to be total.
        String::from_utf8_lossy(bytes).into_owned()
    }

    fn single(&self, slot: usize) -> Option<String> {
        (self.present & (1 << slot) != 0).then(|| self.string(slot))
    }

    fn unpack(&self) -> RegisteredClaims {
        let aud = self.aud.map(|(count, is_array)| {
            let mut list =
                (FIRST_AUD..FIRST_AUD + usize::from(count)).map(|slot| self.string(slot));
            if is_array {
                Audience::Many(list.collect())
            } else {
                Audience::One(list.next().unwrap_or_default())
            }
        });
        RegisteredClaims {
            iss: self.single(ISS),
            sub: self.single(SUB),
            aud,
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.single(JTI),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(payload: &str) -> (KeptRegistered, RegisteredClaims) {
        let view = ClaimsView::parse(payload.as_bytes()).unwrap();
        (KeptRegistered::from_view(&view), view.to_registered())
    }

    #[test]
    fn packed_claims_come_back_as_read() {
        for payload in [
            r#"{}"#,
            r#"{"iss":"https://login","sub":"u-1","aud":"api","exp":10,"nbf":1,"iat":2,"jti":"j"}"#,
            r#"{"iss":"","sub":"é\u00e9","aud":["a","","c","d"]}"#,
            r#"{"aud":[],"jti":"x"}"#,
            r#"{"aud":"one","extra":null}"#,
            // Short strings far enough from the end to be copied as blocks.
            r#"{"iss":"https://login.example.com","sub":"user-7f3a9c21","aud":["orders-api","b"],"jti":"j","pad":"0123456789012345678901234567890123456789"}"#,
        ] {
            let (kept, registered) = kept(payload);
            assert!(kept.packed.is_some(), "{payload}");
            assert_eq!(kept.get(), &registered, "{payload}");
        }
    }

    proptest::proptest! {
        /// Strings of any length, escaped or not, near the payload's end or far from it.
        #[test]
        fn generated_claims_come_back_as_read(
            strings in proptest::collection::vec("[a-z\u{e9}\\\\\"]{0,40}", 4),
            many in proptest::bool::ANY,
            pad in 0_usize..80,
        ) {
            let [iss, sub, jti, aud] = [0, 1, 2, 3].map(|i| serde_json::to_string(&strings[i]).unwrap());
            let aud = if many { format!("[{aud},{iss}]") } else { aud };
            let payload = format!(
                r#"{{"iss":{iss},"sub":{sub},"jti":{jti},"aud":{aud},"pad":"{}"}}"#,
                "p".repeat(pad)
            );
            let (kept, registered) = kept(&payload);
            proptest::prop_assert_eq!(kept.get(), &registered);
        }
    }

    #[test]
    fn long_or_many_claims_are_built_at_once() {
        let long = format!(r#"{{"iss":"{}","sub":"s"}}"#, "i".repeat(INLINE));
        let many = r#"{"aud":["a","b","c","d","e"]}"#;
        for payload in [long.as_str(), many] {
            let (kept, registered) = kept(payload);
            assert!(kept.packed.is_none(), "{payload}");
            assert_eq!(kept.get(), &registered, "{payload}");
        }
        // Exactly full still packs.
        let full = format!(r#"{{"iss":"{}"}}"#, "i".repeat(INLINE));
        let (kept, registered) = kept(&full);
        assert!(kept.packed.is_some());
        assert_eq!(kept.get(), &registered);
    }
}
