//! One guarded HTTP GET: deadlines, a size cap and same-origin redirects, over ureq and rustls.
//!
//! ureq is a small blocking HTTP/1.1 client, which suits a background refresher thread and
//! keeps the dependency tree light (no async runtime, no hyper). Its TLS is rustls on the
//! crypto provider of the backend jwt-crypto was built with, so one build never carries two
//! cryptography libraries.
//!
//! ureq's own redirect handling is turned off: every hop is judged here by the URL policy and
//! the same-origin rule before it is requested, and the whole-fetch deadline spans every hop.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::config::Config;
use ureq::http::{HeaderName, HeaderValue};
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

use crate::cache::Freshness;
use crate::error::{FetchError, FetchErrorKind};
use crate::url_policy::SafeUrl;

/// The HTTP side of a client: one connection pool, shared by every fetch.
pub(crate) struct Http {
    agent: Agent,
    headers: Vec<(HeaderName, HeaderValue)>,
    max_body: u64,
    max_redirects: u32,
}

/// A successful response: the body, and what the response said about its freshness.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) body: String,
    pub(crate) freshness: Freshness,
}

impl Http {
    /// `roots`: the trust anchors; `None` for Mozilla's (webpki-roots).
    pub(crate) fn new(
        connect_timeout: Duration,
        roots: Option<&[Certificate<'static>]>,
        max_body: u64,
        max_redirects: u32,
        headers: Vec<(HeaderName, HeaderValue)>,
    ) -> Http {
        let roots = roots.map_or(RootCerts::WebPki, RootCerts::new_with_certs);
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .unversioned_rustls_crypto_provider(Arc::new(crypto_provider()))
            .build();
        let agent = Config::builder()
            .tls_config(tls)
            // Status codes and redirects are this module's business.
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            // The URL policy decides about plain http (loopback only).
            .https_only(false)
            .timeout_connect(Some(connect_timeout))
            .user_agent(concat!("jwtkit-jwks/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Http {
            agent,
            headers,
            max_body,
            max_redirects,
        }
    }

    /// GETs `url`, following same-origin redirects, and returns the body of the 200 answer.
    ///
    /// Every hop shares `deadline`. A proxy from the environment (`HTTPS_PROXY`, …) is used,
    /// except for loopback hosts, which are always reached directly.
    pub(crate) fn get(
        &self,
        url: &SafeUrl,
        accept: &str,
        deadline: Instant,
    ) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut hops = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timeout(&current));
            }
            let mut request = self.agent.get(current.as_str()).header("accept", accept);
            for (name, value) in &self.headers {
                request = request.header(name, value);
            }
            let mut request = request.config().timeout_global(Some(remaining));
            if current.is_loopback() {
                request = request.proxy(None);
            }
            let mut response = request
                .build()
                .call()
                .map_err(|error| classify(error, &current))?;
            let status = response.status();
            if status.is_redirection() && status.as_u16() != 304 {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("");
                let next = current.join(location).map_err(|reason| {
                    FetchError::new(
                        FetchErrorKind::Redirect,
                        current.as_str(),
                        format!("HTTP {}: unusable redirect: {reason}", status.as_u16()),
                    )
                })?;
                if !next.same_origin(&current) {
                    return Err(FetchError::new(
                        FetchErrorKind::Redirect,
                        current.as_str(),
                        format!(
                            "redirect to another origin ({next}) refused; only same-origin \
                             redirects are followed"
                        ),
                    ));
                }
                hops += 1;
                if hops > self.max_redirects {
                    return Err(FetchError::new(
                        FetchErrorKind::Redirect,
                        url.as_str(),
                        format!("more than {} redirects", self.max_redirects),
                    ));
                }
                current = next;
                continue;
            }
            if status.as_u16() != 200 {
                return Err(FetchError::new(
                    FetchErrorKind::Status,
                    current.as_str(),
                    format!(
                        "HTTP {} {}",
                        status.as_u16(),
                        status.canonical_reason().unwrap_or("")
                    )
                    .trim_end()
                    .to_owned(),
                ));
            }
            let headers = response.headers();
            let freshness = Freshness::from_headers(
                headers
                    .get_all("cache-control")
                    .iter()
                    .filter_map(|value| value.to_str().ok()),
                headers.get("age").and_then(|value| value.to_str().ok()),
            );
            let body = self.read_body(&mut response, &current)?;
            return Ok(Fetched { body, freshness });
        }
    }

    /// Reads the body, refusing more than the cap before reading it where `Content-Length`
    /// says so, and while reading otherwise.
    fn read_body(
        &self,
        response: &mut ureq::http::Response<ureq::Body>,
        url: &SafeUrl,
    ) -> Result<String, FetchError> {
        let too_large = || {
            FetchError::new(
                FetchErrorKind::TooLarge,
                url.as_str(),
                format!("the response is larger than {} bytes", self.max_body),
            )
        };
        if response
            .body()
            .content_length()
            .is_some_and(|length| length > self.max_body)
        {
            return Err(too_large());
        }
        let bytes = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|error| match error {
                ureq::Error::BodyExceedsLimit(_) => too_large(),
                other => classify(other, url),
            })?;
        String::from_utf8(bytes).map_err(|_| {
            FetchError::new(
                FetchErrorKind::InvalidResponse,
                url.as_str(),
                "the response body is not UTF-8",
            )
        })
    }
}

fn timeout(url: &SafeUrl) -> FetchError {
    FetchError::new(
        FetchErrorKind::Timeout,
        url.as_str(),
        "the fetch deadline passed",
    )
}

/// Sorts ureq's errors into this crate's kinds, keeping ureq's words as the details.
fn classify(error: ureq::Error, url: &SafeUrl) -> FetchError {
    let kind = match &error {
        ureq::Error::Timeout(_) => FetchErrorKind::Timeout,
        ureq::Error::Io(io) if is_timeout(io) => FetchErrorKind::Timeout,
        ureq::Error::Io(_)
        | ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::InvalidProxyUrl => FetchErrorKind::Connect,
        ureq::Error::BodyExceedsLimit(_) => FetchErrorKind::TooLarge,
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => FetchErrorKind::Redirect,
        _ => FetchErrorKind::InvalidResponse,
    };
    let message = match kind {
        FetchErrorKind::Timeout => format!("the fetch deadline passed ({error})"),
        _ => error.to_string(),
    };
    FetchError::new(kind, url.as_str(), message)
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// rustls's provider for the crypto backend this crate was built with (the same one
/// jwt-crypto verifies signatures with).
#[cfg(feature = "ring")]
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}
