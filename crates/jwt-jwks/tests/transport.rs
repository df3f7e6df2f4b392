//! The transport rules against a loopback provider: failures, deadlines, size cap, redirects,
//! discovery, TLS and the URL policy.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use jwt_crypto::ErrorKind;
use jwt_jwks::{Error, FetchError, FetchErrorKind, JwksClient, JwksClientBuilder};
use serde_json::{Value, json};
use support::{Idp, Reply, jwks, signing_key, token, validation};

const PATH: &str = "/jwks.json";
const DISCOVERY: &str = "/.well-known/openid-configuration";

/// Builds a client with short deadlines and returns the first fetch's error.
fn first_fetch_error(builder: JwksClientBuilder) -> FetchError {
    let client = builder
        .connect_timeout(Duration::from_millis(500))
        .fetch_timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    match client.wait_ready(Duration::from_secs(10)) {
        Err(Error::Fetch(error)) => error,
        other => panic!("expected a fetch error, got {other:?}"),
    }
}

fn fetch_error(idp: &Idp, reply: Reply) -> FetchError {
    idp.set(PATH, reply);
    first_fetch_error(JwksClientBuilder::jwks_url(idp.url(PATH)))
}

#[test]
fn configured_headers_are_sent() {
    let idp = Idp::start();
    idp.set(PATH, Reply::json(jwks(&[&signing_key("k1")])));
    let client = JwksClientBuilder::jwks_url(idp.url(PATH))
        .header("X-Api-Key", "secret-1")
        .build()
        .unwrap();
    client.wait_ready(Duration::from_secs(10)).unwrap();
    let head = idp.last_request(PATH);
    assert!(head.starts_with("get /jwks.json http/1.1"), "{head}");
    assert!(head.contains("x-api-key: secret-1"), "{head}");
    assert!(head.contains("user-agent: jwtkit-jwks/"), "{head}");
    assert!(head.contains("accept: application/jwk-set+json"), "{head}");
}

#[test]
fn the_handles_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<JwksClient>();
    send_sync::<jwt_jwks::Keys>();
    send_sync::<Error>();
}

#[test]
fn an_idp_that_is_down_fails_the_fetch_and_closes_verification() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}{PATH}");
    let error = first_fetch_error(JwksClientBuilder::jwks_url(&url));
    assert_eq!(error.kind(), FetchErrorKind::Connect, "{error}");
    assert_eq!(error.url(), url);

    // Verification fails closed, as an outage: not a rejection of the token.
    let client = JwksClient::from_jwks_url(&url).unwrap();
    let verdict = client.decode::<Value>(&token(&signing_key("k1"), "ada"), &validation());
    let verdict = verdict.unwrap_err();
    assert_eq!(verdict.kind(), ErrorKind::InvalidKey, "{verdict}");
    assert!(!verdict.is_rejection());
}

