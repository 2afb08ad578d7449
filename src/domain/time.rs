//! Timestamps are milliseconds since the Unix epoch, UTC (events.md: stored as
//! UTC with millisecond precision, truncated).

use chrono::{DateTime, SecondsFormat, Utc};

pub type Millis = i64;

/// Parses RFC 3339 with a mandatory offset (`Z` or `±HH:MM`), truncating to ms.
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    // chrono accepts a lowercase `t`/`z` and a space separator; the spec's format is stricter
    // about the offset only, which chrono enforces (no offset = error).
    let dt = DateTime::parse_from_rfc3339(s).ok()?;
    let secs = dt.timestamp();
    let ms = dt.timestamp_subsec_millis() as i64;
    Some(secs * 1000 + ms)
}

/// Formats as RFC 3339 UTC with milliseconds, the form export writes.
pub fn format_rfc3339(ms: Millis) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => ms.to_string(),
    }
}

pub fn now_ms() -> Millis {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_required_and_applied() {
        assert_eq!(parse_rfc3339("2026-11-02T09:00:00+08:00"), parse_rfc3339("2026-11-02T01:00:00Z"));
        assert_eq!(parse_rfc3339("2026-11-02T09:00:00"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn milliseconds_are_truncated_not_rounded() {
        let a = parse_rfc3339("2026-11-02T09:00:00.9999+00:00").unwrap();
        let b = parse_rfc3339("2026-11-02T09:00:00.999Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(format_rfc3339(b), "2026-11-02T09:00:00.999Z");
    }
}
