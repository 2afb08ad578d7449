//! Business time (metrics.md section 6): a weekly schedule of open intervals
//! in local wall time, with holidays, and the open milliseconds between two
//! instants.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::clock::{self, DAY_MS};

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The schedule as written in the API and the config file, e.g.
/// `{"tz":"Asia/Shanghai","hours":{"mon":[["09:00","12:00"],["13:00","18:00"]]},"holidays":["2026-10-01"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// IANA time zone of the wall times.
    pub tz: String,
    /// Open intervals per weekday (`mon` … `sun`), `HH:MM` to `HH:MM`, `24:00` allowed; unlisted days are closed.
    #[schema(value_type = Object)]
    pub hours: BTreeMap<String, Vec<(String, String)>>,
    /// Dates (`YYYY-MM-DD`) whose intervals are closed.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// A schedule checked and ready to use.
#[derive(Debug, Clone)]
pub struct Compiled {
    tz: Tz,
    /// Per weekday (0 = Monday): (start, end) in ms after local midnight, ascending, disjoint.
    week: [Vec<(i64, i64)>; 7],
    holidays: HashSet<NaiveDate>,
}

fn wall_ms(s: &str) -> Option<i64> {
    if s == "24:00" {
        return Some(DAY_MS);
    }
    let t = NaiveTime::parse_from_str(s, "%H:%M").ok()?;
    Some(t.signed_duration_since(NaiveTime::MIN).num_milliseconds())
}

impl Schedule {
    /// Checks every field; the error names the first wrong one.
    pub fn compile(&self) -> Result<Compiled, String> {
        let tz = clock::parse_tz(&self.tz).ok_or_else(|| format!("unknown time zone {:?}", self.tz))?;
        let mut week: [Vec<(i64, i64)>; 7] = Default::default();
        for (day, intervals) in &self.hours {
            let w = WEEKDAYS
                .iter()
                .position(|d| d == day)
                .ok_or_else(|| format!("unknown weekday {day:?} (use mon, tue, wed, thu, fri, sat, sun)"))?;
            for (a, b) in intervals {
                let bad = |s: &str| format!("{day}: {s:?} is not a time HH:MM (00:00 to 24:00)");
                let start = wall_ms(a).filter(|&m| m < DAY_MS).ok_or_else(|| bad(a))?;
                let end = wall_ms(b).ok_or_else(|| bad(b))?;
                if end <= start {
                    return Err(format!("{day}: interval {a}-{b} ends before it starts"));
                }
                week[w].push((start, end));
            }
            week[w].sort_unstable();
            if week[w].windows(2).any(|p| p[1].0 < p[0].1) {
                return Err(format!("{day}: intervals overlap"));
            }
        }
        let holidays = self
            .holidays
            .iter()
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| format!("holiday {d:?} is not a date YYYY-MM-DD"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Compiled { tz, week, holidays })
    }
}

/// Open intervals as UTC instants over a range, with the open time before each.
#[derive(Debug, Clone)]
pub struct BusinessClock {
    /// (start, end, open ms before start), ascending.
    intervals: Vec<(i64, i64, i64)>,
}

impl BusinessClock {
    /// Exact for instants in [lo, hi].
    pub fn new(s: &Compiled, lo: i64, hi: i64) -> BusinessClock {
        let day = |t: i64| clock::date_of_day((t + clock::offset_at(s.tz, t)).div_euclid(DAY_MS));
        let (first, last) = (day(lo).pred_opt().unwrap_or_default(), day(hi).succ_opt().unwrap_or_default());
        let mut intervals: Vec<(i64, i64, i64)> = Vec::new();
        let mut cum = 0;
        let mut d = first;
        while d <= last {
            if !s.holidays.contains(&d) {
                let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
                for &(a, b) in &s.week[d.weekday().num_days_from_monday() as usize] {
                    let at = |ms: i64| clock::local_to_utc(s.tz, midnight + chrono::Duration::milliseconds(ms));
                    let mut start = at(a);
                    let end = at(b);
                    if let Some(&(_, prev_end, _)) = intervals.last() {
                        start = start.max(prev_end);
                    }
                    if end > start {
                        intervals.push((start, end, cum));
                        cum += end - start;
                    }
                }
            }
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        BusinessClock { intervals }
    }

    /// Open milliseconds before the instant `t`.
    fn open_before(&self, t: i64) -> i64 {
        let i = self.intervals.partition_point(|&(start, _, _)| start <= t);
        if i == 0 {
            return 0;
        }
        let (start, end, cum) = self.intervals[i - 1];
        cum + t.min(end) - start
    }

    /// The open milliseconds in [start, end).
    pub fn open_ms(&self, start: i64, end: i64) -> i64 {
        (self.open_before(end) - self.open_before(start)).max(0)
    }
}
