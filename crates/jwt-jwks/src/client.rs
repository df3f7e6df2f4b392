//! [`JwksClient`], the handle a service holds, and [`Keys`], the snapshot a verification uses.
//!
//! # Why a snapshot
//! jwt-crypto's [`KeySource::select`] hands out a key borrowed from the source for as long as
//! the source is borrowed. A client swaps its whole key set when it refreshes, so it cannot
//! lend a key out of itself; instead [`JwksClient::keys`] returns a [`Keys`] snapshot that
//! holds the current set (an arc-swap guard: one atomic load, no reference count written) for
//! the duration of a verification:
//! `decode(&token, &client.keys(), &validation)`. A snapshot is cheap and borrows the client;
//! take one per token.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use arc_swap::Guard;
use jwt_crypto::{Algorithm, JwkSet, KeySource, TokenData, Validation, Verifier};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::discovery::Location;
use crate::error::{Error, FetchError};
use crate::options::{JwksClientBuilder, Options};
use crate::refresh::{self, Miss, Published, Shared};

/// A remote JWK set, kept fresh by a background thread: the key source of a service that
/// verifies another service's tokens.
///
/// Cloning is cheap and every clone shares one cache, one connection pool and one refresher
/// thread; the thread stops when the last clone is dropped. `JwksClient` is `Send + Sync`.
///
/// Verifying with a cached set is a lock-free load and never waits for the network. A token
/// whose `kid` the set does not have makes the client refetch (at most once per
/// [`refetch_interval`](JwksClientBuilder::refetch_interval), concurrent ones sharing one
/// fetch), and the blocking methods wait for that refetch; see the crate documentation for
/// async services.
///
/// Errors keep their meaning: a token's unknown `kid` is [`jwt_crypto::Error::KeyNotFound`], a
/// rejection; no usable key set (the provider unreachable past the stale-if-error window) is
/// [`jwt_crypto::Error::InvalidKey`], which is not.
#[derive(Clone)]
pub struct JwksClient {
    inner: Arc<Owner>,
}

/// The one owner of the refresher: dropping it (with the last clone) stops the thread.
struct Owner {
    shared: Arc<Shared>,
    refresher: Option<JoinHandle<()>>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}

impl JwksClient {
    /// A client for the JWK set at `url`, with the default options.
    ///
    /// # Errors
    /// As [`JwksClientBuilder::build`].
    pub fn from_jwks_url(url: &str) -> Result<JwksClient, Error> {
        JwksClientBuilder::jwks_url(url).build()
    }

    /// A client for the issuer `issuer`, through OpenID Connect discovery, with the default
    /// options.
    ///
    /// # Errors
    /// As [`JwksClientBuilder::build`].
    pub fn from_issuer(issuer: &str) -> Result<JwksClient, Error> {
        JwksClientBuilder::issuer(issuer).build()
    }

    pub(crate) fn start(options: Options) -> Result<JwksClient, Error> {
        let shared = Arc::new(Shared::new(options));
        let refresher = Arc::clone(&shared);
        let refresher = std::thread::Builder::new()
            .name("jwks-refresh".to_owned())
            .spawn(move || refresh::run(refresher))
            .map_err(|e| Error::Config(format!("could not start the refresher thread: {e}")))?;
        Ok(JwksClient {
            inner: Arc::new(Owner {
                shared,
                refresher: Some(refresher),
            }),
        })
    }

    /// Drops this clone and, when it is the last, stops the refresher thread and **waits**
    /// for it to exit: after the fetch in flight, if any, so at most about twice the fetch
    /// timeout. Dropping the last clone stops the thread too, without waiting; close instead
    /// where no thread may outlive its owner (a host that unloads the library, a test that
    /// counts threads).
    pub fn close(self) {
        let Some(mut owner) = Arc::into_inner(self.inner) else {
            return;
        };
        owner.shared.shut_down();
        // The refresher holds the shared state, never a client, so it is never the thread
        // closing (which could not join itself). A panic on it was already reported.
        if let Some(refresher) = owner.refresher.take() {
            let _ = refresher.join();
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    /// A snapshot of the current key set to verify one token with, as a [`KeySource`].
    ///
    /// When the token's `kid` is not in the set, or no set is available, its `select` demands
    /// a refetch and **blocks** until it completes (at most about twice the fetch timeout; not
    /// at all when the refetch interval refuses the demand), then selects from the new set.
    /// In async code use [`JwksClient::cached_keys`] or [`JwksClient::verify_async`].
    pub fn keys(&self) -> Keys<'_> {
        Keys::new(self.shared(), true)
    }

    /// Like [`JwksClient::keys`], but `select` never blocks: a miss demands the refetch and
    /// fails at once ([`Keys::pending_refetch`] tells whether one is coming).
    pub fn cached_keys(&self) -> Keys<'_> {
        Keys::new(self.shared(), false)
    }

