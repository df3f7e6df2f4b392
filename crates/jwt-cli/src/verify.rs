//! `jwtkit verify`: the whole verify path, with one line naming the check that failed.

use std::path::PathBuf;
use std::time::Duration;

use jwt_crypto::dangerous::decode_claims_json_unverified;
use jwt_crypto::{Algorithm, Error, KeySource, Validation, decode_json};
use jwt_jwks::JwksClient;
use serde_json::Value;

use crate::error::{CliError, Result};
use crate::input::read_token;
use crate::keys::{ShortSecrets, load_jwks, load_key_with, parse_alg};
use crate::output::{note, print};
use crate::time::{parse_leeway, relative, rfc3339};

const EXAMPLES: &str = "\
Examples:
  jwtkit verify --key signing.pub.pem --alg ES256 \"$TOKEN\"
  jwtkit verify --jwks jwks.json --alg RS256,PS256 --iss https://login.example --aud orders -
  jwtkit verify --key secret.txt --alg HS256 --leeway 30s --require exp,sub 'Bearer eyJ...'
  jwtkit verify --jwks jwks.json --alg ES256 < token.txt
  jwtkit verify --oidc-issuer https://login.example --alg RS256 --aud orders -

On success, prints the verified claims as JSON and exits 0. On failure, prints one line naming
the check that failed (`token expired 3 min ago`, `signature does not match the key`) and exits 1.
Exit status 2 means a usage error: bad arguments, or a key file that cannot be used.

A token carrying `aud` is refused unless --aud names one of its audiences.";

/// Verify a token's signature and claims; print the claims.
#[derive(Debug, clap::Args)]
#[command(
    after_help = format!("{EXAMPLES}\n\n{}", crate::keys::KEY_FORMATS),
    group = clap::ArgGroup::new("keys").required(true).args(["key", "jwks", "jwks_url", "oidc_issuer"]),
)]
pub struct Args {
    /// The verifying key: a public key, a private key (its public half is used), a JWK or an
    /// HMAC secret (formats below).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// A JWK set (`{"keys": [...]}`); the key is chosen by the token's `kid` and `alg`.
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// The issuer's published JWK set, fetched over HTTPS (plain HTTP only to loopback).
    #[arg(long, value_name = "URL")]
    jwks_url: Option<String>,
    /// An OpenID issuer: its JWK set is found through `/.well-known/openid-configuration`,
    /// and `iss` must be this issuer unless `--iss` says otherwise.
    #[arg(long, value_name = "URL")]
    oidc_issuer: Option<String>,
    /// The algorithms to accept, comma-separated (e.g. ES256 or RS256,PS256). Required: the
    /// allow-list is what stops algorithm confusion.
    #[arg(long, value_name = "ALG[,ALG]", required = true, value_delimiter = ',', value_parser = parse_alg)]
    alg: Vec<Algorithm>,
    /// Accept only this `iss`; repeat to accept any of several.
    #[arg(long, value_name = "ISSUER")]
    iss: Vec<String>,
    /// Accept tokens whose `aud` names this audience; repeat to accept any of several.
    #[arg(long, value_name = "AUDIENCE")]
    aud: Vec<String>,
    /// Accept only this `sub`.
    #[arg(long, value_name = "SUBJECT")]
    sub: Option<String>,
    /// Tolerance for clock skew on exp, nbf and iat (e.g. 30s, 2m). Default: none.
    #[arg(long, value_name = "DURATION", value_parser = parse_leeway)]
    leeway: Option<Duration>,
    /// The claims every token must carry, comma-separated. Default: exp. `--require=`
    /// requires nothing.
    #[arg(long, value_name = "CLAIM[,CLAIM]", value_delimiter = ',')]
    require: Option<Vec<String>>,
    /// Require this header `typ` (e.g. at+jwt).
    #[arg(long, value_name = "TYPE")]
    typ: Option<String>,
    /// Accept an HMAC secret shorter than RFC 7518 allows (32 bytes for HS256), with a
    /// warning: only to check tokens someone else already issued with one. Never issue them.
    #[arg(long = "dangerous-allow-short-secret")]
    dangerous_allow_short_secret: bool,
    /// The token, an `Authorization: Bearer` line, or `-` for standard input (the default).
    #[arg(value_name = "TOKEN")]
    token: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    let remote = remote_keys(&args)?;
    let keys: Box<dyn KeySource + '_> = match (&args.key, &args.jwks, &remote) {
        (Some(path), _, _) => {
            let short = if args.dangerous_allow_short_secret {
                ShortSecrets::DangerouslyAllow
            } else {
                ShortSecrets::Refuse
            };
            Box::new(load_key_with(path, short)?)
        }
        (None, Some(path), _) => Box::new(load_jwks(path)?),
        (None, None, Some(client)) => Box::new(client.keys()),
        (None, None, None) => {
            return Err(CliError::usage(
                "give --key FILE, --jwks FILE, --jwks-url URL or --oidc-issuer URL",
            ));
        }
    };
    let token = read_token(args.token.as_deref())?;

    let mut validation = Validation::new(args.alg.iter().copied());
    if !args.iss.is_empty() {
        validation = validation.issuer(args.iss.iter().cloned());
    } else if let Some(issuer) = &args.oidc_issuer {
        // Keys discovered from an issuer verify that issuer's tokens.
        validation = validation.issuer([issuer.clone()]);
    }
    if !args.aud.is_empty() {
        validation = validation.audience(args.aud.iter().cloned());
    }
    if let Some(sub) = &args.sub {
        validation = validation.subject(sub.clone());
    }
    if let Some(leeway) = args.leeway {
        validation = validation.leeway(leeway);
    }
    if let Some(required) = &args.require {
        validation =
            validation.require_only(required.iter().filter(|name| !name.is_empty()).cloned());
    }
    if let Some(typ) = &args.typ {
        validation = validation.typ(typ.clone());
    }

    match decode_json(&token, keys.as_ref(), &validation) {
        Ok(data) => print(&format!("{:#}\n", Value::Object(data.claims))),
        Err(err) => Err(CliError::failed(explain(&err, &token, &args))),
    }
}

