//! [`JwksClientBuilder`]: every option of a client, with safe defaults, checked once at
//! [`build`](JwksClientBuilder::build) so a running client never meets a bad setting.

use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use ureq::http::header::{CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use ureq::http::{HeaderName, HeaderValue};
use ureq::tls::Certificate;

use crate::cache::TtlBounds;
use crate::client::JwksClient;
use crate::discovery::Location;
use crate::error::Error;
use crate::url_policy::SafeUrl;

/// Builds a [`JwksClient`]: where the keys are, how long to cache them, and how to fetch them.
///
/// Start with [`JwksClientBuilder::jwks_url`] or [`JwksClientBuilder::issuer`]; every other
/// option has a default chosen for production use:
///
/// | option | default | allowed |
/// | --- | --- | --- |
/// | [`default_ttl`](Self::default_ttl) (no `max-age`) | 5 min, within the bounds | within the bounds |
/// | [`min_ttl`](Self::min_ttl) | 1 min, or `max_ttl` if shorter | ≥ 1 s, ≤ `max_ttl` |
/// | [`max_ttl`](Self::max_ttl) | 1 h | ≤ 7 days |
/// | [`stale_if_error`](Self::stale_if_error) | 1 h | ≤ 7 days, may be 0 |
/// | [`refetch_interval`](Self::refetch_interval) (unknown `kid`) | 30 s | ≥ 1 s |
/// | [`retry_interval`](Self::retry_interval) (after a failure) | 5 s | ≥ 1 s, ≤ 7 days |
/// | [`connect_timeout`](Self::connect_timeout) | 5 s | > 0, ≤ `fetch_timeout` |
/// | [`fetch_timeout`](Self::fetch_timeout) (whole refresh) | 10 s | > 0, ≤ 5 min |
/// | [`max_response_size`](Self::max_response_size) | 1 MiB | 1 KiB ..= 64 MiB |
/// | [`max_redirects`](Self::max_redirects) (same origin) | 3 | ≤ 10 |
/// | trust roots | Mozilla's (webpki-roots) | [`root_certificates_pem`](Self::root_certificates_pem) |
/// | extra request [`header`](Self::header)s | none | not `Host`, `Content-Length`, … |
#[derive(Debug, Clone)]
#[must_use]
pub struct JwksClientBuilder {
    target: Target,
    /// `None`: 5 min, brought within the bounds.
    default_ttl: Option<Duration>,
    /// `None`: 1 min, or `max_ttl` if that is shorter.
    min_ttl: Option<Duration>,
    max_ttl: Duration,
    stale_if_error: Duration,
    refetch_interval: Duration,
    retry_interval: Duration,
    connect_timeout: Duration,
    fetch_timeout: Duration,
    max_response_size: usize,
    max_redirects: u32,
    root_pem: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum Target {
    JwksUrl(String),
    Issuer(String),
}

/// The checked options a client runs with.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) location: Location,
    pub(crate) ttl: TtlBounds,
    pub(crate) stale_if_error: Duration,
    pub(crate) refetch_interval: Duration,
    pub(crate) retry_interval: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) fetch_timeout: Duration,
    pub(crate) max_response_size: u64,
    pub(crate) max_redirects: u32,
    pub(crate) roots: Option<Vec<Certificate<'static>>>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

const DEFAULT_MIN_TTL: Duration = Duration::from_secs(60);
const DEFAULT_TTL: Duration = Duration::from_secs(300);
const SECOND: Duration = Duration::from_secs(1);
const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);
const MAX_FETCH_TIMEOUT: Duration = Duration::from_secs(300);
const MIN_RESPONSE_SIZE: usize = 1024;
const MAX_RESPONSE_SIZE: usize = 64 * 1024 * 1024;
const MAX_REDIRECTS: u32 = 10;

impl JwksClientBuilder {
    /// A client for the JWK set at `url` (`https://`, or `http://` to a loopback host).
    pub fn jwks_url(url: impl Into<String>) -> Self {
        JwksClientBuilder::new(Target::JwksUrl(url.into()))
    }

    /// A client for the issuer `issuer` (e.g. `https://login.example`), whose JWK set URL is
    /// read from `{issuer}/.well-known/openid-configuration` at every refresh. The document's
    /// `issuer` must equal `issuer` exactly, trailing slash included.
    pub fn issuer(issuer: impl Into<String>) -> Self {
        JwksClientBuilder::new(Target::Issuer(issuer.into()))
    }

    fn new(target: Target) -> Self {
        JwksClientBuilder {
            target,
            default_ttl: None,
            min_ttl: None,
            max_ttl: Duration::from_secs(3600),
            stale_if_error: Duration::from_secs(3600),
            refetch_interval: Duration::from_secs(30),
            retry_interval: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            fetch_timeout: Duration::from_secs(10),
            max_response_size: 1024 * 1024,
            max_redirects: 3,
            root_pem: None,
            headers: Vec::new(),
        }
    }

