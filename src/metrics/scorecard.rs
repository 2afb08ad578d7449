//! Role scorecards (metrics.md section 5): each role's columns, for an agent
//! next to its team's distribution, or for a whole team as a table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::query::QueryEcho;
use super::report::{Group, Metrics};
use crate::domain::AgentRecord;
use crate::domain::role::AgentRole;

/// One column: its name, where it is in the metrics, and which way is better.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Column {
    pub key: &'static str,
    /// JSON pointer into the metrics object.
    pub source: &'static str,
    /// "lower" or "higher".
    pub better: &'static str,
}

const fn col(key: &'static str, source: &'static str, better: &'static str) -> Column {
    Column { key, source, better }
}

pub const SUPPORT: &[Column] = &[
    col("first_response_median", "/first_response/median", "lower"),
    col("first_response_p90", "/first_response/p90", "lower"),
    col("reply_mean", "/reply/mean", "lower"),
    col("reply_p90", "/reply/p90", "lower"),
    col("sla_attainment", "/sla/share", "higher"),
    col("resolution_median", "/resolution/median", "lower"),
    col("unanswered", "/unanswered", "lower"),
    col("csat_mean", "/csat/mean", "higher"),
    col("peak_hour_stability", "/peak_hour_stability/ratio", "lower"),
];

pub const SALES: &[Column] = &[
    col("conversations_handled", "/conversations_handled", "higher"),
    col("depth_mean", "/depth/mean", "higher"),
    col("follow_ups", "/follow_ups", "higher"),
    col("engagement_span_days_mean", "/engagement_span_days/mean", "higher"),
    col("reply_mean", "/reply/mean", "lower"),
    col("reply_p90", "/reply/p90", "lower"),
];

pub const OPS: &[Column] = &[
    col("transfers_made", "/transfers_made", "higher"),
    col("transfers_received", "/transfers_received", "higher"),
    col("transfer_rate", "/transfer_rate", "higher"),
    col("post_transfer_mean", "/post_transfer/mean", "lower"),
    col("notes_written", "/notes_written", "higher"),
];

pub fn columns(role: AgentRole) -> &'static [Column] {
    match role {
        AgentRole::Support => SUPPORT,
        AgentRole::Sales => SALES,
        AgentRole::Ops => OPS,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgentScore {
    pub agent: String,
    pub name: Option<String>,
    pub team: Option<String>,
    pub active: bool,
    /// Column → value (null: no samples).
    pub values: BTreeMap<String, Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Spread {
    /// Nearest-rank median and p90 across the agents with a value.
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub agents: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub query: QueryEcho,
    pub role: AgentRole,
    pub team: Option<String>,
    pub columns: Vec<Column>,
    /// The agent asked for (with `agent=`).
    pub agent: Option<AgentScore>,
    /// Every agent of the team (or the agent alone when it has none).
    pub agents: Vec<AgentScore>,
    pub team_distribution: BTreeMap<String, Spread>,
}

fn value(m: &Metrics, c: &Column) -> Option<f64> {
    serde_json::to_value(m).ok()?.pointer(c.source)?.as_f64()
}

/// Nearest-rank percentile of floats (metrics.md section 3, applied across agents).
pub fn spread(mut v: Vec<f64>) -> Spread {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    let at = |p: usize| (n > 0).then(|| v[(p * n).div_ceil(100).max(1) - 1]);
    Spread { median: at(50), p90: at(90), agents: n as u64 }
}

/// Builds the scorecard from the per-agent groups of a query filtered to the team.
pub fn build(
    query: QueryEcho,
    role: AgentRole,
    team: Option<String>,
    members: &[AgentRecord],
    groups: &[Group],
    focus: Option<&str>,
) -> Scorecard {
    let cols = columns(role);
    // An agent with nothing in the period: counts of nothing are 0, statistics null.
    let nothing = super::bucket::Bucket::default().finish(true, None, query.business);
    let agents: Vec<AgentScore> = members
        .iter()
        .map(|a| {
            let m = groups.iter().find(|g| g.group.as_deref() == Some(a.id.as_str())).map_or(&nothing, |g| &g.metrics);
            AgentScore {
                agent: a.id.clone(),
                name: a.name.clone(),
                team: a.team.clone(),
                active: a.active != Some(false),
                values: cols.iter().map(|c| (c.key.to_string(), value(m, c))).collect(),
            }
        })
        .collect();
    let team_distribution = cols
        .iter()
        .map(|c| (c.key.to_string(), spread(agents.iter().filter_map(|a| a.values[c.key]).collect())))
        .collect();
    let agent = focus.and_then(|f| agents.iter().find(|a| a.agent == f).cloned());
    Scorecard { query, role, team, columns: cols.to_vec(), agent, agents, team_distribution }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_nearest_rank_across_agents() {
        // 4 agents: median rank 2, p90 rank 4.
        let s = spread(vec![30.0, 10.0, 40.0, 20.0]);
        assert_eq!((s.median, s.p90, s.agents), (Some(20.0), Some(40.0), 4));
        assert_eq!(spread(vec![]), Spread { median: None, p90: None, agents: 0 });
    }
}
