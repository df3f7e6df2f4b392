//! Caching, rotation, refetch coalescing and stale-if-error, against a loopback provider.

mod support;

use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use jwt_crypto::{ErrorKind, KeySource};
use jwt_jwks::{Error, FetchErrorKind, JwksClient, JwksClientBuilder};
use serde_json::{Map, Value};
use support::{Idp, Reply, eventually, jwks, signing_key, token, validation};

const PATH: &str = "/jwks.json";
const READY: Duration = Duration::from_secs(10);

fn decode(client: &JwksClient, token: &str) -> Result<String, jwt_crypto::Error> {
    let verified = client.decode::<Map<String, Value>>(token, &validation())?;
    Ok(verified.claims["sub"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

#[test]
fn decode_through_the_key_source_seam() {
    let idp = Idp::start();
    let k1 = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&k1])));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    // No wait_ready: the first verification waits for the first fetch.
    let keys = client.keys();
    let verified =
        jwt_crypto::decode::<Map<String, Value>>(&token(&k1, "ada"), &keys, &validation()).unwrap();
    assert_eq!(verified.claims["sub"], "ada");
    assert_eq!(client.keys().key_set().map(|set| set.keys().len()), Some(1));
    assert_eq!(idp.hits(PATH), 1);
    assert_eq!(decode(&client, &token(&k1, "bob")).unwrap(), "bob");
    assert_eq!(idp.hits(PATH), 1, "a cached set is not fetched again");
    let status = client.status();
    assert_eq!(status.jwks_url.as_deref(), Some(idp.url(PATH).as_str()));
    assert!(status.fresh && status.last_error.is_none() && status.attempts == 1);
}

#[test]
fn waiting_without_a_deadline_does_not_overflow() {
    let idp = Idp::start();
    idp.set(PATH, Reply::json(jwks(&[&signing_key("k1")])));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(Duration::MAX).unwrap();
    assert_eq!(idp.hits(PATH), 1);
}

