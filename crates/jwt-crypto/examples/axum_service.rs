//! An axum service that issues tokens at `POST /login` and verifies `Authorization: Bearer`
//! tokens at `GET /orders` against a [`JwkSet`], as an API behind a login service does.
//!
//! ```sh
//! cargo run -p jwt-crypto --example axum_service            # serves on 127.0.0.1:3000
//! curl -s -X POST localhost:3000/login -d '{"user":"ada","password":"lovelace"}'
//! curl -s localhost:3000/orders -H "Authorization: Bearer $TOKEN"
//! ```
//!
//! `--self-test` serves on a free port, makes those requests itself and exits non-zero on any
//! surprise; `cargo xtask test` runs it so the example never rots.
//!
//! The flows a jsonwebtoken user writes, here: `Key::generate` once at start-up,
//! `Header::for_key` (the key fixes EdDSA), `NumericDate::now() + Duration` for `exp`,
//! `JwkSet::from_value` on the published public keys, and `decode` with `&state.keys` straight
//! from shared state. Verification does no I/O and takes no lock, so it runs on the runtime's
//! worker threads as it is.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_crypto::{Algorithm, Header, JwkSet, Key, NumericDate, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ISSUER: &str = "https://login.example";
const AUDIENCE: &str = "orders-api";

/// What the login service puts in a token.
#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    exp: NumericDate,
    roles: Vec<String>,
}

struct AppState {
    /// The login service's signing key (in production: `Key::from_pem` of a mounted secret).
    signing: Key,
    /// The API's view: the published public JWK set (in production: fetched, e.g. with
    /// jwt-jwks's `JwksClient`, and swapped on rotation).
    keys: JwkSet,
    validation: Validation,
}

#[derive(Deserialize)]
struct Login {
    user: String,
    password: String,
}

#[derive(Serialize)]
struct Issued {
    token: String,
}

async fn login(
    State(state): State<Arc<AppState>>,
    Json(login): Json<Login>,
) -> Result<Json<Issued>, StatusCode> {
    if login.user != "ada" || login.password != "lovelace" {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let claims = Claims {
        sub: login.user,
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        exp: NumericDate::now() + Duration::from_secs(15 * 60),
        roles: vec!["orders:read".into()],
    };
    let header = Header::for_key(&state.signing).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let token =
        encode(&header, &claims, &state.signing).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(Issued { token }))
}

async fn orders(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Vec<String>>, (StatusCode, String)> {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or((
            StatusCode::UNAUTHORIZED,
            "a Bearer token is required".into(),
        ))?;
    let verified = decode::<Claims>(token, &state.keys, &state.validation).map_err(|err| {
        // Whatever the token holds is a rejection (401); anything else is ours (500).
        let status = if err.is_rejection() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        (status, err.to_string())
    })?;
    if !verified
        .claims
        .roles
        .iter()
        .any(|role| role == "orders:read")
    {
        return Err((StatusCode::FORBIDDEN, "orders:read is required".into()));
    }
    let user = verified.registered().sub.clone().unwrap_or_default();
    Ok(Json(vec![format!("order-1 for {user}")]))
}

fn app() -> Result<Router, jwt_crypto::Error> {
    let signing = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-12");
    let keys = JwkSet::from_value(&serde_json::json!({ "keys": [signing.to_public_jwk()?] }))?;
    let validation = Validation::new([Algorithm::EdDSA])
        .issuer([ISSUER])
        .audience([AUDIENCE]);
    let state = Arc::new(AppState {
        signing,
        keys,
        validation,
    });
    Ok(Router::new()
        .route("/login", post(login))
        .route("/orders", get(orders))
        .with_state(state))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let self_test = std::env::args().any(|arg| arg == "--self-test");
    let address = if self_test {
        "127.0.0.1:0"
    } else {
        "127.0.0.1:3000"
    };
    let listener = tokio::net::TcpListener::bind(address).await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(axum::serve(listener, app()?).into_future());
    if !self_test {
        println!("listening on 127.0.0.1:{port}");
        return Ok(server.await??);
    }
    let result = check(port).await;
    server.abort();
    result?;
    println!("axum_service self-test: login, orders, and 401s as expected");
    Ok(())
}

/// The requests of the module docs, made over a plain socket.
async fn check(port: u16) -> Result<(), String> {
    let (status, body) = request(
        port,
        "POST",
        "/login",
        None,
        r#"{"user":"ada","password":"x"}"#,
    )
    .await?;
    expect(status, 401, &body)?;
    let (status, body) = request(
        port,
        "POST",
        "/login",
        None,
        r#"{"user":"ada","password":"lovelace"}"#,
    )
    .await?;
    expect(status, 200, &body)?;
    let issued: serde_json::Value = serde_json::from_str(&body).map_err(|err| err.to_string())?;
    let token = issued["token"]
        .as_str()
        .ok_or("no token in the login answer")?;

    let (status, body) = request(port, "GET", "/orders", Some(token), "").await?;
    expect(status, 200, &body)?;
    if !body.contains("order-1 for ada") {
        return Err(format!("unexpected orders: {body}"));
    }
    let (status, body) = request(port, "GET", "/orders", None, "").await?;
    expect(status, 401, &body)?;
    let mut tampered = token.to_owned();
    tampered.push('A');
    let (status, body) = request(port, "GET", "/orders", Some(&tampered), "").await?;
    expect(status, 401, &body)
}

fn expect(status: u16, expected: u16, body: &str) -> Result<(), String> {
    if status == expected {
        Ok(())
    } else {
        Err(format!("status {status}, expected {expected}: {body}"))
    }
}

async fn request(
    port: u16,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> Result<(u16, String), String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|err| err.to_string())?;
    let auth = bearer.map_or(String::new(), |token| {
        format!("Authorization: Bearer {token}\r\n")
    });
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|err| err.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .map_err(|err| err.to_string())?;
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or(format!("no status line in {answer:?}"))?;
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok((status, body.to_owned()))
}