/// How long `verify` waits for an issuer's keys before giving up.
const FETCH_WAIT: Duration = Duration::from_secs(20);

/// The remote key source `--jwks-url` or `--oidc-issuer` names, with its first fetch done
/// (a failed fetch is reported as such, not as a refused token), warning about keys the set
/// had to skip.
fn remote_keys(args: &Args) -> Result<Option<JwksClient>> {
    let client = match (&args.jwks_url, &args.oidc_issuer) {
        (Some(url), _) => JwksClient::from_jwks_url(url),
        (None, Some(issuer)) => JwksClient::from_issuer(issuer),
        (None, None) => return Ok(None),
    }
    .map_err(|err| CliError::usage(err.to_string()))?;
    client
        .wait_ready(FETCH_WAIT)
        .map_err(|err| CliError::failed(format!("cannot get the issuer's keys: {err}")))?;
    if let Some(set) = client.keys().key_set() {
        for skipped in set.skipped() {
            note(&format!("warning: the issuer's JWK set: skipped {skipped}"));
        }
    }
    Ok(Some(client))
}

/// One line naming the failed check. Times are said relative to now; a refused audience is
/// named (the claims are authentic by then: the signature is checked before any claim).
fn explain(err: &Error, token: &str, args: &Args) -> String {
    let leeway = match args.leeway {
        Some(leeway) if !leeway.is_zero() => format!(", leeway {} s", leeway.as_secs()),
        _ => String::new(),
    };
    match err {
        Error::Expired { exp, now } => format!(
            "token expired {} (exp {}{leeway})",
            relative(*exp, *now),
            rfc3339(*exp)
        ),
        Error::NotYetValid { nbf, now } => format!(
            "token not valid yet: it becomes valid {} (nbf {}{leeway})",
            relative(*nbf, *now),
            rfc3339(*nbf)
        ),
        Error::InvalidIssuedAt { iat, now } => format!(
            "token issued in the future ({}, iat {}{leeway})",
            relative(*iat, *now),
            rfc3339(*iat)
        ),
        Error::InvalidAudience(_) => {
            explain_audience(token, &args.aud).unwrap_or_else(|| err.to_string())
        }
        _ => err.to_string(),
    }
}

fn explain_audience(token: &str, expected: &[String]) -> Option<String> {
    let claims = decode_claims_json_unverified(token).ok()?;
    let named = match claims.get("aud")? {
        Value::Array(items) => items
            .iter()
            .map(|item| item.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let expected = match expected {
        [] => "no --aud given".to_owned(),
        list => format!(
            "expected {}",
            list.iter()
                .map(|aud| Value::from(aud.as_str()).to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    Some(format!("audience {named} not accepted ({expected})"))
}