#[test]
fn key_rotation_is_picked_up_on_an_unknown_kid() {
    let idp = Idp::start();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    idp.set(PATH, Reply::json(jwks(&[&k1])).max_age(3600));
    let client = JwksClientBuilder::jwks_url(idp.url(PATH))
        .refetch_interval(Duration::from_secs(1))
        .build()
        .unwrap();
    client.wait_ready(READY).unwrap();
    // The provider rotates: k2 is published and signs from now on.
    idp.set(PATH, Reply::json(jwks(&[&k1, &k2])).max_age(3600));
    assert_eq!(decode(&client, &token(&k2, "ada")).unwrap(), "ada");
    assert_eq!(idp.hits(PATH), 2, "one refetch for the new kid");
    assert_eq!(decode(&client, &token(&k1, "old")).unwrap(), "old");

    // A kid the provider never published: within the interval no refetch at all...
    let k3 = signing_key("k3");
    let error = decode(&client, &token(&k3, "eve")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound, "{error}");
    assert!(error.is_rejection());
    assert_eq!(idp.hits(PATH), 2, "the refetch interval refuses the demand");
    // ...and after it, one refetch per interval.
    thread::sleep(Duration::from_millis(1100));
    let error = decode(&client, &token(&k3, "eve")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    assert_eq!(idp.hits(PATH), 3);
}

/// Runs `verify` on 1,000 threads released at once.
fn thousand_at_once<T: Send>(verify: impl Fn() -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(1000);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..1000)
            .map(|_| {
                thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(scope, || {
                        barrier.wait();
                        verify()
                    })
                    .unwrap()
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn a_thousand_concurrent_verifications_with_a_new_kid_cause_one_fetch() {
    let idp = Idp::start();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    idp.set(PATH, Reply::json(jwks(&[&k1])).max_age(3600));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(READY).unwrap();
    // A slow answer, so every verification arrives while the refetch is under way.
    idp.set(
        PATH,
        Reply::json(jwks(&[&k1, &k2]))
            .max_age(3600)
            .delay(Duration::from_millis(300)),
    );
    let token = token(&k2, "ada");
    let results = thousand_at_once(|| decode(&client, &token));
    assert!(results.iter().all(|r| r.as_deref() == Ok("ada")));
    assert_eq!(
        idp.hits(PATH),
        2,
        "the initial fetch and exactly one refetch"
    );
}

#[test]
fn a_thousand_concurrent_verifications_with_an_unknown_kid_cause_one_fetch() {
    let idp = Idp::start();
    let k1 = signing_key("k1");
    idp.set(
        PATH,
        Reply::json(jwks(&[&k1]))
            .max_age(3600)
            .delay(Duration::from_millis(100)),
    );
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(READY).unwrap();
    let token = token(&signing_key("nobody"), "eve");
    let results = thousand_at_once(|| decode(&client, &token).map_err(|e| e.kind()));
    assert!(results.iter().all(|r| *r == Err(ErrorKind::KeyNotFound)));
    assert_eq!(idp.hits(PATH), 2);
    // Known kids never waited for any of this.
    assert_eq!(decode(&client, &support::token(&k1, "ada")).unwrap(), "ada");
}

#[test]
fn max_age_is_honoured_within_the_configured_bounds() {
    let honoured = Idp::start();
    let capped = Idp::start();
    let raised = Idp::start();
    let key = signing_key("k1");
    honoured.set(PATH, Reply::json(jwks(&[&key])).max_age(2));
    capped.set(PATH, Reply::json(jwks(&[&key])).max_age(31_536_000));
    raised.set(
        PATH,
        Reply::json(jwks(&[&key])).header("Cache-Control", "no-store"),
    );
    let client = |idp: &Idp| {
        let client = JwksClientBuilder::jwks_url(idp.url(PATH))
            .min_ttl(Duration::from_secs(1))
            .max_ttl(Duration::from_secs(2))
            .default_ttl(Duration::from_secs(2))
            .build()
            .unwrap();
        client.wait_ready(READY).unwrap();
        client
    };
    let (honoured_client, capped_client) = (client(&honoured), client(&capped));
    let raised_client = JwksClientBuilder::jwks_url(raised.url(PATH))
        .min_ttl(Duration::from_secs(3))
        .max_ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    raised_client.wait_ready(READY).unwrap();

    thread::sleep(Duration::from_millis(800));
    for idp in [&honoured, &capped, &raised] {
        assert_eq!(idp.hits(PATH), 1, "still fresh");
    }
    // max-age=2 and a year capped to max_ttl=2 s: refetched in the background, unasked.
    assert!(eventually(Duration::from_secs(5), || honoured.hits(PATH) >= 2));
    assert!(eventually(Duration::from_secs(5), || capped.hits(PATH) >= 2));
    // no-store is raised to min_ttl=3 s: not yet refetched at ~2 s.
    assert_eq!(raised.hits(PATH), 1);
    assert!(eventually(Duration::from_secs(5), || raised.hits(PATH) >= 2));
    drop((honoured_client, capped_client, raised_client));
}

#[test]
fn an_outage_serves_the_last_good_set_for_the_stale_window_then_fails_closed() {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])).max_age(1));
    let client = JwksClientBuilder::jwks_url(idp.url(PATH))
        .min_ttl(Duration::from_secs(1))
        .stale_if_error(Duration::from_secs(2))
        .retry_interval(Duration::from_secs(1))
        .build()
        .unwrap();
    client.wait_ready(READY).unwrap();
    let ready = Instant::now();
    idp.set(PATH, Reply::status(500));
    let token = token(&key, "ada");

    // Stale (fresh for 1 s) but within the 2 s stale-if-error window: still served.
    thread::sleep(Duration::from_millis(2000).saturating_sub(ready.elapsed()));
    assert_eq!(decode(&client, &token).unwrap(), "ada");
    let status = client.status();
    assert!(!status.fresh);
    assert_eq!(
        status.last_error.map(|e| e.kind()),
        Some(FetchErrorKind::Status)
    );

    // Past the window: fail closed, with an error that is not a rejection.
    thread::sleep(Duration::from_millis(4000).saturating_sub(ready.elapsed()));
    let error = decode(&client, &token).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidKey, "{error}");
    assert!(!error.is_rejection());
    assert!(error.to_string().contains("HTTP 500"), "{error}");
    assert!(client.status().key_set.is_none());

    // The provider recovers: the retries find it.
    idp.set(PATH, Reply::json(jwks(&[&key])).max_age(60));
    assert!(eventually(Duration::from_secs(5), || decode(
        &client, &token
    )
    .is_ok()));
}

#[test]
fn an_invalid_new_set_keeps_the_last_good_one() {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(READY).unwrap();
    idp.set(PATH, Reply::json(r#"{"keys": []}"#));
    match client.refresh() {
        Err(Error::Fetch(error)) => assert_eq!(error.kind(), FetchErrorKind::InvalidKeySet),
        other => panic!("{other:?}"),
    }
    assert_eq!(decode(&client, &token(&key, "ada")).unwrap(), "ada");
}

/// A provider whose set lives one second, and a ready client that refetches it that often.
fn refetched_every_second() -> (Idp, jwt_crypto::Key, JwksClient) {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])).max_age(1));
    let client = JwksClientBuilder::jwks_url(idp.url(PATH))
        .min_ttl(Duration::from_secs(1))
        .build()
        .unwrap();
    client.wait_ready(READY).unwrap();
    (idp, key, client)
}

