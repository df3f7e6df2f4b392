//! Which URLs the client may fetch from: the one place the transport rules live.
//!
//! - HTTPS to any host; plain HTTP only to a loopback host (`127.0.0.0/8`, `[::1]`,
//!   `localhost`), for local development against an identity provider on the same machine.
//!   Keys fetched over plain HTTP from anywhere else could be swapped by anyone on the path.
//! - No user information and no fragment (`user:password@`) in a URL: credentials do not belong in
//!   configuration that ends up in logs and error messages.
//! - A URL learnt from the network (a discovery document's `jwks_uri`) may not be plain HTTP
//!   unless the configured URL was: an HTTPS identity provider cannot point the client at a
//!   service on the client's own loopback interface.
//! - Redirects stay within one origin (scheme, host and port).
//!
//! URLs are parsed with the `http` crate's `Uri`, which the HTTP client uses as well, so the
//! policy judges exactly what will be requested.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use ureq::http::Uri;
use ureq::http::uri::Scheme;

/// A URL that passed the policy: absolute, `http` or `https`, with a host, without user
/// information, and plain HTTP only to a loopback host.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SafeUrl {
    uri: Uri,
    text: String,
    https: bool,
    /// The host, lowercased (an IPv6 address keeps its brackets), and the effective port.
    host: String,
    port: u16,
}