#[test]
fn a_slow_idp_is_cut_off_at_the_deadline() {
    let idp = Idp::start();
    let started = Instant::now();
    let error = fetch_error(
        &idp,
        Reply::json(jwks(&[&signing_key("k1")])).delay(Duration::from_secs(5)),
    );
    assert_eq!(error.kind(), FetchErrorKind::Timeout, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_error_status_fails_the_fetch() {
    let idp = Idp::start();
    let error = fetch_error(&idp, Reply::status(500));
    assert_eq!(error.kind(), FetchErrorKind::Status);
    assert!(error.message().contains("HTTP 500"), "{error}");
    let error = fetch_error(&idp, Reply::status(204));
    assert_eq!(error.kind(), FetchErrorKind::Status);
}

#[test]
fn a_ten_mib_body_is_refused() {
    let idp = Idp::start();
    let huge = vec![b' '; 10 * 1024 * 1024];
    let error = fetch_error(&idp, Reply::json("").body(huge.clone()));
    assert_eq!(error.kind(), FetchErrorKind::TooLarge, "{error}");
    // Without a Content-Length the cap stops the read.
    let error = fetch_error(&idp, Reply::json("").body(huge).without_length());
    assert_eq!(error.kind(), FetchErrorKind::TooLarge, "{error}");
    // The cap is an option: a set just under it passes, just over it does not.
    let set = jwks(&[&signing_key("k1")]);
    idp.set(PATH, Reply::json(set.clone()));
    let fits = JwksClientBuilder::jwks_url(idp.url(PATH))
        .max_response_size(set.len().max(1024))
        .build()
        .unwrap();
    fits.wait_ready(Duration::from_secs(10)).unwrap();
    // Trailing whitespace keeps the JSON valid: the same set, padded past a 1 KiB cap.
    idp.set(PATH, Reply::json(format!("{set}{}", " ".repeat(2048))));
    let padded_fits = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    padded_fits.wait_ready(Duration::from_secs(10)).unwrap();
    let error =
        first_fetch_error(JwksClientBuilder::jwks_url(idp.url(PATH)).max_response_size(1024));
    assert_eq!(error.kind(), FetchErrorKind::TooLarge, "{error}");
}

#[test]
fn documents_that_are_not_usable_key_sets_are_refused() {
    let idp = Idp::start();
    let public = signing_key("k1").to_public_jwk().unwrap();
    let secret = jwt_crypto::Key::generate(jwt_crypto::Algorithm::HS256)
        .unwrap()
        .to_private_jwk()
        .unwrap();
    for (body, why) in [
        ("{\"keys\": [".to_owned(), "JSON"),
        ("not json".to_owned(), "JSON"),
        ("[]".to_owned(), "JSON object"),
        (r#"{"keys": []}"#.to_owned(), "no key usable"),
        (r#"{"keys": [{"kty": "RSA"}]}"#.to_owned(), "no key usable"),
        (
            json!({"keys": [public, secret]}).to_string(),
            "mixes secret",
        ),
        // A secret alone is a leaked secret too: anyone who fetched it could sign HS256.
        (
            json!({"keys": [secret]}).to_string(),
            "secret (\"oct\") key",
        ),
        (
            json!({"keys": [public, public]})
                .to_string()
                .replace("\"keys\"", "\"keys\":[],\"keys\""),
            "unique",
        ),
    ] {
        let error = fetch_error(&idp, Reply::json(body.clone()));
        assert_eq!(
            error.kind(),
            FetchErrorKind::InvalidKeySet,
            "{body}: {error}"
        );
        assert!(error.message().contains(why), "{body}: {error}");
    }
    let error = fetch_error(&idp, Reply::json("").body(vec![0xff, 0xfe]));
    assert_eq!(error.kind(), FetchErrorKind::InvalidResponse, "{error}");
}

#[test]
fn redirects_are_followed_only_within_the_origin() {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set("/real", Reply::json(jwks(&[&key])));

    // Same origin: followed.
    idp.set(PATH, Reply::redirect("/real"));
    let client = JwksClient::from_jwks_url(&idp.url(PATH)).unwrap();
    client.wait_ready(Duration::from_secs(10)).unwrap();
    assert_eq!(
        client
            .decode::<Value>(&token(&key, "ada"), &validation())
            .unwrap()
            .claims["sub"],
        "ada"
    );

    // Another host (localhost is not 127.0.0.1), even on the same port: refused, not fetched.
    let before = idp.hits("/real");
    let other = format!("http://localhost:{}/real", idp.port());
    let error = fetch_error(&idp, Reply::redirect(&other));
    assert_eq!(error.kind(), FetchErrorKind::Redirect, "{error}");
    assert!(error.message().contains("another origin"), "{error}");
    assert_eq!(idp.hits("/real"), before);

    // Another scheme, a loop, no Location.
    for location in [
        format!("https://127.0.0.1:{}/real", idp.port()),
        PATH.to_owned(),
        String::new(),
    ] {
        let error = fetch_error(&idp, Reply::redirect(&location));
        assert_eq!(
            error.kind(),
            FetchErrorKind::Redirect,
            "{location}: {error}"
        );
    }
}

fn discovery(issuer: &str, jwks_uri: &str) -> Reply {
    Reply::json(json!({ "issuer": issuer, "jwks_uri": jwks_uri }).to_string())
}

#[test]
fn discovery_finds_the_key_set_of_the_configured_issuer() {
    let idp = Idp::start();
    let key = signing_key("k1");
    let issuer = idp.url("/tenant");
    idp.set(
        &format!("/tenant{DISCOVERY}"),
        discovery(&issuer, &idp.url("/tenant/keys")),
    );
    idp.set("/tenant/keys", Reply::json(jwks(&[&key])));
    let client = JwksClient::from_issuer(&issuer).unwrap();
    assert_eq!(client.issuer(), Some(issuer.as_str()));
    client.wait_ready(Duration::from_secs(10)).unwrap();
    assert_eq!(
        client.status().jwks_url.as_deref(),
        Some(idp.url("/tenant/keys").as_str())
    );
    assert!(
        client
            .decode::<Value>(&token(&key, "ada"), &validation())
            .is_ok()
    );
}

#[test]
fn discovery_with_a_mismatched_issuer_is_refused() {
    let idp = Idp::start();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])));
    let issuer = idp.url("");
    for named in [
        format!("{issuer}/"),
        "https://login.example".to_owned(),
        issuer.to_uppercase(),
    ] {
        idp.set(DISCOVERY, discovery(&named, &idp.url(PATH)));
        let error = first_fetch_error(JwksClientBuilder::issuer(&issuer));
        assert_eq!(
            error.kind(),
            FetchErrorKind::IssuerMismatch,
            "{named}: {error}"
        );
    }
    assert_eq!(
        idp.hits(PATH),
        0,
        "no key set is read for a mismatched issuer"
    );

    // A second "issuer" member cannot smuggle the expected one in.
    let duplicated = format!(
        r#"{{"issuer": "https://login.example", "issuer": "{issuer}", "jwks_uri": "{}"}}"#,
        idp.url(PATH)
    );
    idp.set(DISCOVERY, Reply::json(duplicated));
    let error = first_fetch_error(JwksClientBuilder::issuer(&issuer));
    assert_eq!(error.kind(), FetchErrorKind::InvalidResponse, "{error}");

    for document in [
        json!({ "issuer": issuer }),
        json!({ "issuer": issuer, "jwks_uri": 7 }),
    ] {
        idp.set(DISCOVERY, Reply::json(document.to_string()));
        let error = first_fetch_error(JwksClientBuilder::issuer(&issuer));
        assert_eq!(error.kind(), FetchErrorKind::InvalidResponse, "{error}");
        assert!(error.message().contains("jwks_uri"), "{error}");
    }
    idp.set(DISCOVERY, discovery(&issuer, "http://keys.example/jwks"));
    let error = first_fetch_error(JwksClientBuilder::issuer(&issuer));
    assert!(error.message().contains("loopback"), "{error}");
}