#[test]
fn dropping_the_client_stops_the_refresher() {
    let (idp, key, client) = refetched_every_second();
    // A clone shares the refresher; dropping one clone stops nothing.
    let clone = client.clone();
    drop(client);
    assert!(
        clone
            .decode::<Value>(&token(&key, "ada"), &validation())
            .is_ok()
    );
    assert!(eventually(Duration::from_secs(5), || idp.hits(PATH) >= 2));
    drop(clone);
    let hits = idp.hits(PATH);
    thread::sleep(Duration::from_millis(2500));
    assert!(
        idp.hits(PATH) <= hits + 1,
        "at most the fetch in flight at the drop"
    );
}

#[test]
fn closing_the_client_waits_for_the_refresher() {
    let (idp, key, client) = refetched_every_second();
    // Closing a clone that is not the last stops nothing.
    client.clone().close();
    idp.set(
        PATH,
        Reply::json(jwks(&[&key]))
            .max_age(1)
            .delay(Duration::from_secs(2)),
    );
    let hits = idp.hits(PATH);
    // The next refresh has reached the provider, whose reply takes two seconds: closing now
    // waits for it (a drop would not), and once close returns no request comes again.
    assert!(eventually(Duration::from_secs(5), || idp.hits(PATH) > hits));
    let started = Instant::now();
    client.close();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "close returned before the fetch in flight ended"
    );
    let hits = idp.hits(PATH);
    thread::sleep(Duration::from_millis(1500));
    assert_eq!(idp.hits(PATH), hits, "a request after close returned");
}

#[test]
fn a_miss_after_the_refetch_interval_does_not_wait_when_refused() {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])).max_age(3600));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(READY).unwrap();
    // The first unknown kid is refetched for; the next ones, within the interval, fail at once.
    let _ = client
        .keys()
        .select(jwt_crypto::Algorithm::EdDSA, Some("k8"));
    idp.set(
        PATH,
        Reply::json(jwks(&[&key])).delay(Duration::from_secs(3)),
    );
    let started = Instant::now();
    let unknown = client
        .keys()
        .select(jwt_crypto::Algorithm::EdDSA, Some("k9"))
        .is_err();
    assert!(unknown && started.elapsed() < Duration::from_secs(1));
    assert_eq!(idp.hits(PATH), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_verification_picks_up_a_rotation() {
    let idp = Idp::start();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    idp.set(PATH, Reply::json(jwks(&[&k1])).max_age(3600));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.ready().await.unwrap();
    idp.set(PATH, Reply::json(jwks(&[&k1, &k2])).max_age(3600));
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let client = client.clone();
            let token = token(&k2, &format!("user{n}"));
            tokio::spawn(async move {
                client
                    .decode_async::<Map<String, Value>>(&token, &validation())
                    .await
                    .map(|data| data.claims["sub"].clone())
            })
        })
        .collect();
    for (n, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap(), format!("user{n}"));
    }
    assert_eq!(idp.hits(PATH), 2);
    client.refresh_async().await.unwrap();
    assert_eq!(idp.hits(PATH), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn an_async_refetch_does_not_block_the_runtime() {
    let idp = Idp::start();
    let (k1, k2) = (signing_key("k1"), signing_key("k2"));
    idp.set(PATH, Reply::json(jwks(&[&k1])));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.ready().await.unwrap();
    idp.set(
        PATH,
        Reply::json(jwks(&[&k1, &k2])).delay(Duration::from_millis(500)),
    );
    // On this one-thread runtime, another task keeps running while the refetch is awaited.
    static DONE: AtomicBool = AtomicBool::new(false);
    static TICKS: AtomicUsize = AtomicUsize::new(0);
    let ticker = tokio::spawn(async {
        while !DONE.load(Ordering::Relaxed) {
            TICKS.fetch_add(1, Ordering::Relaxed);
            tokio::task::yield_now().await;
        }
    });
    let token = token(&k2, "ada");
    let verified = client
        .decode_async::<Map<String, Value>>(&token, &validation())
        .await
        .unwrap();
    DONE.store(true, Ordering::Relaxed);
    ticker.await.unwrap();
    assert_eq!(verified.claims["sub"], "ada");
    assert!(
        TICKS.load(Ordering::Relaxed) > 10,
        "the runtime was blocked"
    );
}