    /// How long a set stays fresh when its response has no `Cache-Control: max-age`.
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.default_ttl = Some(ttl);
        self
    }

    /// The shortest freshness lifetime, whatever `max-age` says (`max-age=0` and `no-store`
    /// included): the most often the set is refetched on schedule.
    pub fn min_ttl(mut self, ttl: Duration) -> Self {
        self.min_ttl = Some(ttl);
        self
    }

    /// The longest freshness lifetime, whatever `max-age` says: bounds how long a key the
    /// provider withdrew is still trusted.
    pub fn max_ttl(mut self, ttl: Duration) -> Self {
        self.max_ttl = ttl;
        self
    }

    /// How long past its freshness lifetime the last good set is still served while refreshes
    /// fail. After that, verification fails closed with a non-rejection error until a refresh
    /// succeeds. Zero fails closed as soon as the set is stale and a refresh has failed.
    pub fn stale_if_error(mut self, window: Duration) -> Self {
        self.stale_if_error = window;
        self
    }

    /// The least time between two refetches caused by tokens with an unknown `kid` (or when no
    /// set is available). Tokens can name any `kid`, so this bounds the load they can put on
    /// the provider; concurrent verifications share one refetch in any case.
    pub fn refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// The first pause after a failed refresh; it doubles with each further failure, up to
    /// the larger of this and `min_ttl`.
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// The deadline for one TCP connect and TLS handshake.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The deadline for a whole refresh: discovery, the key set, every redirect and body.
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// The most bytes one response body may have; a larger one fails the fetch.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// The most redirects one request follows (each to the same origin only).
    pub fn max_redirects(mut self, redirects: u32) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// Trusts exactly the certificates in `pem` (one or more `CERTIFICATE` blocks) instead of
    /// Mozilla's roots: for a provider behind a private CA, and for tests.
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_pem = Some(pem.into());
        self
    }

    /// Sends this header with every request (an API key some gateways ask for, say). Headers
    /// that decide how a request is framed or routed (`Host`, `Content-Length`,
    /// `Transfer-Encoding`, `Connection`) are refused.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Checks every option, builds the client and starts its refresher thread, which fetches
    /// the first set at once. `build` itself does no network I/O; see
    /// [`JwksClient::wait_ready`] and [`JwksClient::ready`] to wait for the first set.
    ///
    /// # Errors
    /// [`Error::Config`] for a URL the policy refuses (plain HTTP to a host that is not
    /// loopback, user information, another scheme; an issuer with a query), an option out of
    /// its range (see the table on [`JwksClientBuilder`]), PEM without a certificate, or a
    /// refresher thread the system would not start.
    pub fn build(self) -> Result<JwksClient, Error> {
        JwksClient::start(self.check()?)
    }

    fn check(self) -> Result<Options, Error> {
        let location = match &self.target {
            Target::JwksUrl(url) => {
                Location::JwksUrl(SafeUrl::parse(url, "JWK set URL").map_err(config)?)
            }
            Target::Issuer(issuer) => {
                let url = SafeUrl::parse(issuer, "issuer").map_err(config)?;
                if url.has_query() {
                    return Err(config(format!(
                        "the issuer {issuer:?} has a query; an OpenID Connect issuer has none"
                    )));
                }
                Location::Issuer {
                    issuer: issuer.clone(),
                    discovery: url.discovery_url().map_err(config)?,
                }
            }
        };
        let max_ttl = self.max_ttl;
        let min_ttl = self.min_ttl.unwrap_or(DEFAULT_MIN_TTL.min(max_ttl));
        let default_ttl = self
            .default_ttl
            .unwrap_or(DEFAULT_TTL.max(min_ttl).min(max_ttl));
        at_least("min_ttl", min_ttl, SECOND)?;
        at_most("max_ttl", max_ttl, WEEK)?;
        if !(min_ttl <= default_ttl && default_ttl <= max_ttl) {
            return Err(config(format!(
                "the TTLs must satisfy min_ttl <= default_ttl <= max_ttl; got {min_ttl:?} <= \
                 {default_ttl:?} <= {max_ttl:?}"
            )));
        }
        at_most("stale_if_error", self.stale_if_error, WEEK)?;
        at_least("refetch_interval", self.refetch_interval, SECOND)?;
        at_most("refetch_interval", self.refetch_interval, WEEK)?;
        at_least("retry_interval", self.retry_interval, SECOND)?;
        at_most("retry_interval", self.retry_interval, WEEK)?;
        if self.fetch_timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(config("timeouts must be longer than zero".to_owned()));
        }
        at_most("fetch_timeout", self.fetch_timeout, MAX_FETCH_TIMEOUT)?;
        at_most("connect_timeout", self.connect_timeout, self.fetch_timeout)?;
        if !(MIN_RESPONSE_SIZE..=MAX_RESPONSE_SIZE).contains(&self.max_response_size) {
            return Err(config(format!(
                "max_response_size must be between {MIN_RESPONSE_SIZE} and {MAX_RESPONSE_SIZE} \
                 bytes; got {}",
                self.max_response_size
            )));
        }
        if self.max_redirects > MAX_REDIRECTS {
            return Err(config(format!(
                "max_redirects must be at most {MAX_REDIRECTS}; got {}",
                self.max_redirects
            )));
        }
        let roots = self.root_pem.as_deref().map(parse_roots).transpose()?;
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| parse_header(name, value))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Options {
            location,
            ttl: TtlBounds {
                min: min_ttl,
                default: default_ttl,
                max: max_ttl,
            },
            stale_if_error: self.stale_if_error,
            refetch_interval: self.refetch_interval,
            retry_interval: self.retry_interval,
            connect_timeout: self.connect_timeout,
            fetch_timeout: self.fetch_timeout,
            max_response_size: u64::try_from(self.max_response_size).unwrap_or(u64::MAX),
            max_redirects: self.max_redirects,
            roots,
            headers,
        })
    }
}

