//! `jwtkit jwk`: a key file as a JWK, with its RFC 7638 thumbprint as `kid`.

use std::path::PathBuf;

use jwt_crypto::KeyFamily;
use serde_json::{Value, json};

use crate::error::{CliError, Result};
use crate::input::describe;
use crate::keys::load_key;
use crate::output::print;

const EXAMPLES: &str = "\
Examples:
  jwtkit jwk signing.pem                      # the public JWK, kid = its thumbprint
  jwtkit jwk signing.pem --set > jwks.json    # a JWK set to publish or to verify with
  jwtkit jwk signing.pub.der --thumbprint     # the RFC 7638 thumbprint alone
  jwtkit jwk signing.pem --private            # private members included: keep it secret
  jwtkit jwk secret.txt --private             # an HMAC secret as an `oct` JWK

The input is any key file `--key` takes: PEM, DER, a JWK, or an HMAC secret. An HMAC secret has
no public part, so it needs --private.";

/// Convert a key file to a JWK (public part by default).
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The key file (PEM, DER, JWK or HMAC secret).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Include the private members (`d`, or `k` for HMAC).
    #[arg(long)]
    private: bool,
    /// The `kid` to set. Default: the key's own `kid` (from a JWK), else its thumbprint.
    #[arg(long, value_name = "ID")]
    kid: Option<String>,
    /// Wrap the JWK in a JWK set: `{"keys": [...]}`.
    #[arg(long, conflicts_with = "thumbprint")]
    set: bool,
    /// Print only the RFC 7638 thumbprint (SHA-256, base64url).
    #[arg(long)]
    thumbprint: bool,
}

pub fn run(args: Args) -> Result<()> {
    let key = load_key(&args.file)?;
    let thumbprint = key.thumbprint();
    if args.thumbprint {
        return print(&format!("{thumbprint}\n"));
    }
    let kid = args
        .kid
        .or_else(|| key.key_id().map(str::to_owned))
        .unwrap_or(thumbprint);
    let key = key.with_key_id(kid);
    let exported = match (args.private, key.family()) {
        (true, _) => key.to_private_jwk().map(jwt_crypto::PrivateJwk::into_map),
        (false, KeyFamily::Hmac) => {
            return Err(CliError::usage(format!(
                "{} is an HMAC secret, which has no public part; use --private (and keep the output secret)",
                describe(&args.file)
            )));
        }
        (false, _) => key.to_public_jwk(),
    };
    let jwk =
        exported.map_err(|err| CliError::usage(format!("{}: {err}", describe(&args.file))))?;
    let out = if args.set {
        json!({ "keys": [jwk] })
    } else {
        Value::Object(jwk)
    };
    print(&format!("{out:#}\n"))
}
