//! `jwtkit encode`: claims from flags and/or a JSON file, signed into a compact JWT.

use std::path::PathBuf;

use jwt_crypto::{Algorithm, ErrorKind, Header, NumericDate, encode};
use serde_json::{Map, Value};

use crate::error::{CliError, Result};
use crate::input::{describe, read_text};
use crate::keys::{default_alg, load_key, parse_alg};
use crate::output::print;
use crate::time::{When, parse_when};

const EXAMPLES: &str = "\
Examples:
  jwtkit encode --key signing.pem --sub ada --aud orders --exp 15m
  jwtkit encode --alg HS256 --key secret.txt --claim roles='[\"admin\"]' --claim admin=true
  jwtkit encode --alg RS256 --key rsa.pem --kid 2026-01 claims.json
  echo '{\"sub\":\"ada\"}' | jwtkit encode --key ed25519.pem --exp 1h -
  jwtkit encode --key signing.pem --exp=-5m      # an already expired token, for tests

Claims are merged in order: the JSON file, then --iss/--sub/--aud/--exp/--nbf, then each --claim.
`iat` is set to now unless a claim gives it.";

/// Sign claims into a JWT and print it.
#[derive(Debug, clap::Args)]
#[command(after_help = format!("{EXAMPLES}\n\n{}", crate::keys::KEY_FORMATS))]
pub struct Args {
    /// The signing key: a private key or an HMAC secret (formats below).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The algorithm. Optional for EC and Ed25519 keys and for JWKs with an `alg`; required
    /// for HMAC and RSA keys.
    #[arg(long, value_name = "ALG", value_parser = parse_alg)]
    alg: Option<Algorithm>,
    /// The header's `kid` (a JWK's own `kid` is used when this is not given). It may start
    /// with `-`, as one RFC 7638 thumbprint in 64 does.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    kid: Option<String>,
    /// The `iss` claim.
    #[arg(long, value_name = "ISSUER")]
    iss: Option<String>,
    /// The `sub` claim.
    #[arg(long, value_name = "SUBJECT")]
    sub: Option<String>,
    /// The `aud` claim; repeat it for an array of audiences.
    #[arg(long, value_name = "AUDIENCE")]
    aud: Vec<String>,
    /// `exp`: a duration from now (15m, 2h, 7d, -5m for the past) or @SECONDS since the epoch.
    #[arg(long, value_name = "WHEN", value_parser = parse_when, allow_hyphen_values = true)]
    exp: Option<When>,
    /// `nbf`: a duration from now or @SECONDS, as for --exp.
    #[arg(long, value_name = "WHEN", value_parser = parse_when, allow_hyphen_values = true)]
    nbf: Option<When>,
    /// Any claim; VALUE is taken as JSON when it parses as JSON (42, true, ["a"]), else as a
    /// string. Repeatable.
    #[arg(long = "claim", value_name = "NAME=VALUE")]
    claims: Vec<String>,
    /// An extra header member, VALUE as for --claim (e.g. --header typ=at+jwt). Repeatable.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    headers: Vec<String>,
    /// Do not set `iat`.
    #[arg(long)]
    no_iat: bool,
    /// A JSON object of claims, or `-` to read it from standard input.
    #[arg(value_name = "CLAIMS_JSON_FILE")]
    claims_file: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let key = load_key(&args.key)?;
    if !key.is_private() {
        return Err(CliError::usage(format!(
            "{} is a public key; signing needs the private key",
            describe(&args.key)
        )));
    }
    let alg = match args.alg {
        Some(alg) => alg,
        None => default_alg(&key)?,
    };

    let now = NumericDate::now().as_secs();
    let mut claims = match &args.claims_file {
        Some(path) => parse_object(&read_text(path)?, &describe(path))?,
        None => Map::new(),
    };
    let mut set = |name: &str, value: Value| claims.insert(name.to_owned(), value);
    if let Some(iss) = args.iss {
        set("iss", iss.into());
    }
    if let Some(sub) = args.sub {
        set("sub", sub.into());
    }
    match <[String; 1]>::try_from(args.aud) {
        Ok([one]) => set("aud", one.into()),
        Err(many) if !many.is_empty() => set("aud", many.into()),
        Err(_) => None,
    };
    if let Some(exp) = args.exp {
        set("exp", exp.resolve(now).into());
    }
    if let Some(nbf) = args.nbf {
        set("nbf", nbf.resolve(now).into());
    }
    for pair in &args.claims {
        let (name, value) = name_value(pair, "--claim")?;
        claims.insert(name, value);
    }
    if !args.no_iat {
        claims.entry("iat").or_insert(now.into());
    }

    let mut header = Header::new(alg);
    if let Some(kid) = args.kid {
        header = header.with_kid(kid);
    }
    let mut members = Map::new();
    for pair in &args.headers {
        let (name, value) = name_value(pair, "--header")?;
        members.insert(name, value);
    }
    let header = header
        .merge(members)
        .map_err(|err| CliError::usage(format!("--header: {err}")))?;

    let token = encode(&header, &claims, &key).map_err(|err| match err.kind() {
        ErrorKind::InvalidKey | ErrorKind::AlgorithmNotAllowed | ErrorKind::Malformed => {
            CliError::usage(format!("cannot sign with {}: {err}", describe(&args.key)))
        }
        _ => CliError::failed(format!("cannot sign: {err}")),
    })?;
    print(&format!("{token}\n"))
}

fn parse_object(text: &str, source: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CliError::usage(format!(
            "{source}: the claims must be a JSON object"
        ))),
        Err(err) => Err(CliError::usage(format!("{source}: not JSON: {err}"))),
    }
}

/// `name=value`, the value typed as JSON when it parses as JSON.
fn name_value(pair: &str, flag: &str) -> Result<(String, Value)> {
    let Some((name, raw)) = pair.split_once('=').filter(|(name, _)| !name.is_empty()) else {
        return Err(CliError::usage(format!(
            "{flag} {pair:?}: expected NAME=VALUE"
        )));
    };
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
    Ok((name.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::name_value;
    use serde_json::json;

    #[test]
    fn claim_values_are_json_when_they_parse() {
        let value = |pair| name_value(pair, "--claim").unwrap().1;
        assert_eq!(value("n=42"), json!(42));
        assert_eq!(value("admin=true"), json!(true));
        assert_eq!(value("roles=[\"a\",\"b\"]"), json!(["a", "b"]));
        assert_eq!(value("s=\"42\""), json!("42"));
        assert_eq!(value("name=ada"), json!("ada"));
        assert_eq!(value("empty="), json!(""));
        assert_eq!(value("eq=a=b"), json!("a=b"));
        assert!(name_value("=x", "--claim").is_err());
        assert!(name_value("novalue", "--claim").is_err());
    }
}
