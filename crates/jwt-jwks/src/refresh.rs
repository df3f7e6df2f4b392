//! The shared state of a client and the background thread that keeps its key set fresh.
//!
//! # Who touches what
//! - Verifications read the published state with one atomic load ([`ArcSwap`]): no lock,
//!   and nothing a fetch holds. This is the hot path.
//! - The refresher thread is the only one that fetches. It publishes each attempt's outcome
//!   as a new [`Published`] value (the last good set, and the last error if the attempt
//!   failed), then wakes everyone waiting for that attempt.
//! - A verification that meets an unknown `kid` (or no usable set) *demands* a refetch. The
//!   demand takes a small mutex for a few instructions, never across I/O: it either joins the
//!   refetch already asked for (so a thousand concurrent misses cause one fetch), or asks for a
//!   new one if the last demand is older than the refetch interval, or is refused.
//!
//! Attempts are numbered; a waiter waits for "attempt N has completed", which both blocking
//! callers (with a deadline) and async callers (as a future, with any runtime) can wait for
//! through one [`Event`].

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use event_listener::{Event, Listener};
use jwt_crypto::JwkSet;

use crate::discovery::{self, Location};
use crate::error::{Error, FetchError, FetchErrorKind};
use crate::http::Http;
use crate::options::Options;

/// Everything a client, its snapshots and its refresher thread share.
pub(crate) struct Shared {
    pub(crate) options: Options,
    http: Http,
    published: ArcSwap<Published>,
    coord: Mutex<Coord>,
    /// Wakes the refresher: a demand arrived, or the client was dropped.
    wake: Condvar,
    /// Fired after every attempt, and at shutdown.
    done: Event,
    shutdown: AtomicBool,
}

/// The outcome of the latest attempt, as verifications see it.
#[derive(Debug)]
pub(crate) struct Published {
    /// Attempts completed so far (successful or not).
    pub(crate) attempts: u64,
    /// The last good set, if any was ever fetched; kept across failed attempts.
    pub(crate) good: Option<Good>,
    /// Why the latest attempt failed; `None` after a success.
    pub(crate) last_error: Option<FetchError>,
}

/// A successfully fetched set and its lifetimes.
#[derive(Debug, Clone)]
pub(crate) struct Good {
    pub(crate) set: Arc<JwkSet>,
    pub(crate) jwks_url: String,
    pub(crate) fetched_at: SystemTime,
    pub(crate) fresh_until: Instant,
    /// `fresh_until` plus the stale-if-error window: after this the set is not served.
    pub(crate) serve_until: Instant,
}

impl Published {
    /// The set to verify with at `now`, if one may still be served.
    pub(crate) fn usable(&self, now: Instant) -> Option<&Good> {
        self.good.as_ref().filter(|good| now < good.serve_until)
    }

    /// Why no set can be served, for [`Error::Unavailable`].
    pub(crate) fn unavailable(&self) -> Error {
        let last = self.last_error.as_ref().map_or(String::new(), |error| {
            format!("; the last fetch failed: {error}")
        });
        let what = match (&self.good, self.attempts) {
            (Some(good), _) => format!(
                "the JWK set from {} is past its freshness lifetime and stale-if-error window",
                good.jwks_url
            ),
            (None, 0) => "the first JWK set fetch has not completed".to_owned(),
            (None, _) => "no JWK set could be fetched yet".to_owned(),
        };
        Error::Unavailable(format!("{what}{last}"))
    }
}

#[derive(Debug, Default)]
struct Coord {
    /// The refresher is fetching attempt `attempts + 1`.
    in_flight: bool,
    /// Demanded attempts not completed yet: the refresher fetches until this one is done.
    wanted: Option<u64>,
    /// When the last demand (from a verification) asked for a new fetch.
    last_demand: Option<Instant>,
}

/// Why a verification demands a refetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    /// The set has no key for the token's `kid` (or, without a `kid`, for its `alg`): the
    /// provider may have rotated, and only a fetch started after now can tell.
    UnknownKey,
    /// No set can be served: any attempt that completes may bring one.
    NoSet,
}

