//! The workload behind jwtkit's benchmarks, and every contender ready to run it.
//!
//! One typical token — header `{alg, typ, kid}`, claims `{sub, name, iat, exp, iss, aud}` plus
//! a roles array, about 300 bytes before the signature — is encoded and decoded+validated
//! (`exp`, `iss` and `aud` checked) by jwtkit, jsonwebtoken 10 (aws-lc-rs), jsonwebtoken 9
//! (ring), jwt-simple, and the floor: the crypto backend alone with keys parsed once,
//! base64url and one serde_json parse ([`floor`]). Every contender is set up once (keys
//! parsed, validation built) and then called through the same boxed closure, so the benches
//! compare the calls and nothing else. Every decoder is checked at setup to return the claims
//! that were encoded, and every encoder to produce a token jwtkit accepts.
//!
//! jwt-crypto's backend is a cargo feature, `ring` (the default) or `aws-lc-rs`, exactly one
//! per build, so this crate is built once per backend: jwtkit and the floor run on the
//! backend of the build ([`BACKEND`]), the peers on their own crypto in both builds.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub mod floor;
mod peers;

/// The issuer every token names and every decoder expects.
pub const ISSUER: &str = "https://login.example.com";
/// The audience every token names and every decoder expects.
pub const AUDIENCE: &str = "orders-api";
/// The key identifier every encoder writes.
pub const KEY_ID: &str = "2026-05-a";
/// `iat`: a fixed instant in the past (2026-01-01).
pub const ISSUED_AT: i64 = 1_767_225_600;
/// `exp`: a fixed instant far ahead (2100-01-01), so tokens stay valid.
pub const EXPIRES: i64 = 4_102_444_800;
/// The HS256 secret: 32 bytes, as RFC 7518 §3.2 asks.
pub const HMAC_SECRET: &[u8; 32] = b"bench-secret-0123456789abcdefghi";

/// The claims of the typical token, decoded into a typed struct as a service would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub name: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub roles: Vec<String>,
}

/// The typical claims.
pub fn claims() -> Claims {
    Claims {
        sub: "user-7f3a9c21".to_owned(),
        name: "Ada Lovelace".to_owned(),
        iat: ISSUED_AT,
        exp: EXPIRES,
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        roles: vec![
            "orders:read".to_owned(),
            "orders:write".to_owned(),
            "billing:read".to_owned(),
        ],
    }
}

/// Heap allocations the typed [`Claims`] own: four strings, the roles vector and its three
/// strings. A decoder can do no better than this (plus what it hands back besides).
pub const CLAIMS_OWN_ALLOCATIONS: usize = 8;

/// The crypto backend jwtkit and the floor run on in this build: `"ring"` or `"aws-lc-rs"`.
#[cfg(feature = "ring")]
pub const BACKEND: &str = "ring";
/// The crypto backend jwtkit and the floor run on in this build: `"ring"` or `"aws-lc-rs"`.
#[cfg(not(feature = "ring"))]
pub const BACKEND: &str = "aws-lc-rs";

/// The algorithms benchmarked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    HS256,
    RS256,
    PS256,
    ES256,
    ES384,
    /// P-521: aws-lc-rs only.
    ES512,
    /// secp256k1 (RFC 8812): aws-lc-rs only.
    ES256K,
    EdDSA,
}

impl Alg {
    pub const ALL: [Alg; 8] = [
        Alg::HS256,
        Alg::RS256,
        Alg::PS256,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::ES256K,
        Alg::EdDSA,
    ];

    /// The algorithms this build's backend implements, in [`Alg::ALL`]'s order.
    pub fn available() -> Vec<Alg> {
        Alg::ALL
            .into_iter()
            .filter(|alg| jwt_crypto::supported_algorithms().contains(&alg.jwtkit()))
            .collect()
    }