fn config(message: String) -> Error {
    Error::Config(message)
}

fn at_least(name: &str, value: Duration, least: Duration) -> Result<(), Error> {
    if value < least {
        return Err(config(format!(
            "{name} must be at least {least:?}; got {value:?}"
        )));
    }
    Ok(())
}

fn at_most(name: &str, value: Duration, most: Duration) -> Result<(), Error> {
    if value > most {
        return Err(config(format!(
            "{name} must be at most {most:?}; got {value:?}"
        )));
    }
    Ok(())
}

fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let parsed = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| config(format!("{name:?} is not a valid HTTP header name")))?;
    if [HOST, CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(&parsed) {
        return Err(config(format!(
            "the header {name:?} is set by the HTTP client and cannot be configured"
        )));
    }
    let value = HeaderValue::from_str(value)
        .map_err(|_| config(format!("the value of header {name:?} is not valid")))?;
    Ok((parsed, value))
}

/// Every `CERTIFICATE` block of `pem`; at least one, and none malformed.
fn parse_roots(pem: &[u8]) -> Result<Vec<Certificate<'static>>, Error> {
    let mut roots = Vec::new();
    for certificate in CertificateDer::pem_slice_iter(pem) {
        let der = certificate
            .map_err(|e| config(format!("the root certificate PEM is malformed: {e}")))?;
        roots.push(Certificate::from_der(&der).to_owned());
    }
    if roots.is_empty() {
        return Err(config(
            "the root certificate PEM holds no CERTIFICATE block".to_owned(),
        ));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(builder: JwksClientBuilder) -> String {
        match builder.check() {
            Err(Error::Config(message)) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    fn local() -> JwksClientBuilder {
        JwksClientBuilder::jwks_url("http://127.0.0.1:9/keys")
    }

    #[test]
    fn the_defaults_pass() {
        let options = local().check().unwrap();
        assert_eq!(options.ttl.default, Duration::from_secs(300));
        // Unset bounds follow the ones that are set.
        let short = local().max_ttl(Duration::from_secs(30)).check().unwrap();
        assert_eq!(
            (short.ttl.min, short.ttl.default),
            (Duration::from_secs(30), Duration::from_secs(30))
        );
        let long = local().min_ttl(Duration::from_secs(600)).check().unwrap();
        assert_eq!(long.ttl.default, Duration::from_secs(600));
        assert!(
            JwksClientBuilder::issuer("https://login.example")
                .check()
                .is_ok()
        );
    }

    #[test]
    fn options_out_of_range_are_refused_with_their_name() {
        let ms = Duration::from_millis;
        for (builder, name) in [
            (local().min_ttl(ms(10)), "min_ttl"),
            (local().max_ttl(WEEK * 2), "max_ttl"),
            (
                local().default_ttl(Duration::from_secs(10)),
                "min_ttl <= default_ttl",
            ),
            (local().stale_if_error(WEEK * 2), "stale_if_error"),
            (local().refetch_interval(ms(0)), "refetch_interval"),
            (local().retry_interval(ms(1)), "retry_interval"),
            (local().fetch_timeout(ms(0)), "zero"),
            (
                local().connect_timeout(Duration::from_secs(60)),
                "connect_timeout",
            ),
            (
                local().fetch_timeout(Duration::from_secs(3600)),
                "fetch_timeout",
            ),
            (local().max_response_size(10), "max_response_size"),
            (local().max_response_size(1 << 30), "max_response_size"),
            (local().max_redirects(11), "max_redirects"),
            (local().header("bad name", "x"), "header name"),
            (local().header("x-api-key", "a\nb"), "not valid"),
            (
                local().header("Host", "login.example"),
                "cannot be configured",
            ),
            (local().root_certificates_pem("not pem"), "no CERTIFICATE"),
            (
                local().root_certificates_pem(
                    "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
                ),
                "malformed",
            ),
            (
                JwksClientBuilder::issuer("https://login.example/?tenant=a"),
                "query",
            ),
            (
                JwksClientBuilder::issuer("http://login.example"),
                "loopback",
            ),
        ] {
            let message = refused(builder);
            assert!(message.contains(name), "{name}: {message}");
        }
        assert!(local().stale_if_error(Duration::ZERO).check().is_ok());
        assert!(local().header("X-Api-Key", "k").check().is_ok());
    }
}
