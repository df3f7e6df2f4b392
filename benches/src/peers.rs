//! The peers, each used the way its documentation shows, with keys and validation made once.
//! Each is `None` for an algorithm it does not have: jsonwebtoken (9 and 10) has neither ES512
//! nor ES256K, jwt-simple has ES256K but not ES512.

use std::collections::HashSet;

use jwt_simple::prelude::{Audiences, Duration as SimpleDuration, JWTClaims, VerificationOptions};
use serde::{Deserialize, Serialize};

use crate::{AUDIENCE, Alg, Claims, Contender, HMAC_SECRET, ISSUER, KEY_ID, KeyMaterial, claims};

/// One jsonwebtoken major version as a contender; both share this shape.
macro_rules! jsonwebtoken_contender {
    ($name:ident, $krate:ident, $id:literal) => {
        pub fn $name(keys: &KeyMaterial) -> Option<Contender> {
            use $krate::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
            let (alg, encoding, decoding) = match keys.alg {
                Alg::HS256 => (
                    Algorithm::HS256,
                    Ok(EncodingKey::from_secret(HMAC_SECRET)),
                    Ok(DecodingKey::from_secret(HMAC_SECRET)),
                ),
                Alg::RS256 | Alg::PS256 => (
                    if keys.alg == Alg::RS256 {
                        Algorithm::RS256
                    } else {
                        Algorithm::PS256
                    },
                    EncodingKey::from_rsa_pem(keys.private_pem.as_bytes()),
                    DecodingKey::from_rsa_pem(keys.public_pem.as_bytes()),
                ),
                Alg::ES256 | Alg::ES384 => (
                    if keys.alg == Alg::ES256 {
                        Algorithm::ES256
                    } else {
                        Algorithm::ES384
                    },
                    EncodingKey::from_ec_pem(keys.private_pem.as_bytes()),
                    DecodingKey::from_ec_pem(keys.public_pem.as_bytes()),
                ),
                Alg::EdDSA => (
                    Algorithm::EdDSA,
                    EncodingKey::from_ed_pem(keys.private_pem.as_bytes()),
                    DecodingKey::from_ed_pem(keys.public_pem.as_bytes()),
                ),
                Alg::ES512 | Alg::ES256K => return None,
            };
            let encoding = encoding.expect(concat!($id, " loads the signing key"));
            let decoding = decoding.expect(concat!($id, " loads the verifying key"));
            let mut header = Header::new(alg);
            header.kid = Some(KEY_ID.to_owned());
            let mut validation = Validation::new(alg);
            validation.set_issuer(&[ISSUER]);
            validation.set_audience(&[AUDIENCE]);
            let claims = claims();
            Some(Contender {
                id: $id,
                encode: Box::new(move || {
                    $krate::encode(&header, &claims, &encoding).expect(concat!($id, " encodes"))
                }),
                decode: Box::new(move |token| {
                    $krate::decode::<Claims>(token, &decoding, &validation)
                        .expect(concat!($id, " decodes"))
                        .claims
                }),
            })
        }
    };
}

jsonwebtoken_contender!(jsonwebtoken10, jsonwebtoken, "jsonwebtoken10");
jsonwebtoken_contender!(jsonwebtoken9, jsonwebtoken9, "jsonwebtoken9");

/// The claims jwt-simple does not know as standard ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Custom {
    name: String,
    roles: Vec<String>,
}

fn simple_claims() -> JWTClaims<Custom> {
    let claims = claims();
    JWTClaims {
        issued_at: Some(SimpleDuration::from_secs(claims.iat as u64)),
        expires_at: Some(SimpleDuration::from_secs(claims.exp as u64)),
        invalid_before: None,
        issuer: Some(claims.iss),
        subject: Some(claims.sub),
        audiences: Some(Audiences::AsString(claims.aud)),
        jwt_id: None,
        nonce: None,
        custom: Custom {
            name: claims.name,
            roles: claims.roles,
        },
    }
}

fn from_simple(claims: JWTClaims<Custom>) -> Claims {
    let secs = |d: Option<SimpleDuration>| d.map_or(0, |d| d.as_secs() as i64);
    Claims {
        sub: claims.subject.unwrap_or_default(),
        name: claims.custom.name,
        iat: secs(claims.issued_at),
        exp: secs(claims.expires_at),
        iss: claims.issuer.unwrap_or_default(),
        aud: match claims.audiences {
            Some(Audiences::AsString(aud)) => aud,
            Some(Audiences::AsSet(set)) => set.into_iter().next().unwrap_or_default(),
            None => String::new(),
        },
        roles: claims.custom.roles,
    }
}

fn simple_options() -> VerificationOptions {
    VerificationOptions {
        allowed_issuers: Some(HashSet::from([ISSUER.to_owned()])),
        allowed_audiences: Some(HashSet::from([AUDIENCE.to_owned()])),
        ..VerificationOptions::default()
    }
}

/// jwt-simple's signature schemes share one shape: `sign(claims)` on the pair,
/// `verify_token(token, options)` on the public key.
macro_rules! simple_signature {
    ($keys:expr, $pair:ty, $public:ty) => {{
        let pair = <$pair>::from_pem(&$keys.private_pem)
            .expect("jwt-simple loads the signing key")
            .with_key_id(KEY_ID);
        let public =
            <$public>::from_pem(&$keys.public_pem).expect("jwt-simple loads the public key");
        let claims = simple_claims();
        let options = simple_options();
        Contender {
            id: "jwt-simple",
            encode: Box::new(move || pair.sign(claims.clone()).expect("jwt-simple signs")),
            decode: Box::new(move |token| {
                from_simple(
                    public
                        .verify_token::<Custom>(token, Some(options.clone()))
                        .expect("jwt-simple verifies"),
                )
            }),
        }
    }};
}

pub fn jwt_simple(keys: &KeyMaterial) -> Option<Contender> {
    use jwt_simple::prelude::*;
    Some(match keys.alg {
        Alg::HS256 => {
            let key = HS256Key::from_bytes(HMAC_SECRET).with_key_id(KEY_ID);
            let verifying = key.clone();
            let claims = simple_claims();
            let options = simple_options();
            Contender {
                id: "jwt-simple",
                encode: Box::new(move || {
                    key.authenticate(claims.clone()).expect("jwt-simple MACs")
                }),
                decode: Box::new(move |token| {
                    from_simple(
                        verifying
                            .verify_token::<Custom>(token, Some(options.clone()))
                            .expect("jwt-simple verifies"),
                    )
                }),
            }
        }
        Alg::RS256 => simple_signature!(keys, RS256KeyPair, RS256PublicKey),
        Alg::PS256 => simple_signature!(keys, PS256KeyPair, PS256PublicKey),
        Alg::ES256 => simple_signature!(keys, ES256KeyPair, ES256PublicKey),
        Alg::ES384 => simple_signature!(keys, ES384KeyPair, ES384PublicKey),
        Alg::ES256K => simple_signature!(keys, ES256kKeyPair, ES256kPublicKey),
        Alg::EdDSA => simple_signature!(keys, Ed25519KeyPair, Ed25519PublicKey),
        Alg::ES512 => return None,
    })
}