    /// The algorithm named `name` (JOSE spelling).
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|alg| alg.name() == name)
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::RS256 => "RS256",
            Alg::PS256 => "PS256",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::ES256K => "ES256K",
            Alg::EdDSA => "EdDSA",
        }
    }

    pub fn jwtkit(self) -> jwt_crypto::Algorithm {
        use jwt_crypto::Algorithm as A;
        match self {
            Alg::HS256 => A::HS256,
            Alg::RS256 => A::RS256,
            Alg::PS256 => A::PS256,
            Alg::ES256 => A::ES256,
            Alg::ES384 => A::ES384,
            Alg::ES512 => A::ES512,
            Alg::ES256K => A::ES256K,
            Alg::EdDSA => A::EdDSA,
        }
    }

    /// The fixture (under jwt-crypto's test data) holding the private key.
    fn fixture(self) -> Option<&'static str> {
        match self {
            Alg::HS256 => None,
            Alg::RS256 | Alg::PS256 => Some("rsa2048"),
            Alg::ES256 => Some("ecp256"),
            Alg::ES384 => Some("ecp384"),
            Alg::ES512 => Some("ecp521"),
            Alg::ES256K => Some("secp256k1"),
            Alg::EdDSA => Some("ed25519"),
        }
    }
}

/// The key material of one algorithm, as text, the way each library wants to load it.
#[derive(Debug, Clone)]
pub struct KeyMaterial {
    pub alg: Alg,
    /// PKCS#8 PEM of the private key (absent for HMAC).
    pub private_pem: String,
    /// SubjectPublicKeyInfo PEM of the public key (absent for HMAC).
    pub public_pem: String,
}

impl KeyMaterial {
    pub fn load(alg: Alg) -> KeyMaterial {
        let read = |name: String| {
            let path = data_dir().join(&name);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
        };
        match alg.fixture() {
            None => KeyMaterial {
                alg,
                private_pem: String::new(),
                public_pem: String::new(),
            },
            Some(stem) => KeyMaterial {
                alg,
                private_pem: read(format!("{stem}.pkcs8.pem")),
                public_pem: read(format!("{stem}.spki.pem")),
            },
        }
    }

    /// The DER inside the private key's PEM.
    pub fn private_der(&self) -> Vec<u8> {
        pem_body(&self.private_pem)
    }
}

/// The base64 body of a one-block PEM, decoded.
fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM body is base64")
}

/// jwt-crypto's key fixtures, shared with its tests.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/jwt-crypto/tests/data")
}

/// A token encoder, set up once.
pub type Encode = Box<dyn Fn() -> String + Send + Sync>;
/// A token decoder+validator, set up once, returning the typed claims.
pub type Decode = Box<dyn Fn(&str) -> Claims + Send + Sync>;

/// One library's encode and decode for one algorithm.
pub struct Contender {
    /// A short identifier, used as criterion's function id.
    pub id: &'static str,
    pub encode: Encode,
    pub decode: Decode,
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contender").field("id", &self.id).finish()
    }
}

/// jwtkit's contender: keys parsed once, one shared `Validation`.
pub fn jwtkit(keys: &KeyMaterial) -> Contender {
    let (signing, verifying) = jwtkit_keys(keys);
    let header = jwt_crypto::Header::new(keys.alg.jwtkit());
    let validation = jwtkit_validation(keys.alg);
    let claims = claims();
    Contender {
        id: "jwtkit",
        encode: Box::new(move || {
            jwt_crypto::encode(&header, &claims, &signing).expect("jwtkit encodes")
        }),
        decode: Box::new(move |token| {
            jwt_crypto::decode::<Claims>(token, &verifying, &validation)
                .expect("jwtkit decodes")
                .claims
        }),
    }
}

/// jwtkit's signing key (with [`KEY_ID`]) and verifying key (the public one).
pub fn jwtkit_keys(keys: &KeyMaterial) -> (jwt_crypto::Key, jwt_crypto::Key) {
    let signing = match keys.alg {
        Alg::HS256 => jwt_crypto::Key::from_secret(HMAC_SECRET),
        _ => jwt_crypto::Key::from_pem(&keys.private_pem),
    }
    .expect("jwtkit loads the signing key")
    .with_key_id(KEY_ID);
    let verifying = match keys.alg {
        Alg::HS256 => jwt_crypto::Key::from_secret(HMAC_SECRET),
        _ => jwt_crypto::Key::from_pem(&keys.public_pem),
    }
    .expect("jwtkit loads the verifying key");
    (signing, verifying)
}

/// The validation every jwtkit decode uses: the one algorithm, `iss` and `aud` expected, `exp`
/// required and checked (the default).
pub fn jwtkit_validation(alg: Alg) -> jwt_crypto::Validation {
    jwt_crypto::Validation::new([alg.jwtkit()])
        .issuer([ISSUER])
        .audience([AUDIENCE])
}

