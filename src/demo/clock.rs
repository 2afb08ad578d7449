//! Time: local wall-clock arithmetic, load curves and human delays.
//!
//! Everything is computed on UTC milliseconds plus a fixed offset in seconds: the demo
//! regions are modelled without daylight saving, which keeps every figure reproducible and
//! the timestamps easy to check by hand.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rand::Rng;

use super::random::{lognormal_ms, secs};

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// The demo covers the 90 days before `end_ms`.
pub const WINDOW_MS: i64 = 90 * DAY_MS;

/// RFC 3339 with milliseconds; a zero offset is written `Z`.
pub fn format_ts(ms: i64, offset_s: i32) -> String {
    let utc = DateTime::from_timestamp_millis(ms).expect("demo timestamps are within chrono's range");
    let zone = FixedOffset::east_opt(offset_s).expect("demo offsets are valid");
    utc.with_timezone(&zone).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn local_ms(ms: i64, offset_s: i32) -> i64 {
    ms + i64::from(offset_s) * SECOND_MS
}

/// Hour of the day (0-23) in local time.
pub fn local_hour(ms: i64, offset_s: i32) -> usize {
    (local_ms(ms, offset_s).rem_euclid(DAY_MS) / HOUR_MS) as usize
}

/// Day of the week in local time, Monday = 0 (1970-01-01 was a Thursday).
pub fn local_weekday(ms: i64, offset_s: i32) -> usize {
    (local_ms(ms, offset_s).div_euclid(DAY_MS) + 3).rem_euclid(7) as usize
}

/// The next local `hour`:00 strictly after `ms` (used for "we open at 9").
pub fn next_local_hour(ms: i64, offset_s: i32, hour: i64) -> i64 {
    let local = local_ms(ms, offset_s);
    let day_start = local.div_euclid(DAY_MS) * DAY_MS;
    let mut t = day_start + hour * HOUR_MS;
    if t <= local {
        t += DAY_MS;
    }
    t - i64::from(offset_s) * SECOND_MS
}

/// Relative inbound load by local hour: quiet nights, a morning peak, a lunch dip, and the
/// evening shopping peak typical of e-commerce.
const HOUR_LOAD: [f64; 24] = [
    0.22, 0.12, 0.07, 0.05, 0.05, 0.07, 0.16, 0.38, 0.72, 0.98, 1.0, 0.93, 0.74, 0.82, 0.93, 0.96, 0.9, 0.8, 0.72,
    0.78, 0.9, 0.94, 0.68, 0.4,
];
/// Relative inbound load by weekday: Monday backlog, quieter weekends.
const WEEKDAY_LOAD: [f64; 7] = [1.15, 1.08, 1.03, 1.0, 0.94, 0.66, 0.56];

/// Days before the end of the window during which a promotion doubles the traffic.
const PROMO_DAYS: std::ops::Range<i64> = 19..21;

/// Samples a conversation start in `[end - 90 d, end)` following the load curves in the
/// customer's local time, a slow growth trend and one promotion spike.
pub fn sample_start(rng: &mut impl Rng, end_ms: i64, offset_s: i32) -> i64 {
    let from = end_ms - WINDOW_MS;
    let max = 1.0 * 1.15 * 1.15 * 2.0;
    loop {
        let t = rng.random_range(from..end_ms);
        let growth = 0.85 + 0.3 * (t - from) as f64 / WINDOW_MS as f64;
        let promo = if PROMO_DAYS.contains(&((end_ms - t) / DAY_MS)) { 2.0 } else { 1.0 };
        let w = HOUR_LOAD[local_hour(t, offset_s)] * WEEKDAY_LOAD[local_weekday(t, offset_s)] * growth * promo;
        if rng.random::<f64>() * max < w {
            return t;
        }
    }
}

/// How much slower agents answer at a given local hour: a thin night shift, queues at the
/// peaks, and a lunch break. This is what the "peak-hour stability" figure picks up.
const AGENT_SLOWDOWN: [f64; 24] = [
    4.5, 5.5, 6.0, 6.0, 6.0, 5.0, 3.5, 2.2, 1.3, 1.15, 1.3, 1.2, 1.6, 1.35, 1.1, 1.2, 1.1, 1.0, 1.25, 1.45, 1.7, 1.9,
    2.4, 3.4,
];

/// Who is waiting for whom, for [`human_delay`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The first human answer of a conversation.
    First,
    /// Any later answer.
    Reply,
}

/// Context of a delay: the conversation's offset and channel kind, the team's habits.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    pub offset_s: i32,
    pub email: bool,
    /// Sales only works 09:00-21:00 local; support runs a (thin) night shift.
    pub office_hours: bool,
    /// The agent's personal speed factor (1.0 = typical, lower = faster).
    pub speed: f64,
}

/// Milliseconds until an agent answers a wait that started at `from`.
///
/// Log-normal around a median of ~2 min for a first response in chat (long tail), longer
/// for later replies to complex questions, hours on e-mail, slower at night and at weekends.
pub fn human_delay(rng: &mut impl Rng, from: i64, pace: Pace, wait: Wait) -> i64 {
    let hour = local_hour(from, pace.offset_s);
    if pace.office_hours && !(9..21).contains(&hour) {
        let open = next_local_hour(from, pace.offset_s, 9);
        return open - from + lognormal_ms(rng, 12.0 * MINUTE_MS as f64, 0.8);
    }
    let weekend = if local_weekday(from, pace.offset_s) >= 5 { 1.35 } else { 1.0 };
    let (median, sigma) = match (pace.email, wait) {
        (false, Wait::First) => (85.0 * SECOND_MS as f64, 1.05),
        (false, Wait::Reply) => (70.0 * SECOND_MS as f64, 0.95),
        (true, Wait::First) => (70.0 * MINUTE_MS as f64, 1.0),
        (true, Wait::Reply) => (45.0 * MINUTE_MS as f64, 1.0),
    };
    let scaled = median * pace.speed * weekend * AGENT_SLOWDOWN[hour];
    lognormal_ms(rng, scaled, sigma).max(4 * SECOND_MS)
}

/// Milliseconds until a customer writes back: under a minute in chat, hours on e-mail.
pub fn customer_delay(rng: &mut impl Rng, email: bool) -> i64 {
    if email {
        lognormal_ms(rng, 2.5 * HOUR_MS as f64, 1.1).max(2 * MINUTE_MS)
    } else {
        lognormal_ms(rng, 55.0 * SECOND_MS as f64, 1.0).max(3 * SECOND_MS)
    }
}

/// Milliseconds between two quick actions of the same person (a tag, a note, a fix).
pub fn quick(rng: &mut impl Rng, email: bool) -> i64 {
    if email { secs(rng, 30, 900) } else { secs(rng, 3, 90) }
}