impl SafeUrl {
    /// Parses a configured URL. `what` names it in the error ("JWK set URL", "issuer").
    pub(crate) fn parse(text: &str, what: &str) -> Result<SafeUrl, String> {
        // `Uri` drops a fragment silently; a fragment in a key set URL is a mistake to report.
        if text.contains('#') {
            return Err(format!("the {what} {text:?} has a fragment (#…)"));
        }
        let uri: Uri = text
            .parse()
            .map_err(|e| format!("the {what} {text:?} is not a valid absolute URL: {e}"))?;
        let https = match uri.scheme() {
            Some(scheme) if *scheme == Scheme::HTTPS => true,
            Some(scheme) if *scheme == Scheme::HTTP => false,
            Some(scheme) => {
                return Err(format!(
                    "the {what} {text:?} has scheme {scheme:?}; only https (and http to a \
                     loopback host) are fetched"
                ));
            }
            None => return Err(format!("the {what} {text:?} is not an absolute URL")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| format!("the {what} {text:?} has no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!(
                "the {what} {text:?} carries user information; credentials do not belong in \
                 a URL"
            ));
        }
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return Err(format!("the {what} {text:?} has no host"));
        }
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let url = SafeUrl {
            text: text.to_owned(),
            uri,
            https,
            host,
            port,
        };
        if !url.https && !url.is_loopback() {
            return Err(format!(
                "the {what} {text:?} is plain http to a host that is not loopback; use https \
                 (plain http is allowed only to 127.0.0.0/8, [::1] and localhost)"
            ));
        }
        Ok(url)
    }

    /// Parses a URL learnt from `source`'s response (a discovery document's `jwks_uri`): the
    /// same rules, and plain HTTP only when `source` was plain HTTP itself.
    pub(crate) fn parse_discovered(
        text: &str,
        what: &str,
        source: &SafeUrl,
    ) -> Result<SafeUrl, String> {
        let url = SafeUrl::parse(text, what)?;
        if source.https && !url.https {
            return Err(format!(
                "the {what} {text:?} is plain http although {source} is https"
            ));
        }
        Ok(url)
    }

    /// Resolves a redirect's `Location` against this URL. Absolute, scheme-relative
    /// (`//host/path`), absolute-path and relative-path references are understood.
    pub(crate) fn join(&self, location: &str) -> Result<SafeUrl, String> {
        let location = location.trim();
        let scheme = if self.https { "https" } else { "http" };
        let authority = self.uri.authority().map_or("", |a| a.as_str());
        let absolute = if location.contains("://") {
            location.to_owned()
        } else if let Some(rest) = location.strip_prefix("//") {
            format!("{scheme}://{rest}")
        } else if location.starts_with('/') {
            format!("{scheme}://{authority}{location}")
        } else if location.is_empty() {
            return Err("a redirect without a Location".to_owned());
        } else {
            let path = self.uri.path();
            let directory = path
                .rfind('/')
                .map_or("/", |end| path.get(..=end).unwrap_or("/"));
            format!("{scheme}://{authority}{directory}{location}")
        };
        SafeUrl::parse(&absolute, "redirect target")
    }

    /// Whether `other` has the same origin: scheme, host and port.
    pub(crate) fn same_origin(&self, other: &SafeUrl) -> bool {
        self.https == other.https && self.host == other.host && self.port == other.port
    }

    /// Whether the host is a loopback host: `localhost`, an address in `127.0.0.0/8`, or `::1`.
    /// Only literal addresses and the name `localhost` count; a name that merely resolves to a
    /// loopback address does not.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host.as_str();
        if host == "localhost" {
            return true;
        }
        if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
        }
        host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The query string, if the URL has one.
    pub(crate) fn has_query(&self) -> bool {
        self.uri.query().is_some()
    }

    /// `/.well-known/openid-configuration` appended to this URL's path (OpenID Connect
    /// Discovery 1.0 §4: a trailing `/` of the issuer is not doubled).
    pub(crate) fn discovery_url(&self) -> Result<SafeUrl, String> {
        let base = self.text.trim_end_matches('/');
        SafeUrl::parse(
            &format!("{base}/.well-known/openid-configuration"),
            "discovery URL",
        )
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> SafeUrl {
        SafeUrl::parse(text, "URL").unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn refused(text: &str) -> String {
        SafeUrl::parse(text, "URL").expect_err(text)
    }

    #[test]
    fn https_anywhere_and_plain_http_only_to_loopback() {
        for url in [
            "https://login.example/.well-known/jwks.json",
            "https://login.example:8443/keys?tenant=a",
            "https://10.0.0.1/keys",
            "http://127.0.0.1:8080/keys",
            "http://127.200.3.4/keys",
            "http://localhost/keys",
            "http://LOCALHOST:9/keys",
            "http://[::1]:8080/keys",
        ] {
            ok(url);
        }
        for (url, why) in [
            ("http://login.example/keys", "not loopback"),
            ("http://10.0.0.1/keys", "not loopback"),
            ("http://128.0.0.1/keys", "not loopback"),
            ("http://127.0.0.1.nip.io/keys", "not loopback"),
            ("http://localhost.login.example/keys", "not loopback"),
            ("http://[::ffff:127.0.0.1]/keys", "not loopback"),
            ("http://127.1/keys", "not loopback"),
            ("ftp://login.example/keys", "scheme"),
            ("file:///etc/passwd", "URL"),
            ("https://login.example/keys#kid", "fragment"),
            ("login.example/keys", "absolute"),
            ("/keys", "absolute"),
            ("", "valid"),
            ("https://", "valid"),
            ("https://user:pw@login.example/keys", "user information"),
            ("https://login.example/ke ys", "valid"),
            ("https://lögin.example/keys", "valid"),
        ] {
            let message = refused(url);
            assert!(message.contains(why), "{url}: {message}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_effective_port() {
        let base = ok("https://login.example/a/keys");
        assert!(base.same_origin(&ok("https://LOGIN.example:443/other")));
        assert!(!base.same_origin(&ok("https://login.example:444/a/keys")));
        assert!(!base.same_origin(&ok("https://www.login.example/a/keys")));
        let local = ok("http://127.0.0.1:80/keys");
        assert!(local.same_origin(&ok("http://127.0.0.1/x")));
        assert!(!local.same_origin(&ok("http://localhost/x")));
    }

    #[test]
    fn redirect_locations_resolve_against_the_current_url() {
        let base = ok("https://login.example:8443/a/b/keys?x=1");
        for (location, expected) in [
            ("https://other.example/k", "https://other.example/k"),
            ("//other.example/k", "https://other.example/k"),
            ("/k", "https://login.example:8443/k"),
            ("k2", "https://login.example:8443/a/b/k2"),
            ("  /k  ", "https://login.example:8443/k"),
        ] {
            assert_eq!(base.join(location).unwrap().as_str(), expected);
        }
        assert!(base.join("").is_err());
        assert!(base.join("http://other.example/k").is_err());
    }

    #[test]
    fn discovered_urls_may_not_downgrade_to_plain_http() {
        let https = ok("https://login.example");
        let error = SafeUrl::parse_discovered("http://127.0.0.1/keys", "jwks_uri", &https)
            .expect_err("downgrade");
        assert!(error.contains("plain http"), "{error}");
        let local = ok("http://127.0.0.1:1");
        assert!(SafeUrl::parse_discovered("http://127.0.0.1/keys", "jwks_uri", &local).is_ok());
        assert!(SafeUrl::parse_discovered("https://keys.example/k", "jwks_uri", &https).is_ok());
    }

    #[test]
    fn the_discovery_url_appends_the_well_known_path() {
        for (issuer, expected) in [
            (
                "https://login.example",
                "https://login.example/.well-known/openid-configuration",
            ),
            (
                "https://login.example/",
                "https://login.example/.well-known/openid-configuration",
            ),
            (
                "https://login.example/tenant/v2",
                "https://login.example/tenant/v2/.well-known/openid-configuration",
            ),
        ] {
            assert_eq!(ok(issuer).discovery_url().unwrap().as_str(), expected);
        }
    }
}