/// The typical token, as jwtkit encodes it. For ES256K, with a low `s` (at most half the group
/// order): RFC 8812 accepts either, but jwt-simple (the `k256` crate) refuses a high `s`, and
/// ECDSA signatures are random, so without this its decode would fail on every other token.
/// A high `s` is replaced by n − `s` (an equally valid signature), not signed again, so the
/// setup costs the same in every run (the callgrind counts subtract it).
pub fn token(keys: &KeyMaterial) -> String {
    let token = (jwtkit(keys).encode)();
    if keys.alg == Alg::ES256K {
        low_s(&token)
    } else {
        token
    }
}

/// `token` (ES256K, `r || s`) with `s` replaced by n − `s` when `s` > n / 2.
fn low_s(token: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    /// secp256k1's group order n, and n / 2.
    const ORDER: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    const HALF_ORDER: [u8; 32] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b,
        0x20, 0xa0,
    ];
    let (input, signature) = token.rsplit_once('.').expect("a JWS");
    let mut sig = B64.decode(signature).expect("base64url signature");
    assert_eq!(sig.len(), 64, "an ES256K signature is r || s");
    if sig[32..] <= HALF_ORDER[..] {
        return token.to_owned();
    }
    // n − s, big-endian, with borrow.
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut digit = i16::from(ORDER[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(digit < 0);
        if digit < 0 {
            digit += 256;
        }
        sig[32 + i] = digit as u8;
    }
    format!("{input}.{}", B64.encode(sig))
}

/// The peers' ids, in the order the reports list them.
pub const PEERS: [&str; 3] = ["jsonwebtoken10", "jsonwebtoken9", "jwt-simple"];

/// The contender named `id`, unchecked (for profiling one of them alone); `None` for an
/// unknown id or a peer without `keys.alg`.
pub fn contender(keys: &KeyMaterial, id: &str) -> Option<Contender> {
    match id {
        "jwtkit" => Some(jwtkit(keys)),
        "floor" => Some(floor::contender(keys)),
        "jsonwebtoken10" => peers::jsonwebtoken10(keys),
        "jsonwebtoken9" => peers::jsonwebtoken9(keys),
        "jwt-simple" => peers::jwt_simple(keys),
        _ => None,
    }
}

/// Every contender for `alg`, in the order the reports list them: jwtkit, the floor, then the
/// peers named in `peers` that have `alg`. Each one's decoder is checked against the jwtkit
/// token, and each one's token against jwtkit's decoder.
pub fn contenders(keys: &KeyMaterial, peers: &[&str]) -> Vec<Contender> {
    let mut all = vec![jwtkit(keys), floor::contender(keys)];
    all.extend(
        PEERS
            .iter()
            .filter(|id| peers.contains(id))
            .filter_map(|id| contender(keys, id)),
    );
    let reference = jwtkit(keys);
    let token = token(keys);
    for contender in &all {
        assert_eq!(
            (contender.decode)(&token),
            claims(),
            "{} decodes the {} token",
            contender.id,
            keys.alg.name()
        );
        let theirs = (contender.encode)();
        assert_eq!(
            (reference.decode)(&theirs),
            claims(),
            "{}'s {} token verifies with jwtkit",
            contender.id,
            keys.alg.name()
        );
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contender_agrees_on_every_algorithm() {
        for alg in Alg::available() {
            let keys = KeyMaterial::load(alg);
            let token = token(&keys);
            let len = token.rsplit_once('.').map_or(0, |(input, _)| input.len());
            assert!((250..=350).contains(&len), "{len}-byte signing input");
            let expected = match alg {
                // jsonwebtoken has neither; jwt-simple has ES256K.
                Alg::ES512 => 2,
                Alg::ES256K => 3,
                _ => 5,
            };
            assert_eq!(contenders(&keys, &PEERS).len(), expected, "{}", alg.name());
        }
    }

    #[test]
    fn an_es256k_token_always_has_a_low_s() {
        if !Alg::available().contains(&Alg::ES256K) {
            return;
        }
        let keys = KeyMaterial::load(Alg::ES256K);
        let simple = peers::jwt_simple(&keys).expect("jwt-simple has ES256K");
        for _ in 0..16 {
            let token = token(&keys);
            assert_eq!((jwtkit(&keys).decode)(&token), claims());
            assert_eq!((simple.decode)(&token), claims());
        }
    }

    #[test]
    fn the_backend_decides_the_algorithms() {
        let extra = Alg::available().contains(&Alg::ES512);
        assert_eq!(extra, BACKEND == "aws-lc-rs");
    }
}
