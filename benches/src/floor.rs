//! The floor: the least any JWT library must do, written directly on the crypto backend of
//! the build — ring (feature `ring`, the default) or aws-lc-rs (feature `aws-lc-rs`), the same
//! backend jwtkit runs on in that build.
//!
//! Keys are parsed once. Encoding serializes the claims with serde_json, base64url-encodes a
//! header prepared once and the claims, and signs. Decoding splits the token, base64url-decodes
//! the three segments, verifies, parses the claims into the typed struct with serde_json and
//! compares `exp`, `iss` and `aud`. No allow-list, no duplicate-member check, no error
//! messages: a library cannot be cheaper than this and still be a JWT library.
//!
//! ring has no parsed RSA or ECDSA public-key type for verification, so on ring
//! `UnparsedPublicKey` reads the key bytes on every call here too, as it does inside jwtkit.
//! aws-lc-rs has one (`ParsedPublicKey`), which the floor and jwtkit both use.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

#[cfg(not(feature = "ring"))]
use aws_lc_rs as crypto;
#[cfg(feature = "ring")]
use ring as crypto;

use crypto::hmac;
use crypto::rand::SystemRandom;
use crypto::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

use crate::{AUDIENCE, Alg, Claims, Contender, HMAC_SECRET, ISSUER, KEY_ID, KeyMaterial, claims};

/// A public key ready to verify: on ring its bytes and algorithm (ring parses them on every
/// verification), on aws-lc-rs a key parsed once.
#[cfg(feature = "ring")]
pub struct Verifier {
    params: &'static dyn signature::VerificationAlgorithm,
    public: Vec<u8>,
}

#[cfg(feature = "ring")]
impl Verifier {
    fn new(params: &'static dyn signature::VerificationAlgorithm, public: &[u8]) -> Verifier {
        Verifier {
            params,
            public: public.to_vec(),
        }
    }

    fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(self.params, &self.public)
            .verify(input, signature)
            .is_ok()
    }
}

/// A public key ready to verify: on ring its bytes and algorithm (ring parses them on every
/// verification), on aws-lc-rs a key parsed once.
#[cfg(not(feature = "ring"))]
pub struct Verifier(signature::ParsedPublicKey);

#[cfg(not(feature = "ring"))]
impl Verifier {
    fn new(params: &'static dyn signature::VerificationAlgorithm, public: &[u8]) -> Verifier {
        Verifier(signature::ParsedPublicKey::new(params, public).expect("aws-lc-rs parses the key"))
    }

    fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(input, signature).is_ok()
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier")
    }
}

/// A key parsed once, for signing and for verifying.
#[allow(
    clippy::large_enum_variant,
    reason = "made once per benchmark; boxing would add an indirection to the floor's calls"
)]
pub enum FloorKey {
    Hmac(hmac::Key),
    Rsa {
        pair: RsaKeyPair,
        padding: &'static dyn signature::RsaEncoding,
        verifier: Verifier,
    },
    Ecdsa {
        pair: EcdsaKeyPair,
        verifier: Verifier,
    },
    Ed25519 {
        pair: Ed25519KeyPair,
        verifier: Verifier,
    },
}

impl std::fmt::Debug for FloorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FloorKey::Hmac(_) => "FloorKey::Hmac",
            FloorKey::Rsa { .. } => "FloorKey::Rsa",
            FloorKey::Ecdsa { .. } => "FloorKey::Ecdsa",
            FloorKey::Ed25519 { .. } => "FloorKey::Ed25519",
        })
    }
}

/// An ECDSA key pair from PKCS#8 (ring asks for a random generator to check it, aws-lc-rs
/// does not).
fn ecdsa_pair(signing: &'static signature::EcdsaSigningAlgorithm, der: &[u8]) -> EcdsaKeyPair {
    #[cfg(feature = "ring")]
    let pair = EcdsaKeyPair::from_pkcs8(signing, der, &SystemRandom::new());
    #[cfg(not(feature = "ring"))]
    let pair = EcdsaKeyPair::from_pkcs8(signing, der);
    pair.expect("ECDSA PKCS#8")
}

