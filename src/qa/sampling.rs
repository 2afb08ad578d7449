//! Sampling: recurring review assignments (e.g. five conversations per agent
//! per week) picked at random or weighted toward risk (findings of the
//! automatic checks, low CSAT, transfers, long conversations), and each
//! reviewer's queue with progress and due dates.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::domain::time::Millis;
use crate::store::Conversation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// Every conversation of the agent in the period has the same chance.
    Random,
    /// Conversations with findings, low CSAT, transfers or a long duration are likelier.
    Risk,
}

/// What a manager sets up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanDraft {
    pub name: String,
    /// The reviewer (a user name).
    pub reviewer: String,
    pub scorecard: String,
    /// Conversations per agent per period.
    pub per_agent: usize,
    pub every: Every,
    pub pick: Pick,
    /// The agents sampled; empty with no `team`: every agent.
    #[serde(default)]
    pub agents: Vec<String>,
    #[serde(default)]
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: u64,
    /// What the manager set (not flattened: the stored encoding has no maps).
    pub draft: PlanDraft,
    pub created_by: String,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assignment {
    pub id: u64,
    pub plan: u64,
    pub reviewer: String,
    pub scorecard: String,
    pub conversation: String,
    pub agent: String,
    /// The period it was picked for: [start, due).
    pub period_start: String,
    pub due: String,
    pub due_ms: Millis,
    /// Why it was picked (for risk sampling).
    pub reasons: Vec<String>,
}

/// The current period of a plan at `now`: (start, end) in ms, UTC.
pub fn period(every: Every, now: Millis) -> (Millis, Millis) {
    let t = Utc.timestamp_millis_opt(now).single().unwrap_or_else(Utc::now);
    let day = t.date_naive();
    let (start, end) = match every {
        Every::Day => (day, day + Duration::days(1)),
        Every::Week => {
            let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
            (monday, monday + Duration::days(7))
        }
        Every::Month => {
            let first = day.with_day(1).expect("day 1");
            let next = if first.month() == 12 {
                first.with_year(first.year() + 1).and_then(|d| d.with_month(1))
            } else {
                first.with_month(first.month() + 1)
            };
            (first, next.expect("a next month"))
        }
    };
    let ms = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis();
    (ms(start), ms(end))
}

/// The risk weight of a conversation, and why.
pub fn risk(c: &Conversation, findings: usize) -> (f64, Vec<String>) {
    let mut w = 1.0;
    let mut why = Vec::new();
    if findings > 0 {
        w += 3.0 * findings.min(3) as f64;
        why.push(format!("{findings} finding(s)"));
    }
    if c.csat.is_some_and(|s| s <= 2) {
        w += 3.0;
        why.push(format!("CSAT {}", c.csat.unwrap_or(0)));
    }
    if c.transfers > 0 {
        w += 2.0;
        why.push(format!("{} transfer(s)", c.transfers));
    }
    if let (Some(a), Some(b)) = (c.first_message, c.last_message)
        && b - a > 3_600_000
    {
        w += 1.0;
        why.push("longer than an hour".into());
    }
    (w, why)
}

/// Picks up to `n` of `candidates` (conversation, weight), without replacement,
/// deterministically from `seed` (the same plan and period pick the same).
pub fn pick(mut candidates: Vec<(String, f64, Vec<String>)>, n: usize, seed: u64) -> Vec<(String, Vec<String>)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    while out.len() < n && !candidates.is_empty() {
        let total: f64 = candidates.iter().map(|c| c.1).sum();
        let mut x = rng.random::<f64>() * total;
        let mut i = 0;
        while i + 1 < candidates.len() && x >= candidates[i].1 {
            x -= candidates[i].1;
            i += 1;
        }
        let (id, _, why) = candidates.swap_remove(i);
        out.push((id, why));
    }
    out
}

/// The agents a plan samples.
pub fn agents_of(plan: &PlanDraft, teams: &HashMap<String, Option<String>>) -> HashSet<String> {
    teams
        .iter()
        .filter(|(a, t)| {
            (plan.agents.is_empty() || plan.agents.contains(a))
                && plan.team.as_ref().is_none_or(|team| t.as_ref() == Some(team))
        })
        .map(|(a, _)| a.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_on_the_day_the_monday_and_the_first() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-04T15:00:00Z").unwrap().timestamp_millis(); // a Friday
        let d = |ms: Millis| Utc.timestamp_millis_opt(ms).unwrap().format("%Y-%m-%d").to_string();
        let (a, b) = period(Every::Week, t);
        assert_eq!((d(a), d(b)), ("2026-11-30".to_string(), "2026-12-07".to_string()));
        let (a, b) = period(Every::Month, t);
        assert_eq!((d(a), d(b)), ("2026-12-01".to_string(), "2027-01-01".to_string()));
        let (a, b) = period(Every::Day, t);
        assert_eq!((d(a), d(b)), ("2026-12-04".to_string(), "2026-12-05".to_string()));
    }

    #[test]
    fn picking_is_deterministic_without_repeats_and_leans_to_risk() {
        let cands: Vec<(String, f64, Vec<String>)> =
            (0..20).map(|i| (format!("c-{i:02}"), if i == 7 { 50.0 } else { 1.0 }, vec![])).collect();
        let a = pick(cands.clone(), 5, 42);
        assert_eq!(a, pick(cands.clone(), 5, 42));
        let ids: HashSet<&String> = a.iter().map(|x| &x.0).collect();
        assert_eq!(ids.len(), 5);
        // The heavy one is picked in (nearly) every seed.
        let hits = (0..50).filter(|s| pick(cands.clone(), 1, *s).iter().any(|x| x.0 == "c-07")).count();
        assert!(hits > 30, "{hits}");
        assert_eq!(pick(cands[..3].to_vec(), 5, 1).len(), 3, "no more than there are");
    }
}