impl Shared {
    pub(crate) fn new(options: Options) -> Shared {
        let http = Http::new(
            options.connect_timeout,
            options.roots.as_deref(),
            options.max_response_size,
            options.max_redirects,
            options.headers.clone(),
        );
        Shared {
            options,
            http,
            published: ArcSwap::from_pointee(Published {
                attempts: 0,
                good: None,
                last_error: None,
            }),
            coord: Mutex::new(Coord::default()),
            wake: Condvar::new(),
            done: Event::new(),
            shutdown: AtomicBool::new(false),
        }
    }

    /// The latest published state: one atomic load, never blocked by a fetch.
    pub(crate) fn current(&self) -> Arc<Published> {
        self.published.load_full()
    }

    /// The latest published state for the duration of one verification: no reference count
    /// is written (arc-swap's debt slots), so concurrent verifications share no cache line.
    pub(crate) fn guard(&self) -> arc_swap::Guard<Arc<Published>> {
        self.published.load()
    }

    fn lock(&self) -> MutexGuard<'_, Coord> {
        // The lock guards plain data that every holder leaves consistent, so a panic
        // elsewhere (there is none in this crate) must not turn into one here.
        self.coord.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A verification's demand for a refetch. Returns the attempt to wait for, or `None` when
    /// the demand is refused (the last one is more recent than the refetch interval and no
    /// fetch is under way or asked for) or the client is shut down.
    pub(crate) fn demand(&self, miss: Miss) -> Option<u64> {
        let mut coord = self.lock();
        if self.shutdown.load(Ordering::Acquire) {
            return None;
        }
        let attempts = self.published.load().attempts;
        // An unknown kid needs an attempt that *starts* after now: the one in flight may have
        // read the set before the rotation.
        let target = match miss {
            Miss::UnknownKey => attempts + 1 + u64::from(coord.in_flight),
            Miss::NoSet => attempts + 1,
        };
        if coord.wanted.is_some_and(|wanted| wanted >= target) {
            return Some(target);
        }
        let now = Instant::now();
        let cooling = coord
            .last_demand
            .is_some_and(|last| now.duration_since(last) < self.options.refetch_interval);
        if cooling {
            // No new fetch; but one already under way or asked for costs nothing to wait for.
            return (coord.in_flight || coord.wanted.is_some()).then_some(attempts + 1);
        }
        coord.last_demand = Some(now);
        coord.wanted = Some(coord.wanted.map_or(target, |wanted| wanted.max(target)));
        self.wake.notify_one();
        Some(target)
    }

    /// An explicit refresh: a new attempt now, whatever the refetch interval says. Returns the
    /// attempt to wait for, or `None` after shutdown.
    pub(crate) fn force(&self) -> Option<u64> {
        let mut coord = self.lock();
        if self.shutdown.load(Ordering::Acquire) {
            return None;
        }
        let target = self.published.load().attempts + 1 + u64::from(coord.in_flight);
        coord.wanted = Some(coord.wanted.map_or(target, |wanted| wanted.max(target)));
        self.wake.notify_one();
        Some(target)
    }

    fn reached(&self, target: u64) -> bool {
        self.shutdown.load(Ordering::Acquire) || self.published.load().attempts >= target
    }

    /// Blocks until attempt `target` has completed, the client is shut down, or `deadline`.
    pub(crate) fn wait_blocking(&self, target: u64, deadline: Instant) {
        loop {
            if self.reached(target) {
                return;
            }
            // Listen before the second check, so a notification in between is not lost.
            let listener = self.done.listen();
            if self.reached(target) {
                return;
            }
            if listener.wait_deadline(deadline).is_none() {
                return;
            }
        }
    }

    /// Waits, without blocking a thread, until attempt `target` has completed or the client
    /// is shut down. The refresher finishes every attempt within the fetch timeout, so this
    /// needs no timer of its own (and so no particular async runtime).
    pub(crate) async fn wait_async(&self, target: u64) {
        loop {
            if self.reached(target) {
                return;
            }
            let listener = self.done.listen();
            if self.reached(target) {
                return;
            }
            listener.await;
        }
    }

    /// How long a blocking caller waits for a demanded attempt: one that may be in flight,
    /// then its own, each bounded by the fetch timeout, and a margin.
    pub(crate) fn wait_budget(&self) -> Duration {
        self.options.fetch_timeout * 2 + Duration::from_secs(1)
    }

    /// Stops the refresher (after the attempt in flight, if any) and releases every waiter.
    pub(crate) fn shut_down(&self) {
        {
            let _coord = self.lock();
            self.shutdown.store(true, Ordering::Release);
            self.wake.notify_all();
        }
        self.done.notify(usize::MAX);
    }