    /// Verifies `token` and deserializes its claims: [`jwt_crypto::decode`] with
    /// [`JwksClient::keys`]. May block on a refetch for an unknown `kid`.
    ///
    /// # Errors
    /// Any of [`jwt_crypto::decode`]'s; [`jwt_crypto::Error::KeyNotFound`] when the `kid` is
    /// still unknown after the refetch; [`jwt_crypto::Error::InvalidKey`] (not a rejection)
    /// when no key set can be served.
    pub fn decode<T: DeserializeOwned>(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<TokenData<T>, jwt_crypto::Error> {
        jwt_crypto::decode(token, &self.keys(), validation)
    }

    /// [`JwksClient::decode`] into a JSON object ([`jwt_crypto::decode_json`]).
    ///
    /// # Errors
    /// As [`JwksClient::decode`].
    pub fn decode_json(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<TokenData<Map<String, Value>>, jwt_crypto::Error> {
        jwt_crypto::decode_json(token, &self.keys(), validation)
    }

    /// [`JwksClient::decode`] returning the claims' JSON text as the token carries it
    /// ([`jwt_crypto::decode_raw`]); what the C library hands back.
    ///
    /// # Errors
    /// As [`JwksClient::decode`].
    pub fn decode_raw(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<TokenData<String>, jwt_crypto::Error> {
        jwt_crypto::decode_raw(token, &self.keys(), validation)
    }

    /// Runs `verify` with a non-blocking snapshot; if it failed on a miss that demanded a
    /// refetch, waits for that refetch without blocking the thread, and runs `verify` once more
    /// with a fresh snapshot. Works on any async runtime (no timer needed: the refresher
    /// bounds every fetch by the fetch timeout).
    ///
    /// ```no_run
    /// # async fn handler(client: &jwt_jwks::JwksClient, token: &str) -> Result<(), jwt_crypto::Error> {
    /// use jwt_crypto::{Algorithm, Validation, decode_json};
    /// let validation = Validation::new([Algorithm::RS256]).issuer(["https://login.example"]);
    /// let claims = client
    ///     .verify_async(|keys| decode_json(token, keys, &validation))
    ///     .await?
    ///     .claims;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `verify` returns the second time (or the first, when there was nothing to
    /// wait for).
    pub async fn verify_async<R>(
        &self,
        verify: impl Fn(&Keys<'_>) -> Result<R, jwt_crypto::Error>,
    ) -> Result<R, jwt_crypto::Error> {
        let (first, pending) = {
            let keys = self.cached_keys();
            (verify(&keys), keys.pending_refetch())
        };
        match (first, pending) {
            (Err(_), Some(target)) => {
                self.shared().wait_async(target).await;
                verify(&self.cached_keys())
            }
            (first, _) => first,
        }
    }

    /// [`JwksClient::decode`] for async code: [`JwksClient::verify_async`] with
    /// [`jwt_crypto::decode`].
    ///
    /// # Errors
    /// As [`JwksClient::decode`].
    pub async fn decode_async<T: DeserializeOwned>(
        &self,
        token: &str,
        validation: &Validation,
    ) -> Result<TokenData<T>, jwt_crypto::Error> {
        self.verify_async(|keys| jwt_crypto::decode(token, keys, validation))
            .await
    }

    /// Fetches the key set now, whatever the cache and the refetch interval say, and blocks
    /// until that fetch completes. A startup check, or an operator's "reload keys" command.
    ///
    /// # Errors
    /// [`Error::Fetch`] when the fetch failed (the last good set, if any, is still served);
    /// [`Error::Unavailable`] when the client is shutting down or the fetch did not complete
    /// in time.
    pub fn refresh(&self) -> Result<(), Error> {
        let shared = self.shared();
        let target = shared.force().ok_or_else(shut_down)?;
        shared.wait_blocking(target, Instant::now() + shared.wait_budget());
        outcome_of(&shared.current(), target)
    }

    /// [`JwksClient::refresh`] without blocking the thread.
    ///
    /// # Errors
    /// As [`JwksClient::refresh`].
    pub async fn refresh_async(&self) -> Result<(), Error> {
        let shared = self.shared();
        let target = shared.force().ok_or_else(shut_down)?;
        shared.wait_async(target).await;
        outcome_of(&shared.current(), target)
    }

    /// Blocks until a key set can be served, or the first fetch attempt has failed, or
    /// `timeout` has passed. Call it at startup to fail fast on a wrong URL.
    ///
    /// # Errors
    /// [`Error::Fetch`] with the first attempt's failure; [`Error::Unavailable`] on timeout.
    pub fn wait_ready(&self, timeout: Duration) -> Result<(), Error> {
        let shared = self.shared();
        // A timeout too long to add (`Duration::MAX`) means no deadline worth keeping.
        let now = Instant::now();
        let deadline = now
            .checked_add(timeout)
            .unwrap_or_else(|| now + Duration::from_secs(u64::from(u32::MAX)));
        loop {
            let published = shared.current();
            if let Some(answer) = readiness(&published) {
                return answer;
            }
            if Instant::now() >= deadline {
                return Err(published.unavailable());
            }
            shared.wait_blocking(published.attempts + 1, deadline);
        }
    }

    /// [`JwksClient::wait_ready`] without blocking the thread, and without a timeout of its
    /// own: the first attempt ends within the fetch timeout.
    ///
    /// # Errors
    /// As [`JwksClient::wait_ready`].
    pub async fn ready(&self) -> Result<(), Error> {
        let shared = self.shared();
        loop {
            let published = shared.current();
            if let Some(answer) = readiness(&published) {
                return answer;
            }
            shared.wait_async(published.attempts + 1).await;
        }
    }

    /// The issuer this client was built for, exactly as configured; `None` for a client built
    /// from a JWK set URL. Tokens should be validated against the same issuer
    /// (`Validation::issuer`): discovery proves the keys are the issuer's, not that a token
    /// claims to be from it.
    pub fn issuer(&self) -> Option<&str> {
        match &self.shared().options.location {
            Location::Issuer { issuer, .. } => Some(issuer),
            Location::JwksUrl(_) => None,
        }
    }

    /// What the client holds now: for health checks, metrics and logs.
    pub fn status(&self) -> Status {
        let published = self.shared().current();
        let now = Instant::now();
        let good = published.good.as_ref();
        Status {
            key_set: published.usable(now).map(|good| Arc::clone(&good.set)),
            jwks_url: good.map(|good| good.jwks_url.clone()),
            fetched_at: good.map(|good| good.fetched_at),
            fresh: good.is_some_and(|good| now < good.fresh_until),
            last_error: published.last_error.clone(),
            attempts: published.attempts,
        }
    }
}

impl fmt::Debug for JwksClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksClient")
            .field("source", &self.shared().options.location)
            .field("status", &self.status())
            .finish()
    }
}

fn shut_down() -> Error {
    Error::Unavailable("the client is shutting down".to_owned())
}

/// The answer to "is a set available?", once there is one.
fn readiness(published: &Published) -> Option<Result<(), Error>> {
    if published.usable(Instant::now()).is_some() {
        return Some(Ok(()));
    }
    published
        .last_error
        .clone()
        .map(|error| Err(Error::Fetch(error)))
}

fn outcome_of(published: &Published, target: u64) -> Result<(), Error> {
    if published.attempts < target {
        return Err(Error::Unavailable(
            "the refresh did not complete in time".to_owned(),
        ));
    }
    match &published.last_error {
        None => Ok(()),
        Some(error) => Err(Error::Fetch(error.clone())),
    }
}

/// What [`JwksClient::status`] reports.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Status {
    /// The set verifications use now; `None` when none can be served (fail closed).
    pub key_set: Option<Arc<JwkSet>>,
    /// Where the last good set came from (after discovery, for an issuer).
    pub jwks_url: Option<String>,
    /// When the last good set was fetched.
    pub fetched_at: Option<SystemTime>,
    /// Whether the last good set is within its freshness lifetime.
    pub fresh: bool,
    /// Why the latest fetch failed; `None` when it succeeded.
    pub last_error: Option<FetchError>,
    /// How many fetch attempts have completed.
    pub attempts: u64,
}

/// A snapshot of a client's key set for verifying one token: a [`KeySource`].
///
/// It holds the set that was current when it was taken, and at most one refreshed set: a
/// miss (unknown `kid`, or no set available) demands a refetch once. With
/// [`JwksClient::keys`] the miss waits for that refetch and selects from the new set; with
/// [`JwksClient::cached_keys`] it fails at once.
pub struct Keys<'a> {
    shared: &'a Shared,
    /// A guard rather than an `Arc` clone: loading it writes no shared reference count.
    first: Guard<Arc<Published>>,
    refreshed: OnceLock<Arc<Published>>,
    blocking: bool,
    /// The attempt a non-blocking miss demanded (0: none).
    pending: AtomicU64,
}

