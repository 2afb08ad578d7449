//! The answer's shapes: every metric of sections 4 and 5, named as the
//! issue's API sketch names them, with statistics over nothing as null.

use std::collections::BTreeMap;

use serde::Serialize;

use super::query::QueryEcho;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Stat3 {
    pub mean: Option<f64>,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Stat2 {
    pub mean: Option<f64>,
    pub median: Option<i64>,
    pub count: u64,
}

/// A mean and its count (CSAT, depth, post-transfer response time).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MeanCount {
    pub mean: Option<f64>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SpanDays {
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChannelShare {
    /// "handled" for an agent, "new" for any other group or the whole selection.
    pub base: &'static str,
    pub count: u64,
    pub shares: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Sla {
    pub attained: u64,
    pub count: u64,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeakHourStability {
    /// The (up to) three hours of day with the most answered waits, by wait start.
    pub busy_hours: Vec<u8>,
    pub peak_p90: Option<i64>,
    pub overall_p90: Option<i64>,
    pub ratio: Option<f64>,
    pub count: u64,
    pub peak_count: u64,
}

/// The business-hours variants (metrics.md section 6).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BusinessMetrics {
    pub first_response: Stat3,
    pub reply: Stat3,
    pub duration: Stat2,
    pub resolution: Stat3,
    pub post_transfer: MeanCount,
    pub sla: Sla,
    pub peak_hour_stability: PeakHourStability,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Metrics {
    pub conversations_handled: u64,
    pub conversations_touched: u64,
    pub new_conversations: u64,
    pub first_response: Stat3,
    pub reply: Stat3,
    pub duration: Stat2,
    pub resolution: Stat3,
    pub channel_share: ChannelShare,
    pub unanswered: u64,
    pub sla: Sla,
    pub messages_in: u64,
    pub messages_out: u64,
    pub csat: MeanCount,
    pub depth: MeanCount,
    pub follow_ups: u64,
    pub engagement_span_days: SpanDays,
    pub transfers_made: u64,
    pub transfers_received: u64,
    pub transfer_rate: Option<f64>,
    pub post_transfer: MeanCount,
    pub notes_written: u64,
    pub peak_hour_stability: PeakHourStability,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<BusinessMetrics>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    /// The group's key: an agent id, team, role, channel, tag, or time bucket; null for "none".
    pub group: Option<String>,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MetricsAnswer {
    pub query: QueryEcho,
    pub overall: Metrics,
    pub groups: Vec<Group>,
}
