//! A stand-in identity provider on loopback, for the C suite's JWK set client test.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jwt_crypto::Key;

use crate::run::workspace_root;

/// A stand-in identity provider for the JWK set client's C test: plain HTTP on loopback (which
/// jwt-jwks allows), one thread per connection, serving the test EC key's public JWK under
/// `kid` "k1" at `/jwks.json`, an OpenID Connect discovery document naming itself as issuer at
/// `/.well-known/openid-configuration` (and at `/other/...`, where it names the wrong issuer),
/// and at `/rotating/TAG/jwks.json` "k1" alone the first time each TAG is asked for, "k1" and
/// "k2" after that. It runs until xtask exits.
pub struct Idp {
    base: String,
    down: String,
    key: PathBuf,
}

impl Idp {
    pub fn start() -> Result<Idp, String> {
        let key = workspace_root().join("crates/jwt-crypto/tests/data/ecp256.pkcs8.pem");
        let pem =
            std::fs::read_to_string(&key).map_err(|err| format!("{}: {err}", key.display()))?;
        let signing = Key::from_pem(&pem).map_err(|err| err.to_string())?;
        let jwk = |kid: &str| {
            signing
                .clone()
                .with_key_id(kid)
                .to_public_jwk()
                .map(serde_json::Value::Object)
                .map_err(|err| err.to_string())
        };
        let one = serde_json::json!({ "keys": [jwk("k1")?] }).to_string();
        let two = serde_json::json!({ "keys": [jwk("k1")?, jwk("k2")?] }).to_string();
        let bind = || {
            TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| Ok((format!("http://{}", listener.local_addr()?), listener)))
                .map_err(|err| format!("binding a loopback port: {err}"))
        };
        let (base, listener) = bind()?;
        // Bound, then closed: nothing listens there.
        let (down, _) = bind()?;
        let discovery = serde_json::json!({
            "issuer": base, "jwks_uri": format!("{base}/jwks.json"),
        })
        .to_string();
        let seen = Arc::new(Mutex::new(HashSet::new()));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (one, two, discovery) = (one.clone(), two.clone(), discovery.clone());
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    let path = request_path(&stream).unwrap_or_default();
                    let body = match path.as_str() {
                        "/jwks.json" => Some(one),
                        "/.well-known/openid-configuration"
                        | "/other/.well-known/openid-configuration" => Some(discovery),
                        rotating
                            if rotating.starts_with("/rotating/")
                                && rotating.ends_with("/jwks.json") =>
                        {
                            let first = seen
                                .lock()
                                .map(|mut seen| seen.insert(path.clone()))
                                .unwrap_or(false);
                            Some(if first { one } else { two })
                        }
                        _ => None,
                    };
                    let _ = respond(stream, body.as_deref());
                });
            }
        });
        println!("==> a stand-in identity provider at {base} (and none at {down})");
        Ok(Idp { base, down, key })
    }

    /// Tells the test program where the provider is.
    pub fn configure(&self, command: &mut Command) {
        command
            .env("JWTKIT_TEST_IDP", &self.base)
            .env("JWTKIT_TEST_IDP_DOWN", &self.down)
            .env("JWTKIT_TEST_IDP_KEY", &self.key);
    }
}

/// The path of the HTTP request on `stream`, once its head has been read.
fn request_path(stream: &TcpStream) -> std::io::Result<String> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header = String::new();
    while reader.read_line(&mut header)? > 0 && header.trim_end() != "" {
        header.clear();
    }
    Ok(request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned())
}

/// Answers with `body` as JSON (cacheable for 5 minutes), or 404 without one.
fn respond(mut stream: TcpStream, body: Option<&str>) -> std::io::Result<()> {
    let (status, body) = match body {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", "{}"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nCache-Control: max-age=300\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}
