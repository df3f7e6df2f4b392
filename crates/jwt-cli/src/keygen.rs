//! `jwtkit keygen`: a new key, its `kid` set to its RFC 7638 thumbprint.

use std::path::{Path, PathBuf};

use jwt_crypto::{Algorithm, Header, Key, KeySpec};
use serde_json::{Map, Value};

use crate::error::{CliError, Result};
use crate::output::{note, print, write_new_file};

const EXAMPLES: &str = "\
Examples:
  jwtkit keygen p256 --out signing.pem          # signing.pem (private), signing.pub.pem (public)
  jwtkit keygen ed25519 > signing.pem           # private key only; its public half is inside
  jwtkit keygen p384 --jwk --out signing.jwk    # signing.jwk (private), signing.pub.jwk (public)
  jwtkit keygen hmac --out secret.txt           # HS256/384/512 secret
  jwtkit keygen hmac --jwk                      # the secret as an `oct` JWK
  jwtkit keygen rsa --bits 3072 --out rs.pem    # RS*/PS* (needs the aws-lc-rs backend)

An HMAC secret is 86 random base64url characters (512 bits), so it is text that fits an
environment variable or a config file, and long enough for HS512; the file holds the secret
itself. Private key files are created readable by their owner only, and never overwrite.
RSA, P-521 and secp256k1 keys need a build on the aws-lc-rs backend; with ring, make RSA
keys with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.";

/// Generate a key: PEM (or a secret for HMAC) by default, or a JWK.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The kind of key.
    #[arg(value_enum)]
    kind: Kind,
    /// The RSA modulus size: 2048, 3072 or 4096.
    #[arg(long, default_value_t = 2048, value_name = "BITS")]
    bits: usize,
    /// Write a JWK (with `kid` and `alg`) instead of PEM.
    #[arg(long)]
    jwk: bool,
    /// Write the key to FILE, and the public key beside it (FILE.pub, or NAME.pub.EXT).
    /// Default: the private key to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// An HMAC secret for HS256, HS384 and HS512.
    Hmac,
    /// An Ed25519 key for EdDSA.
    Ed25519,
    /// An EC P-256 key for ES256.
    P256,
    /// An EC P-384 key for ES384.
    P384,
    /// An EC P-521 key for ES512.
    P521,
    /// An EC secp256k1 key for ES256K (RFC 8812).
    Secp256k1,
    /// An RSA key (see --bits) for RS256/384/512 and PS256/384/512.
    Rsa,
}

pub fn run(args: Args) -> Result<()> {
    let generated = match args.kind {
        Kind::Hmac => random_secret_text()
            .and_then(|text| Ok((Key::from_secret(text.as_bytes())?, Some(text)))),
        Kind::Ed25519 => Key::generate(KeySpec::Ed25519).map(|key| (key, None)),
        Kind::P256 => Key::generate(KeySpec::EcP256).map(|key| (key, None)),
        Kind::P384 => Key::generate(KeySpec::EcP384).map(|key| (key, None)),
        Kind::P521 => Key::generate(KeySpec::EcP521).map(|key| (key, None)),
        Kind::Secp256k1 => Key::generate(KeySpec::EcSecp256k1).map(|key| (key, None)),
        Kind::Rsa => Key::generate(KeySpec::Rsa { bits: args.bits }).map(|key| (key, None)),
    };
    let (key, secret) =
        generated.map_err(|err| CliError::failed(format!("cannot generate a key: {err}")))?;
    let kid = key.thumbprint();
    let key = key.with_key_id(kid.clone());
    let failed = |err: jwt_crypto::Error| CliError::failed(format!("cannot export the key: {err}"));

    let is_hmac = secret.is_some();
    let (private, public) = if args.jwk {
        let alg = single_alg(&key);
        let private = jwk_text(key.to_private_jwk().map_err(failed)?.into_map(), alg);
        let public = if is_hmac {
            None
        } else {
            Some(jwk_text(key.to_public_jwk().map_err(failed)?, alg))
        };
        (private, public)
    } else if let Some(secret) = secret {
        (secret, None)
    } else {
        let pem = key.to_pkcs8_pem().map_err(failed)?;
        let private = String::clone(&pem);
        (private, Some(key.to_public_pem().map_err(failed)?))
    };

    let Some(out) = &args.out else {
        return print(&with_newline(private));
    };
    // A secret file holds exactly the secret; the loader would drop a final newline anyway.
    let private = if is_hmac && !args.jwk {
        private
    } else {
        with_newline(private)
    };
    let public_path = public_path(out);
    if public.is_some() && public_path.exists() {
        // Checked first so that a refusal leaves no half-written pair behind.
        return Err(CliError::usage(format!(
            "{} already exists; jwtkit never overwrites a key file",
            public_path.display()
        )));
    }
    write_new_file(out, private.as_bytes(), true)?;
    let mut summary = format!("wrote {}", out.display());
    if let Some(public) = public {
        write_new_file(&public_path, with_newline(public).as_bytes(), false)?;
        summary.push_str(&format!(
            " (private) and {} (public)",
            public_path.display()
        ));
    }
    note(&format!("{summary}; kid {kid}"));
    Ok(())
}

/// A random HMAC secret as text: 64 random bytes, base64url-encoded (the `k` of a new key's
/// JWK). The text itself is the secret.
fn random_secret_text() -> std::result::Result<String, jwt_crypto::Error> {
    match Key::generate(Algorithm::HS512)?
        .to_private_jwk()?
        .remove("k")
    {
        Some(Value::String(k)) => Ok(k),
        _ => Err(jwt_crypto::Error::InvalidKey(
            "the HMAC key's JWK has no \"k\"".to_owned(),
        )),
    }
}

/// The algorithm a key of this family signs with, when there is only one.
fn single_alg(key: &Key) -> Option<Algorithm> {
    Header::for_key(key).ok().map(|header| header.alg)
}

fn jwk_text(mut jwk: Map<String, Value>, alg: Option<Algorithm>) -> String {
    if let Some(alg) = alg {
        jwk.entry("alg").or_insert(alg.as_str().into());
    }
    jwk.entry("use").or_insert("sig".into());
    format!("{:#}", Value::Object(jwk))
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Where the public key goes: `key.pem` → `key.pub.pem`, `key` → `key.pub`.
fn public_path(out: &Path) -> PathBuf {
    match (out.file_stem(), out.extension()) {
        (Some(stem), Some(ext)) => {
            let mut name = stem.to_os_string();
            name.push(".pub.");
            name.push(ext);
            out.with_file_name(name)
        }
        _ => {
            let mut name = out.as_os_str().to_os_string();
            name.push(".pub");
            PathBuf::from(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_keys_go_beside_the_private_ones() {
        assert_eq!(public_path(Path::new("k.pem")), Path::new("k.pub.pem"));
        assert_eq!(
            public_path(Path::new("dir/k.jwk")),
            Path::new("dir/k.pub.jwk")
        );
        assert_eq!(public_path(Path::new("dir/key")), Path::new("dir/key.pub"));
    }

    #[test]
    fn hmac_secrets_are_text_long_enough_for_hs512() {
        let text = random_secret_text().unwrap();
        assert_eq!(text.len(), 86);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(text, random_secret_text().unwrap());
    }
}