#[test]
fn plain_http_to_a_host_that_is_not_loopback_is_refused_at_construction() {
    for builder in [
        JwksClientBuilder::jwks_url("http://login.example/jwks.json"),
        JwksClientBuilder::jwks_url("http://192.0.2.1/jwks.json"),
        JwksClientBuilder::issuer("http://login.example"),
        JwksClientBuilder::jwks_url("ftp://login.example/jwks.json"),
        JwksClientBuilder::jwks_url("not a url"),
        JwksClientBuilder::jwks_url("https://user:secret@login.example/jwks.json"),
    ] {
        match builder.build() {
            Err(Error::Config(message)) => assert!(!message.is_empty()),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }
    let error = JwksClient::from_jwks_url("http://login.example/jwks.json").unwrap_err();
    assert!(error.to_string().contains("loopback"), "{error}");
    assert_eq!(
        jwt_crypto::Error::from(error).kind(),
        ErrorKind::InvalidKey,
        "a configuration error, never a rejection"
    );
}

#[test]
fn https_with_an_injected_root_is_trusted_and_otherwise_not() {
    let (idp, ca_pem) = Idp::start_tls();
    let key = signing_key("k1");
    idp.set(PATH, Reply::json(jwks(&[&key])));
    let client = JwksClientBuilder::jwks_url(idp.url(PATH))
        .root_certificates_pem(ca_pem.clone())
        .build()
        .unwrap();
    client.wait_ready(Duration::from_secs(10)).unwrap();
    assert!(
        client
            .decode::<Value>(&token(&key, "ada"), &validation())
            .is_ok()
    );

    // Mozilla's roots do not know the throwaway CA.
    let error = first_fetch_error(JwksClientBuilder::jwks_url(idp.url(PATH)));
    assert_eq!(error.kind(), FetchErrorKind::Connect, "{error}");
    assert!(
        error.message().to_lowercase().contains("certificate"),
        "{error}"
    );

    // Discovery over HTTPS, on 127.0.0.1 (an IP address SAN) this time.
    let issuer = format!("https://127.0.0.1:{}", idp.port());
    idp.set(DISCOVERY, discovery(&issuer, &idp.url(PATH)));
    let client = JwksClientBuilder::issuer(&issuer)
        .root_certificates_pem(ca_pem)
        .build()
        .unwrap();
    client.wait_ready(Duration::from_secs(10)).unwrap();
}
