//! How long a fetched key set stays fresh, and how long it may be served after that.
//!
//! The identity provider says how long its set may be cached with `Cache-Control: max-age`
//! (less the `Age` a shared cache already held it for). The client honours that within the
//! configured bounds: at least `min_ttl`, so a provider sending `max-age=0` or `no-store`
//! cannot make every verification refetch, and at most `max_ttl`, so a year-long `max-age`
//! cannot stop the client from learning that a key was withdrawn. Without a `max-age`,
//! `default_ttl` applies.
//!
//! After its freshness lifetime the set is still served while refreshes fail, for
//! `stale_if_error` more (RFC 5861's idea): a provider outage does not take every API down at
//! once. Past that the client fails closed.

use std::time::Duration;

/// The freshness bounds, validated by the builder (`min <= default <= max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TtlBounds {
    pub(crate) min: Duration,
    pub(crate) default: Duration,
    pub(crate) max: Duration,
}

/// What a response says about its own freshness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Freshness {
    /// `max-age`, or zero for `no-store` / `no-cache`; `None` when the response says nothing.
    pub(crate) max_age: Option<Duration>,
    /// The `Age` header: how long a shared cache has held the response already.
    pub(crate) age: Option<Duration>,
}

impl Freshness {
    /// Reads the `Cache-Control` values (every header line, in order) and the `Age` value.
    ///
    /// Unknown directives are ignored; a malformed `max-age` is ignored rather than trusted,
    /// so the default lifetime applies. When `max-age` appears more than once the smallest
    /// wins, the conservative reading.
    pub(crate) fn from_headers<'a>(
        cache_control: impl IntoIterator<Item = &'a str>,
        age: Option<&str>,
    ) -> Freshness {
        let mut max_age: Option<u64> = None;
        let mut uncacheable = false;
        for value in cache_control {
            for directive in value.split(',') {
                let (name, argument) = match directive.split_once('=') {
                    Some((name, argument)) => (name.trim(), Some(argument.trim())),
                    None => (directive.trim(), None),
                };
                if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
                    uncacheable = true;
                } else if name.eq_ignore_ascii_case("max-age") {
                    if let Some(seconds) = argument.and_then(parse_seconds) {
                        max_age = Some(max_age.map_or(seconds, |m| m.min(seconds)));
                    }
                }
            }
        }
        let max_age = if uncacheable { Some(0) } else { max_age };
        Freshness {
            max_age: max_age.map(Duration::from_secs),
            age: age.and_then(parse_seconds).map(Duration::from_secs),
        }
    }

    /// The lifetime to cache the set for: `max-age` less `Age`, within `bounds`.
    pub(crate) fn ttl(self, bounds: TtlBounds) -> Duration {
        match self.max_age {
            None => bounds.default,
            Some(max_age) => max_age
                .saturating_sub(self.age.unwrap_or_default())
                .clamp(bounds.min, bounds.max),
        }
    }
}

/// Delta-seconds (RFC 9111 §1.2.2): digits, optionally quoted by lenient servers. Values too
/// large for a `u64` saturate, as the RFC asks.
fn parse_seconds(text: &str) -> Option<u64> {
    let text = text.trim().trim_matches('"');
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: TtlBounds = TtlBounds {
        min: Duration::from_secs(60),
        default: Duration::from_secs(300),
        max: Duration::from_secs(3600),
    };

    fn ttl(cache_control: &[&str], age: Option<&str>) -> u64 {
        Freshness::from_headers(cache_control.iter().copied(), age)
            .ttl(BOUNDS)
            .as_secs()
    }

    #[test]
    fn max_age_is_honoured_within_the_bounds() {
        assert_eq!(ttl(&["public, max-age=600"], None), 600);
        assert_eq!(ttl(&["max-age=600, must-revalidate"], Some("100")), 500);
        assert_eq!(ttl(&["Max-Age = \"900\""], None), 900);
        assert_eq!(ttl(&["max-age=5"], None), 60, "raised to min");
        assert_eq!(ttl(&["max-age=600"], Some("590")), 60, "aged below min");
        assert_eq!(ttl(&["max-age=31536000"], None), 3600, "capped at max");
        assert_eq!(ttl(&["max-age=99999999999999999999999"], None), 3600);
        assert_eq!(ttl(&["max-age=900", "max-age=700"], None), 700);
    }

    #[test]
    fn no_store_and_no_cache_mean_the_minimum() {
        assert_eq!(ttl(&["no-store"], None), 60);
        assert_eq!(ttl(&["max-age=900, no-cache"], None), 60);
    }

    #[test]
    fn without_a_usable_max_age_the_default_applies() {
        assert_eq!(ttl(&[], None), 300);
        assert_eq!(ttl(&["public"], None), 300);
        for bad in [
            "max-age=-1",
            "max-age=1.5",
            "max-age=",
            "max-age",
            "max-age=1e3",
        ] {
            assert_eq!(ttl(&[bad], None), 300, "{bad}");
        }
        assert_eq!(ttl(&["max-age=600"], Some("soon")), 600);
    }
}
