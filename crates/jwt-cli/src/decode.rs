//! `jwtkit decode`: shows what a token says, without verifying anything.

use jwt_crypto::NumericDate;
use jwt_crypto::dangerous::{decode_claims_json_unverified, decode_header_json_unverified};
use serde_json::{Map, Value, json};

use crate::error::{CliError, Result};
use crate::input::read_token;
use crate::output::{Style, print};
use crate::time::{relative, rfc3339};

const EXAMPLES: &str = "\
Examples:
  jwtkit decode eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln
  jwtkit decode 'Authorization: Bearer eyJhbGciOi...'
  pbpaste | jwtkit decode
  jwtkit decode --json \"$TOKEN\" | jq .claims.sub

Nothing is verified: not the signature, not the claims. Use `jwtkit verify` before trusting a
token. Any token is shown, even `alg: none`.";

/// Show a token's header and claims, unverified.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The token, an `Authorization: Bearer` line, or `-` for standard input (the default).
    #[arg(value_name = "TOKEN")]
    token: Option<String>,
    /// Machine-readable output: one JSON object with header, claims, signature and dates.
    #[arg(long)]
    json: bool,
}

/// The claims holding NumericDates: RFC 7519's, and OpenID Connect's `auth_time`.
const DATE_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

pub fn run(args: Args) -> Result<()> {
    let token = read_token(args.token.as_deref())?;
    let unreadable = |err: jwt_crypto::Error| CliError::failed(err.to_string());
    let header = decode_header_json_unverified(&token).map_err(unreadable)?;
    let claims = decode_claims_json_unverified(&token).map_err(unreadable)?;
    let signature = token.rsplit_once('.').map_or("", |(_, sig)| sig);
    let now = NumericDate::now().as_secs();

    if args.json {
        let dates: Map<String, Value> = DATE_CLAIMS
            .iter()
            .filter_map(|name| {
                let secs = numeric_date(claims.get(*name)?)?;
                let entry = json!({
                    "rfc3339": rfc3339(secs),
                    "relative": describe_date(name, secs, now).0,
                });
                Some(((*name).to_owned(), entry))
            })
            .collect();
        let out = json!({
            "verified": false,
            "header": header,
            "claims": claims,
            "signature": signature,
            "dates": dates,
        });
        return print(&format!("{out:#}\n"));
    }

    let style = Style::for_stdout();
    let mut out = String::new();
    out.push_str(
        &style.warning(
            "UNVERIFIED: nothing below is checked; use `jwtkit verify` before trusting it",
        ),
    );
    out.push_str("\n\n");
    out.push_str(&style.bold("Header"));
    out.push('\n');
    out.push_str(&render(&header, |_, _| None));
    out.push_str("\n\n");
    out.push_str(&style.bold("Claims"));
    out.push('\n');
    out.push_str(&render(&claims, |name, value| {
        annotate(name, value, now, style)
    }));
    out.push_str("\n\n");
    out.push_str(&style.bold("Signature"));
    // Base64url without padding: each character carries 6 bits.
    let bytes = signature.len() * 3 / 4;
    out.push_str(&format!(
        "\n{bytes} bytes, {}\n",
        style.warning("not verified")
    ));
    print(&out)
}

/// A NumericDate claim's value in whole seconds, if it is a number that fits.
fn numeric_date(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let secs = value.as_f64()?.floor();
        // Casts saturate; refuse values the cast would clamp.
        (secs.is_finite() && secs.abs() < 9.0e18).then_some(secs as i64)
    })
}

/// What a date claim means relative to now, and whether that is a problem for the token.
fn describe_date(name: &str, secs: i64, now: i64) -> (String, bool) {
    let when = relative(secs, now);
    match name {
        "exp" if now >= secs => (format!("expired {when}"), true),
        "exp" => (format!("expires {when}"), false),
        "nbf" if secs > now => (format!("becomes valid {when}"), true),
        "nbf" => (format!("valid since {when}"), false),
        "iat" if secs > now => (format!("issued {when}, in the future"), true),
        "iat" => (format!("issued {when}"), false),
        _ => (when, false),
    }
}

fn annotate(name: &str, value: &Value, now: i64, style: Style) -> Option<String> {
    if !DATE_CLAIMS.contains(&name) {
        return None;
    }
    let Some(secs) = numeric_date(value) else {
        return Some(style.bad("not a NumericDate: verification refuses this token"));
    };
    let (meaning, problem) = describe_date(name, secs, now);
    let meaning = if problem {
        style.bad(&meaning)
    } else if name == "exp" {
        style.good(&meaning)
    } else {
        meaning
    };
    Some(format!("{}, {meaning}", style.dim(&rfc3339(secs))))
}

/// A JSON object pretty-printed, with a `// note` after any member `note` has one for.
fn render(object: &Map<String, Value>, note: impl Fn(&str, &Value) -> Option<String>) -> String {
    if object.is_empty() {
        return "{}".to_owned();
    }
    let mut out = String::from("{\n");
    let last = object.len() - 1;
    for (index, (name, value)) in object.iter().enumerate() {
        let pretty = format!("{value:#}").replace('\n', "\n  ");
        let comma = if index == last { "" } else { "," };
        out.push_str(&format!(
            "  {}: {pretty}{comma}",
            Value::from(name.as_str())
        ));
        if let Some(note) = note(name, value) {
            out.push_str(&format!("  // {note}"));
        }
        out.push('\n');
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_relative_to_now() {
        let now = 1_000_000;
        assert_eq!(
            describe_date("exp", now + 14 * 60 + 30, now),
            ("expires in 14 min".to_owned(), false)
        );
        assert_eq!(
            describe_date("exp", now - 3 * 3_600, now),
            ("expired 3 h ago".to_owned(), true)
        );
        assert!(describe_date("nbf", now + 60, now).1);
        assert!(!describe_date("iat", now - 60, now).1);
    }

    #[test]
    fn objects_render_with_notes_and_nesting() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"a":1,"b":{"c":[true]}}"#).unwrap();
        let text = render(&object, |name, _| (name == "a").then(|| "one".to_owned()));
        assert_eq!(
            text,
            "{\n  \"a\": 1,  // one\n  \"b\": {\n    \"c\": [\n      true\n    ]\n  }\n}"
        );
        assert_eq!(render(&Map::new(), |_, _| None), "{}");
    }

    #[test]
    fn numeric_dates_accept_numbers_only() {
        assert_eq!(numeric_date(&json!(12)), Some(12));
        assert_eq!(numeric_date(&json!(12.9)), Some(12));
        assert_eq!(numeric_date(&json!("12")), None);
        assert_eq!(numeric_date(&json!(1e300)), None);
    }
}
