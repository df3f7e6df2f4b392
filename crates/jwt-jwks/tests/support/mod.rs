//! A scriptable stand-in identity provider on loopback, over plain HTTP or HTTPS with a
//! throwaway CA, and the keys and tokens the tests use.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use jwt_crypto::{Algorithm, Header, Key, Validation, encode};
use serde_json::{Value, json};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    content_length: bool,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
            content_length: true,
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: b"oops".to_vec(),
            delay: Duration::ZERO,
            content_length: true,
        }
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::status(302).header("Location", location)
    }

    pub fn body(mut self, body: Vec<u8>) -> Reply {
        self.body = body;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn max_age(self, seconds: u64) -> Reply {
        self.header("Cache-Control", &format!("public, max-age={seconds}"))
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// No `Content-Length`: the body runs until the connection closes.
    pub fn without_length(mut self) -> Reply {
        self.content_length = false;
        self
    }
}

#[derive(Default)]
struct Script {
    replies: HashMap<String, Reply>,
    hits: HashMap<String, usize>,
    heads: HashMap<String, String>,
}

/// The stand-in provider. Paths without a scripted reply answer 404.
pub struct Idp {
    addr: SocketAddr,
    https: bool,
    script: Arc<Mutex<Script>>,
}

impl Idp {
    /// Plain HTTP on 127.0.0.1.
    pub fn start() -> Idp {
        Idp::spawn(None)
    }

    /// HTTPS on 127.0.0.1 with a certificate for `localhost` and `127.0.0.1` from a fresh CA.
    /// Returns the provider and the CA's PEM.
    pub fn start_tls() -> (Idp, String) {
        let (config, ca_pem) = tls_config();
        (Idp::spawn(Some(Arc::new(config))), ca_pem)
    }

    fn spawn(tls: Option<Arc<rustls::ServerConfig>>) -> Idp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(Script::default()));
        let idp = Idp {
            addr,
            https: tls.is_some(),
            script: Arc::clone(&script),
        };
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let script = Arc::clone(&script);
                let tls = tls.clone();
                thread::spawn(move || serve(stream, &script, tls));
            }
        });
        idp
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT{path}` (or `https://localhost:PORT{path}` for TLS).
    pub fn url(&self, path: &str) -> String {
        if self.https {
            format!("https://localhost:{}{path}", self.addr.port())
        } else {
            format!("http://{}{path}", self.addr)
        }
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.script
            .lock()
            .unwrap()
            .replies
            .insert(path.to_owned(), reply);
    }

    /// The request line and headers of the last request for `path`, lowercased.
    pub fn last_request(&self, path: &str) -> String {
        let script = self.script.lock().unwrap();
        script
            .heads
            .get(path)
            .cloned()
            .unwrap_or_default()
            .to_lowercase()
    }

    /// How many requests `path` has had.
    pub fn hits(&self, path: &str) -> usize {
        let script = self.script.lock().unwrap();
        script.hits.get(path).copied().unwrap_or(0)
    }
}

fn serve(stream: TcpStream, script: &Mutex<Script>, tls: Option<Arc<rustls::ServerConfig>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    match tls {
        None => respond(stream, script),
        Some(config) => {
            let connection = rustls::ServerConnection::new(config).unwrap();
            let mut tls = rustls::StreamOwned::new(connection, stream);
            respond(&mut tls, script);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    }
}

fn respond(stream: impl Read + Write, script: &Mutex<Script>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut head = request_line.clone();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push_str(&line),
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let reply = {
        let mut script = script.lock().unwrap();
        *script.hits.entry(path.clone()).or_default() += 1;
        script.heads.insert(path.clone(), head);
        script
            .replies
            .get(&path)
            .cloned()
            .unwrap_or_else(|| Reply::status(404))
    };
    thread::sleep(reply.delay);
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if reply.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    let stream = reader.get_mut();
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
}

/// A server configuration for `localhost` and `127.0.0.1`, and the PEM of the CA that signed
/// its certificate.
fn tls_config() -> (rustls::ServerConfig, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "jwtkit throwaway test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    (config, ca.pem())
}

#[cfg(feature = "ring")]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

/// An Ed25519 signing key with `kid`.
pub fn signing_key(kid: &str) -> Key {
    Key::generate(Algorithm::EdDSA).unwrap().with_key_id(kid)
}

/// The JWK set text publishing the public halves of `keys`.
pub fn jwks(keys: &[&Key]) -> String {
    let keys: Vec<Value> = keys
        .iter()
        .map(|key| Value::Object(key.to_public_jwk().unwrap()))
        .collect();
    json!({ "keys": keys }).to_string()
}

pub const ISSUER: &str = "https://login.example";

/// A token from `key` for subject `sub`, valid for a long time.
pub fn token(key: &Key, sub: &str) -> String {
    let claims = json!({ "sub": sub, "iss": ISSUER, "exp": 4_000_000_000u64 });
    encode(&Header::new(Algorithm::EdDSA), &claims, key).unwrap()
}

pub fn validation() -> Validation {
    Validation::new([Algorithm::EdDSA]).issuer([ISSUER])
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