impl FloorKey {
    pub fn new(keys: &KeyMaterial) -> FloorKey {
        let der = keys.private_der();
        let ecdsa = |signing, params| {
            let pair = ecdsa_pair(signing, &der);
            let verifier = Verifier::new(params, pair.public_key().as_ref());
            FloorKey::Ecdsa { pair, verifier }
        };
        let rsa = |padding, params| {
            let pair = RsaKeyPair::from_pkcs8(&der).expect("RSA PKCS#8");
            let verifier = Verifier::new(params, pair.public_key().as_ref());
            FloorKey::Rsa {
                pair,
                padding,
                verifier,
            }
        };
        match keys.alg {
            Alg::HS256 => FloorKey::Hmac(hmac::Key::new(hmac::HMAC_SHA256, HMAC_SECRET)),
            Alg::RS256 => rsa(
                &signature::RSA_PKCS1_SHA256,
                &signature::RSA_PKCS1_2048_8192_SHA256,
            ),
            Alg::PS256 => rsa(
                &signature::RSA_PSS_SHA256,
                &signature::RSA_PSS_2048_8192_SHA256,
            ),
            Alg::ES256 => ecdsa(
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                &signature::ECDSA_P256_SHA256_FIXED,
            ),
            Alg::ES384 => ecdsa(
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                &signature::ECDSA_P384_SHA384_FIXED,
            ),
            #[cfg(not(feature = "ring"))]
            Alg::ES512 => ecdsa(
                &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                &signature::ECDSA_P521_SHA512_FIXED,
            ),
            #[cfg(not(feature = "ring"))]
            Alg::ES256K => ecdsa(
                &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
                &signature::ECDSA_P256K1_SHA256_FIXED,
            ),
            #[cfg(feature = "ring")]
            Alg::ES512 | Alg::ES256K => panic!("ring has no {}", keys.alg.name()),
            Alg::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).expect("Ed25519");
                let verifier = Verifier::new(&signature::ED25519, pair.public_key().as_ref());
                FloorKey::Ed25519 { pair, verifier }
            }
        }
    }

    /// Signs `input` into a stack buffer; returns it and the signature's length.
    pub fn sign(&self, rng: &SystemRandom, input: &[u8]) -> ([u8; 512], usize) {
        let mut buffer = [0; 512];
        let len = match self {
            FloorKey::Hmac(key) => copy(&mut buffer, hmac::sign(key, input).as_ref()),
            FloorKey::Rsa { pair, padding, .. } => {
                #[cfg(feature = "ring")]
                let len = pair.public().modulus_len();
                #[cfg(not(feature = "ring"))]
                let len = pair.public_modulus_len();
                pair.sign(*padding, rng, input, &mut buffer[..len])
                    .expect("RSA signs");
                len
            }
            FloorKey::Ecdsa { pair, .. } => copy(
                &mut buffer,
                pair.sign(rng, input).expect("ECDSA signs").as_ref(),
            ),
            FloorKey::Ed25519 { pair, .. } => copy(&mut buffer, pair.sign(input).as_ref()),
        };
        (buffer, len)
    }

    /// Whether `signature` is valid over `input`.
    pub fn verify(&self, input: &[u8], signature: &[u8]) -> bool {
        match self {
            FloorKey::Hmac(key) => hmac::verify(key, input, signature).is_ok(),
            FloorKey::Rsa { verifier, .. }
            | FloorKey::Ecdsa { verifier, .. }
            | FloorKey::Ed25519 { verifier, .. } => verifier.verify(input, signature),
        }
    }
}

/// The floor's encode: serde_json, base64url, one signature.
pub fn encode(key: &FloorKey, rng: &SystemRandom, header_json: &[u8], claims: &Claims) -> String {
    let payload = serde_json::to_vec(claims).expect("claims serialize");
    let mut token = String::with_capacity((header_json.len() + payload.len()) * 4 / 3 + 700);
    B64.encode_string(header_json, &mut token);
    token.push('.');
    B64.encode_string(&payload, &mut token);
    let (signature, len) = key.sign(rng, token.as_bytes());
    token.push('.');
    B64.encode_string(&signature[..len], &mut token);
    token
}

fn copy(buffer: &mut [u8; 512], bytes: &[u8]) -> usize {
    buffer[..bytes.len()].copy_from_slice(bytes);
    bytes.len()
}

/// The floor's decode+validate: split, base64url, verify, one typed parse, three compares.
pub fn decode(key: &FloorKey, token: &str, now: i64) -> Option<Claims> {
    let (input, signature) = token.rsplit_once('.')?;
    let (header, payload) = input.split_once('.')?;
    let _header = B64.decode(header).ok()?;
    let signature = B64.decode(signature).ok()?;
    if !key.verify(input.as_bytes(), &signature) {
        return None;
    }
    let payload = B64.decode(payload).ok()?;
    let claims: Claims = serde_json::from_slice(&payload).ok()?;
    (claims.exp > now && claims.iss == ISSUER && claims.aud == AUDIENCE).then_some(claims)
}

pub fn contender(keys: &KeyMaterial) -> Contender {
    let key = std::sync::Arc::new(FloorKey::new(keys));
    let verifying = std::sync::Arc::clone(&key);
    let rng = SystemRandom::new();
    let header_json = format!(
        r#"{{"alg":"{}","typ":"JWT","kid":"{KEY_ID}"}}"#,
        keys.alg.name()
    )
    .into_bytes();
    let claims = claims();
    Contender {
        id: "floor",
        encode: Box::new(move || encode(&key, &rng, &header_json, &claims)),
        decode: Box::new(move |token| {
            let now = jwt_crypto::NumericDate::now().as_secs();
            decode(&verifying, token, now).expect("the floor decodes")
        }),
    }
}