impl<'a> Keys<'a> {
    fn new(shared: &'a Shared, blocking: bool) -> Keys<'a> {
        Keys {
            first: shared.guard(),
            shared,
            refreshed: OnceLock::new(),
            blocking,
            pending: AtomicU64::new(0),
        }
    }

    fn latest(&self) -> &Published {
        self.refreshed.get().unwrap_or(&self.first)
    }

    /// The key set this snapshot verifies with, if one can be served.
    pub fn key_set(&self) -> Option<&JwkSet> {
        self.latest()
            .usable(Instant::now())
            .map(|good| good.set.as_ref())
    }

    /// For a non-blocking snapshot: whether a miss demanded a refetch that has not been waited
    /// for, and which attempt it is (what [`JwksClient::verify_async`] waits for).
    pub fn pending_refetch(&self) -> Option<u64> {
        Some(self.pending.load(Ordering::Acquire)).filter(|&target| target != 0)
    }
}

impl KeySource for Keys<'_> {
    fn select(
        &self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<&dyn Verifier, jwt_crypto::Error> {
        let (miss, error) = match select_from(self.latest(), alg, kid) {
            Ok(key) => return Ok(key),
            Err(miss) => miss,
        };
        let Some(miss) = miss else {
            return Err(error);
        };
        if self.refreshed.get().is_some() {
            return Err(error);
        }
        match self.shared.demand(miss) {
            Some(target) if self.blocking => self
                .shared
                .wait_blocking(target, Instant::now() + self.shared.wait_budget()),
            Some(target) => self.pending.store(target, Ordering::Release),
            None => {}
        }
        // Another verification's refetch may have brought the key since this snapshot was
        // taken, even when this demand was refused or is not waited for.
        let current = self.shared.current();
        if current.attempts == self.first.attempts {
            return Err(error);
        }
        let refreshed = self.refreshed.get_or_init(|| current);
        select_from(refreshed, alg, kid).map_err(|(_, error)| error)
    }
}

/// Selects the key from `published`, or says why not and whether a refetch could help.
fn select_from<'a>(
    published: &'a Published,
    alg: Algorithm,
    kid: Option<&str>,
) -> Result<&'a dyn Verifier, (Option<Miss>, jwt_crypto::Error)> {
    let Some(good) = published.usable(Instant::now()) else {
        return Err((Some(Miss::NoSet), published.unavailable().into()));
    };
    let set = good.set.as_ref();
    set.select_key(alg, kid)
        .map(|key| key as &dyn Verifier)
        .map_err(|error| {
            // Only a key the set does not have at all can appear with a rotation; a kid that
            // is there but refuses the alg, or is ambiguous, is the token's problem.
            let unknown = match kid {
                Some(kid) => set.find(kid).is_none(),
                None => !set.keys().iter().any(|key| key.accepts(alg)),
            };
            (unknown.then_some(Miss::UnknownKey), error)
        })
}

impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("key_set", &self.key_set())
            .field("blocking", &self.blocking)
            .field("pending_refetch", &self.pending_refetch())
            .finish_non_exhaustive()
    }
}