    /// Sleeps until an attempt is due (`due`, or a demand) and marks it in flight. Returns
    /// `false` at shutdown.
    fn wait_for_work(&self, due: Instant) -> bool {
        let mut coord = self.lock();
        loop {
            if self.shutdown.load(Ordering::Acquire) {
                return false;
            }
            let now = Instant::now();
            if coord.wanted.is_some() || now >= due {
                coord.in_flight = true;
                return true;
            }
            coord = self
                .wake
                .wait_timeout(coord, due - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// One attempt: fetch, then publish the outcome and wake its waiters. Returns when the
    /// next scheduled attempt is due.
    fn attempt(&self, failures: &mut u32) -> Instant {
        let started = Instant::now();
        let options = &self.options;
        let deadline = started + options.fetch_timeout;
        // ureq and rustls are not expected to panic; if one ever does, it is this attempt's
        // failure, not the end of the refresher.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            discovery::load(&self.http, &options.location, options.ttl, deadline)
        }))
        .unwrap_or_else(|_| {
            Err(FetchError::new(
                FetchErrorKind::InvalidResponse,
                location_url(&options.location),
                "the HTTP client panicked",
            ))
        });
        let finished = Instant::now();
        let previous = self.current();
        let (next, due) = match outcome {
            Ok(loaded) => {
                *failures = 0;
                let fresh_until = finished + loaded.ttl;
                let good = Good {
                    set: Arc::new(loaded.set),
                    jwks_url: loaded.jwks_url,
                    fetched_at: SystemTime::now(),
                    fresh_until,
                    serve_until: fresh_until + options.stale_if_error,
                };
                let next = Published {
                    attempts: previous.attempts + 1,
                    good: Some(good),
                    last_error: None,
                };
                (next, fresh_until)
            }
            Err(error) => {
                *failures = failures.saturating_add(1);
                let backoff = backoff(options.retry_interval, options.ttl.min, *failures);
                // A set that is still fresh needs no retry before it goes stale.
                let due = previous.good.as_ref().map_or(finished + backoff, |good| {
                    good.fresh_until.max(finished + backoff)
                });
                let next = Published {
                    attempts: previous.attempts + 1,
                    good: previous.good.clone(),
                    last_error: Some(error),
                };
                (next, due)
            }
        };
        {
            let mut coord = self.lock();
            let attempts = next.attempts;
            self.published.store(Arc::new(next));
            coord.in_flight = false;
            if coord.wanted.is_some_and(|wanted| wanted <= attempts) {
                coord.wanted = None;
            }
        }
        self.done.notify(usize::MAX);
        due
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("location", &self.options.location)
            .field("attempts", &self.published.load().attempts)
            .finish_non_exhaustive()
    }
}

/// The retry pause after `failures` consecutive failures: `retry`, doubling, at most the
/// larger of `retry` and `min_ttl`.
fn backoff(retry: Duration, min_ttl: Duration, failures: u32) -> Duration {
    let cap = retry.max(min_ttl);
    let factor = 1u32 << failures.saturating_sub(1).min(16);
    retry.saturating_mul(factor).min(cap)
}

fn location_url(location: &Location) -> &str {
    match location {
        Location::JwksUrl(url) => url.as_str(),
        Location::Issuer { discovery, .. } => discovery.as_str(),
    }
}

/// The refresher thread: the first attempt at once, then on schedule and on demand, until the
/// client is dropped.
pub(crate) fn run(shared: Arc<Shared>) {
    /// Whatever ends the loop, waiters must not wait for attempts that will never come.
    struct Release<'a>(&'a Shared);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            self.0.shut_down();
        }
    }
    let _release = Release(&shared);
    let mut failures = 0;
    let mut due = Instant::now();
    while shared.wait_for_work(due) {
        due = shared.attempt(&mut failures);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_larger_of_retry_and_min_ttl() {
        let s = Duration::from_secs;
        let pauses: Vec<u64> = (1..=8).map(|n| backoff(s(5), s(60), n).as_secs()).collect();
        assert_eq!(pauses, [5, 10, 20, 40, 60, 60, 60, 60]);
        assert_eq!(backoff(s(90), s(60), 3), s(90));
        assert_eq!(backoff(s(1), s(3600), u32::MAX), s(3600));
    }
}
