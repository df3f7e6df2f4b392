//! Headers this thread parsed lately, kept by their encoded text.
//!
//! A service sees the same few headers on every token it verifies (one per issuer and key),
//! and reading one — base64url, then JSON into [`Header`] — costs about a sixth of a whole
//! HS256 verification. The reading is a pure function of the segment's text, so a header
//! that parsed once is handed out again, shared, when the same text comes back: a verified
//! token's header then costs no allocation. Only headers that parsed are kept, so every
//! refusal is made afresh; the slots are per thread (no lock, no slot shared between
//! threads), few, and hold only short segments, so memory stays small whatever tokens arrive.

use std::cell::RefCell;
use std::sync::Arc;

use crate::error::Error;
use crate::header::Header;

/// How many headers each thread keeps.
const SLOTS: usize = 4;

/// The longest segment kept, in characters. Typical headers are 36 to 100.
const MAX_KEPT_SEGMENT: usize = 256;

/// One thread's headers, replaced round-robin.
struct Recent {
    slots: [Option<(Box<str>, Arc<Header>)>; SLOTS],
    next: usize,
}

thread_local! {
    static RECENT: RefCell<Recent> = const {
        RefCell::new(Recent {
            slots: [const { None }; SLOTS],
            next: 0,
        })
    };
}

/// The header whose encoded text is `segment`: kept from an earlier reading, or read by
/// `read` (and kept when it parses).
///
/// # Errors
/// Whatever `read` returns; nothing of its own.
pub(crate) fn header(
    segment: &str,
    read: impl FnOnce(&str) -> Result<Header, Error>,
) -> Result<Arc<Header>, Error> {
    if segment.len() > MAX_KEPT_SEGMENT {
        return read(segment).map(Arc::new);
    }
    // `try_with`/`try_borrow`: while the thread is being torn down, or if `read` ever came
    // back here, this reads afresh rather than panicking.
    let kept = RECENT
        .try_with(|recent| {
            let recent = recent.try_borrow().ok()?;
            recent
                .slots
                .iter()
                .flatten()
                .find(|(text, _)| **text == *segment)
                .map(|(_, header)| Arc::clone(header))
        })
        .ok()
        .flatten();
    if let Some(header) = kept {
        return Ok(header);
    }
    let header = Arc::new(read(segment)?);
    let _ = RECENT.try_with(|recent| {
        if let Ok(mut recent) = recent.try_borrow_mut() {
            let next = recent.next;
            if let Some(slot) = recent.slots.get_mut(next) {
                *slot = Some((segment.into(), Arc::clone(&header)));
            }
            recent.next = (next + 1) % SLOTS;
        }
    });
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::Algorithm;
    use std::cell::Cell;

    fn counting<'c>(
        reads: &'c Cell<usize>,
        header: &'c Header,
    ) -> impl FnOnce(&str) -> Result<Header, Error> + 'c {
        move |_| {
            reads.set(reads.get() + 1);
            Ok(header.clone())
        }
    }

    #[test]
    fn a_segment_seen_again_is_not_read_again() {
        let reads = Cell::new(0);
        let first = Header::new(Algorithm::HS256).with_kid("a");
        let second = Header::new(Algorithm::ES256).with_kid("b");
        assert_eq!(*header("seg-a", counting(&reads, &first)).unwrap(), first);
        assert_eq!(*header("seg-b", counting(&reads, &second)).unwrap(), second);
        // Both kept: the reader is not asked again, and each text gets its own header.
        assert_eq!(*header("seg-a", counting(&reads, &second)).unwrap(), first);
        assert_eq!(*header("seg-b", counting(&reads, &first)).unwrap(), second);
        assert_eq!(reads.get(), 2);
        // Handed out shared, not copied.
        let (one, again) = (
            header("seg-a", counting(&reads, &first)).unwrap(),
            header("seg-a", counting(&reads, &first)).unwrap(),
        );
        assert!(Arc::ptr_eq(&one, &again));
    }

    #[test]
    fn refusals_and_long_segments_are_not_kept() {
        let reads = Cell::new(0);
        let refuse = |_: &str| {
            reads.set(reads.get() + 1);
            Err(Error::malformed("no"))
        };
        assert!(header("seg-bad", refuse).is_err());
        assert!(header("seg-bad", refuse).is_err());
        assert_eq!(reads.get(), 2);
        let long = "x".repeat(MAX_KEPT_SEGMENT + 1);
        let kept = Header::new(Algorithm::HS256);
        let reads = Cell::new(0);
        header(&long, counting(&reads, &kept)).unwrap();
        header(&long, counting(&reads, &kept)).unwrap();
        assert_eq!(reads.get(), 2);
    }

    #[test]
    fn the_oldest_header_makes_room() {
        let reads = Cell::new(0);
        let kept = Header::new(Algorithm::HS256);
        for i in 0..=SLOTS {
            header(&format!("room-{i}"), counting(&reads, &kept)).unwrap();
        }
        assert_eq!(reads.get(), SLOTS + 1);
        // The newest are still kept; the first gave its slot up.
        header(&format!("room-{SLOTS}"), counting(&reads, &kept)).unwrap();
        assert_eq!(reads.get(), SLOTS + 1);
        header("room-0", counting(&reads, &kept)).unwrap();
        assert_eq!(reads.get(), SLOTS + 2);
    }
}
