//! Local time in a query's time zone, fast: the zone's UTC offsets over the
//! range a query looks at are worked out once, so that putting millions of
//! timestamps into day or hour buckets is a short table lookup each.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// Parses an IANA zone name ("Asia/Shanghai", "UTC").
pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// The offset of `tz` at the UTC instant `t` (ms), in ms.
pub fn offset_at(tz: Tz, t: i64) -> i64 {
    match chrono::DateTime::from_timestamp_millis(t) {
        Some(dt) => tz.offset_from_utc_datetime(&dt.naive_utc()).fix().local_minus_utc() as i64 * 1000,
        None => 0,
    }
}

/// The UTC instant (ms) of a local wall time. In an overlap (fall back) the
/// earlier one; in a gap (spring forward) the wall time is read with the
/// offset from before the gap, i.e. moved later by the gap's length (02:30
/// in a 02:00-03:00 gap is 03:30), as calendars do.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> i64 {
    if let Some(dt) = tz.from_local_datetime(&local).earliest() {
        return dt.timestamp_millis();
    }
    let naive = local.and_utc().timestamp_millis();
    naive - offset_at(tz, naive - 12 * HOUR_MS)
}

/// Local midnight of `date` as a UTC instant.
pub fn midnight(tz: Tz, date: NaiveDate) -> i64 {
    local_to_utc(tz, date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// The date of a local day number (days since 1970-01-01).
pub fn date_of_day(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((day + 719_163) as i32).unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct LocalClock {
    tz: Tz,
    lo: i64,
    hi: i64,
    /// (from this UTC instant, offset ms), ascending; the first at `lo`.
    offsets: Vec<(i64, i64)>,
}

impl LocalClock {
    /// A clock exact over [lo, hi]; outside it each lookup asks the zone.
    pub fn new(tz: Tz, lo: i64, hi: i64) -> LocalClock {
        let mut offsets = vec![(lo, offset_at(tz, lo))];
        // Zones change offset at most a few times a year: probe every 6 h, bisect a change to the ms.
        let step = 6 * HOUR_MS;
        let mut t = lo;
        while t < hi {
            let next = (t + step).min(hi);
            let (cur, off) = (offsets.last().expect("one").1, offset_at(tz, next));
            if off != cur {
                let (mut a, mut b) = (t, next);
                while b - a > 1 {
                    let m = a + (b - a) / 2;
                    if offset_at(tz, m) == cur { a = m } else { b = m }
                }
                offsets.push((b, off));
            }
            t = next;
        }
        LocalClock { tz, lo, hi, offsets }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Inlined into the per-item loops of a query; the zone itself is asked
    /// only outside the prepared range, out of line.
    #[inline(always)]
    pub fn offset(&self, t: i64) -> i64 {
        if t < self.lo || t > self.hi {
            return self.offset_outside(t);
        }
        if self.offsets.len() == 1 {
            return self.offsets[0].1;
        }
        let i = self.offsets.partition_point(|&(from, _)| from <= t);
        self.offsets[i.saturating_sub(1)].1
    }

    #[cold]
    #[inline(never)]
    fn offset_outside(&self, t: i64) -> i64 {
        offset_at(self.tz, t)
    }

    /// Local wall time as ms since 1970-01-01T00:00 local.
    #[inline(always)]
    pub fn local(&self, t: i64) -> i64 {
        t + self.offset(t)
    }

    #[inline]
    pub fn day(&self, t: i64) -> i64 {
        self.local(t).div_euclid(DAY_MS)
    }

    #[inline]
    pub fn hour_of_day(&self, t: i64) -> u32 {
        self.local(t).div_euclid(HOUR_MS).rem_euclid(24) as u32
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    #[inline]
    pub fn weekday(&self, t: i64) -> u32 {
        (self.day(t) + 3).rem_euclid(7) as u32
    }

    /// Local hours since 1970-01-01T00:00 local.
    #[inline]
    pub fn hour(&self, t: i64) -> i64 {
        self.local(t).div_euclid(HOUR_MS)
    }

    /// ISO weeks (Monday first) since the week of 1970-01-01.
    #[inline]
    pub fn week(&self, t: i64) -> i64 {
        (self.day(t) + 3).div_euclid(7)
    }

    /// Months since January 1970.
    pub fn month(&self, t: i64) -> i64 {
        let d = date_of_day(self.day(t));
        (d.year() as i64 - 1970) * 12 + d.month0() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::parse_rfc3339;

    fn ms(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn shanghai_days_start_at_16_utc() {
        let tz = parse_tz("Asia/Shanghai").unwrap();
        let c = LocalClock::new(tz, ms("2026-10-01T00:00:00Z"), ms("2026-11-01T00:00:00Z"));
        // 15:59:59.999 UTC is 23:59:59.999 on Oct 1 in Shanghai; 16:00 UTC is Oct 2.
        let d1 = c.day(ms("2026-10-01T15:59:59.999Z"));
        assert_eq!(date_of_day(d1).to_string(), "2026-10-01");
        assert_eq!(date_of_day(c.day(ms("2026-10-01T16:00:00Z"))).to_string(), "2026-10-02");
        assert_eq!(c.hour_of_day(ms("2026-10-01T16:00:00Z")), 0);
        // 2026-10-05 is a Monday.
        assert_eq!(c.weekday(ms("2026-10-04T16:30:00Z")), 0);
        assert_eq!(midnight(tz, NaiveDate::from_ymd_opt(2026, 10, 2).unwrap()), ms("2026-10-01T16:00:00Z"));
    }

    #[test]
    fn dst_changes_are_found_to_the_millisecond() {
        // Europe/Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 → 02:00 local).
        let tz = parse_tz("Europe/Berlin").unwrap();
        let c = LocalClock::new(tz, ms("2026-10-01T00:00:00Z"), ms("2026-11-30T00:00:00Z"));
        assert_eq!(c.offset(ms("2026-10-25T00:59:59.999Z")), 2 * HOUR_MS);
        assert_eq!(c.offset(ms("2026-10-25T01:00:00Z")), HOUR_MS);
        assert_eq!(c.hour_of_day(ms("2026-10-25T00:30:00Z")), 2);
        assert_eq!(c.hour_of_day(ms("2026-10-25T01:30:00Z")), 2);
        // Spring forward: 02:30 on 2026-03-29 does not exist; read with the winter offset it is
        // 01:30 UTC (03:30 summer time), and 02:00 is 01:00 UTC (03:00).
        let at = |h, m| NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(h, m, 0).unwrap();
        assert_eq!(local_to_utc(tz, at(2, 30)), ms("2026-03-29T01:30:00Z"));
        assert_eq!(local_to_utc(tz, at(2, 0)), ms("2026-03-29T01:00:00Z"));
    }
}
