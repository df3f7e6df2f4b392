//! Reading what the user hands over: files or standard input (`-`), and tokens pasted in any
//! of the shapes they turn up in.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use crate::error::{CliError, Result};

/// The bytes of `path`, or of standard input when it is `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|err| CliError::usage(format!("cannot read standard input: {err}")))?;
        return Ok(bytes);
    }
    fs::read(path).map_err(|err| CliError::usage(format!("cannot read {}: {err}", path.display())))
}

/// The text of `path` (or standard input), which must be UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|_| CliError::usage(format!("{} is not UTF-8 text", describe(path))))
}

/// `path` as messages name it.
pub fn describe(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The token from the argument, or from standard input when the argument is `-` or absent,
/// unwrapped from an `Authorization: Bearer ...` line or quotes.
pub fn read_token(arg: Option<&str>) -> Result<String> {
    let text = match arg {
        Some(token) if token != "-" => token.to_owned(),
        _ => {
            if arg.is_none() && io::stdin().is_terminal() {
                return Err(CliError::usage(
                    "no token: pass it as an argument, or pipe it in (`-` reads standard input)",
                ));
            }
            read_text(Path::new("-"))?
        }
    };
    let token = unwrap_token(&text);
    if token.is_empty() {
        return Err(CliError::usage("no token: the input is empty"));
    }
    Ok(token.to_owned())
}

/// Strips what surrounds a token when it is copied from a request or a config file:
/// whitespace, an `Authorization:` header name, the `Bearer` scheme, and quotes.
pub fn unwrap_token(text: &str) -> &str {
    let mut token = text.trim();
    if let Some(rest) = strip_prefix_ignore_case(token, "authorization:") {
        token = rest.trim_start();
    }
    if let Some(rest) = strip_prefix_ignore_case(token, "bearer") {
        if rest.starts_with(char::is_whitespace) {
            token = rest.trim_start();
        }
    }
    for quote in ['"', '\''] {
        if let Some(inner) = token
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            token = inner.trim();
        }
    }
    token
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::unwrap_token;

    #[test]
    fn tokens_are_unwrapped_from_what_surrounds_them() {
        for text in [
            "a.b.c",
            "  a.b.c\n",
            "Authorization: Bearer a.b.c\r\n",
            "authorization:bearer   a.b.c",
            "Bearer a.b.c",
            "\"a.b.c\"",
            "'a.b.c'\n",
        ] {
            assert_eq!(unwrap_token(text), "a.b.c", "{text:?}");
        }
        // A token that merely starts with the letters is left alone.
        assert_eq!(unwrap_token("bearerx.y.z"), "bearerx.y.z");
        assert_eq!(unwrap_token("Authorizé"), "Authorizé");
    }
}
