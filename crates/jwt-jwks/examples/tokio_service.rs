//! A tokio service verifying tokens with keys from its identity provider.
//!
//! Run it with `cargo run -p jwt-jwks --example tokio_service`. To stay self-contained it
//! starts a stand-in identity provider on loopback (plain HTTP, which the client allows only
//! for loopback hosts); point `JwksClientBuilder::issuer` at a real one in production.
//!
//! What it shows:
//! - the client is built once and cloned into every task (clones share one cache);
//! - `ready().await` waits for the first key set without blocking a runtime thread;
//! - `verify_async` verifies from the cache with no I/O, and when a token names a `kid` the
//!   cache lacks (the provider rotated keys) it awaits the one shared refetch;
//! - a rejected token (401) and an outage (503) are told apart by `is_rejection`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jwt_crypto::{Algorithm, Header, Key, Validation, decode_json, encode};
use jwt_jwks::JwksClientBuilder;
use serde_json::{Value, json};

const ISSUER_NAME: &str = "https://login.example";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let old_key = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-10");
    let new_key = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-11");
    let published = Arc::new(Mutex::new(jwks(&[&old_key])?));
    let jwks_url = stand_in_identity_provider(Arc::clone(&published))?;

    let client = JwksClientBuilder::jwks_url(jwks_url)
        .refetch_interval(Duration::from_secs(5))
        .build()?;
    client.ready().await?;
    println!("keys ready: {:?}", client.status().jwks_url);

    // The provider rotates to a new key; tokens signed with it start arriving.
    *published.lock().map_err(|_| "poisoned")? = jwks(&[&old_key, &new_key])?;
    let validation = Arc::new(Validation::new([Algorithm::EdDSA]).issuer([ISSUER_NAME]));
    let mut requests = Vec::new();
    for n in 0..20 {
        let key = if n % 2 == 0 { &old_key } else { &new_key };
        let token = sign(key, &format!("user{n}"))?;
        let (client, validation) = (client.clone(), Arc::clone(&validation));
        requests.push(tokio::spawn(async move {
            match client
                .verify_async(|keys| decode_json(&token, keys, &validation))
                .await
            {
                Ok(verified) => format!("200 {}", verified.claims["sub"]),
                Err(error) if error.is_rejection() => format!("401 {error}"),
                Err(error) => format!("503 {error}"),
            }
        }));
    }
    for request in requests {
        println!("{}", request.await?);
    }
    let stranger = Key::generate(Algorithm::EdDSA)?.with_key_id("unknown");
    let verdict = client
        .decode_async::<Value>(&sign(&stranger, "eve")?, &validation)
        .await;
    println!("a token from an unknown key: {verdict:?}");
    println!("fetches: {}", client.status().attempts);
    Ok(())
}

fn sign(key: &Key, sub: &str) -> Result<String, jwt_crypto::Error> {
    let claims = json!({ "sub": sub, "iss": ISSUER_NAME, "exp": 4_000_000_000u64 });
    encode(&Header::new(Algorithm::EdDSA), &claims, key)
}

fn jwks(keys: &[&Key]) -> Result<String, jwt_crypto::Error> {
    let keys = keys
        .iter()
        .map(|key| key.to_public_jwk().map(Value::Object))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "keys": keys }).to_string())
}

/// Serves `published` at `/jwks.json` on a loopback port, on a plain thread; returns the URL.
fn stand_in_identity_provider(published: Arc<Mutex<String>>) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/jwks.json", listener.local_addr()?);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut line = String::new();
            let mut reader = BufReader::new(&mut stream);
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let body = published.lock().map(|set| set.clone()).unwrap_or_default();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: \
                 max-age=300\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Ok(url)
}
