//! Time as people read it: durations on the command line (`15m`), NumericDates as RFC 3339
//! UTC and as "in 14 min" / "3 h ago".

use std::time::Duration;

/// When a NumericDate given on the command line falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// This many seconds from now (negative: in the past).
    FromNow(i64),
    /// Exactly these seconds since the epoch (`@1767225600`).
    At(i64),
}

impl When {
    /// The NumericDate, with `now` as the reference for relative values.
    pub fn resolve(self, now: i64) -> i64 {
        match self {
            When::FromNow(offset) => now.saturating_add(offset),
            When::At(secs) => secs,
        }
    }
}

/// clap parser for `--exp` and `--nbf`: a signed duration from now, or `@SECONDS`.
pub fn parse_when(text: &str) -> Result<When, String> {
    match text.strip_prefix('@') {
        Some(secs) => secs
            .parse()
            .map(When::At)
            .map_err(|_| format!("{text:?} is not @ followed by seconds since the epoch")),
        None => parse_signed_duration(text).map(When::FromNow),
    }
}

/// clap parser for `--leeway`: a duration that is not negative.
pub fn parse_leeway(text: &str) -> Result<Duration, String> {
    let secs = parse_signed_duration(text)?;
    u64::try_from(secs)
        .map(Duration::from_secs)
        .map_err(|_| format!("{text:?}: a leeway cannot be negative"))
}

/// `30`, `30s`, `15m`, `2h`, `7d`, `1w`, with an optional sign, in seconds.
fn parse_signed_duration(text: &str) -> Result<i64, String> {
    let invalid = || {
        format!(
            "{text:?} is not a duration: write a whole number and a unit, as in 30s, 15m, 2h, 7d"
        )
    };
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits_end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, unit) = body.split_at(digits_end);
    let count: i64 = digits.parse().map_err(|_| invalid())?;
    let unit_secs = match unit {
        "" | "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(invalid()),
    };
    let secs = count.checked_mul(unit_secs).ok_or_else(invalid)?;
    Ok(if negative { -secs } else { secs })
}

/// Seconds since the epoch as RFC 3339 in UTC, e.g. `2026-01-01T00:00:00Z`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, in eras of 400 years).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A length of time in its largest whole unit: `45 s`, `14 min`, `3 h`, `2 days`, `3 years`.
pub fn span(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min", secs / 60),
        3_600..172_800 => format!("{} h", secs / 3_600),
        172_800..63_072_000 => format!("{} days", secs / 86_400),
        _ => format!("{} years", secs / 31_556_952),
    }
}

/// `then` relative to `now`: `in 14 min`, `3 h ago`, or `just now`.
pub fn relative(then: i64, now: i64) -> String {
    let delta = i128::from(then) - i128::from(now);
    let secs = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    match delta {
        0 => "just now".to_owned(),
        d if d > 0 => format!("in {}", span(secs)),
        _ => format!("{} ago", span(secs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_dates() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_767_225_599, "2025-12-31T23:59:59Z"),
            (1_767_225_600, "2026-01-01T00:00:00Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
            (-62_135_596_800, "0001-01-01T00:00:00Z"),
        ] {
            assert_eq!(rfc3339(secs), text, "{secs}");
        }
        // The extremes format without overflow.
        assert!(rfc3339(i64::MAX).ends_with('Z'));
        assert!(rfc3339(i64::MIN).ends_with('Z'));
    }

    #[test]
    fn durations_parse_with_units_and_signs() {
        assert_eq!(parse_when("15m"), Ok(When::FromNow(900)));
        assert_eq!(parse_when("-5m"), Ok(When::FromNow(-300)));
        assert_eq!(parse_when("90"), Ok(When::FromNow(90)));
        assert_eq!(parse_when("2h"), Ok(When::FromNow(7_200)));
        assert_eq!(parse_when("@1767225600"), Ok(When::At(1_767_225_600)));
        assert_eq!(parse_leeway("30s"), Ok(Duration::from_secs(30)));
        for bad in [
            "",
            "m",
            "15x",
            "1.5h",
            "@soon",
            "99999999999999999999w",
            "- 5m",
        ] {
            assert!(parse_when(bad).is_err(), "{bad:?}");
        }
        assert!(parse_leeway("-30s").is_err());
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(1_000 + 14 * 60 + 59, 1_000), "in 14 min");
        assert_eq!(relative(1_000 - 3 * 3_600, 1_000), "3 h ago");
        assert_eq!(relative(1_000, 1_000), "just now");
        assert_eq!(relative(1_000 - 45, 1_000), "45 s ago");
        assert_eq!(relative(1_000 + 3 * 86_400, 1_000), "in 3 days");
        assert_eq!(relative(1_000 + 800 * 86_400, 1_000), "in 2 years");
        assert_eq!(
            relative(i64::MAX, i64::MIN),
            format!("in {} years", u64::MAX / 31_556_952)
        );
    }
}
