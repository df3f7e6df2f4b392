//! A cached remote key set against a local `JwkSet`: what the snapshot, its atomic load and
//! the freshness check add to a verification (the bar: within 1.05×).
//!
//! `cargo bench -p jwt-jwks` runs it; criterion group `<alg>/jwks`, functions `local`
//! (`decode` with a `JwkSet`), `remote` (`decode` with `client.keys()`) and `remote_decode`
//! (`client.decode`), and `local_select` / `remote_select`: the key lookup alone, which is all
//! a remote set adds. ES256 and EdDSA are the worst cases, their checks the cheapest of the
//! public-key algorithms; HS256 has no row because a published set never holds a secret
//! (`JwkSet::from_published_json` refuses `oct` keys).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use jwt_crypto::{Algorithm, Header, JwkSet, Key, KeySource, Validation, decode, encode};
use jwt_jwks::JwksClientBuilder;
use serde_json::{Map, Value, json};

fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut line = String::new();
            let mut reader = BufReader::new(&mut stream);
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nCache-Control: max-age=3600\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn remote_vs_local(c: &mut Criterion) {
    let rsa = include_str!("../../jwt-crypto/tests/data/rsa2048.pkcs8.pem");
    let cases = [
        (Algorithm::ES256, Key::generate(Algorithm::ES256).unwrap()),
        (Algorithm::EdDSA, Key::generate(Algorithm::EdDSA).unwrap()),
        (Algorithm::RS256, Key::from_pem(rsa).unwrap()),
    ];
    for (alg, key) in cases {
        let key = key.with_key_id("bench");
        let jwk = key.to_public_jwk().unwrap();
        // A realistic set: the signing key among a few others.
        let mut keys: Vec<Value> = vec![Value::Object(jwk)];
        for n in 0..3 {
            let mut other = Key::generate(Algorithm::EdDSA)
                .unwrap()
                .to_public_jwk()
                .unwrap();
            other.insert("kid".into(), json!(format!("other{n}")));
            keys.push(Value::Object(other));
        }
        let set_json = json!({ "keys": keys }).to_string();
        let local = JwkSet::from_json(&set_json).unwrap();
        let client = JwksClientBuilder::jwks_url(serve(set_json))
            .build()
            .unwrap();
        client.wait_ready(Duration::from_secs(10)).unwrap();

        let claims =
            json!({ "sub": "ada", "iss": "https://login.example", "exp": 4_000_000_000u64 });
        let token = encode(&Header::new(alg), &claims, &key).unwrap();
        let validation = Validation::new([alg]).issuer(["https://login.example"]);
        type Claims = Map<String, Value>;

        let mut group = c.benchmark_group(format!("{alg}/jwks"));
        group.bench_function("local", |b| {
            b.iter(|| decode::<Claims>(black_box(&token), &local, &validation).unwrap());
        });
        group.bench_function("remote", |b| {
            b.iter(|| decode::<Claims>(black_box(&token), &client.keys(), &validation).unwrap());
        });
        group.bench_function("local_select", |b| {
            b.iter(|| local.select(alg, black_box(Some("bench"))).is_ok());
        });
        group.bench_function("remote_select", |b| {
            b.iter(|| client.keys().select(alg, black_box(Some("bench"))).is_ok());
        });
        group.bench_function("remote_decode", |b| {
            b.iter(|| {
                client
                    .decode::<Claims>(black_box(&token), &validation)
                    .unwrap()
            });
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = remote_vs_local
}
criterion_main!(benches);
