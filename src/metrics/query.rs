//! What a metrics query asks: a period, a time zone, a grouping, filters.
//! Parsed from the same textual parameters by the API and the CLI.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::clock::{self, DAY_MS, LocalClock};
use crate::domain::Channel;
use crate::domain::role::AgentRole;
use crate::domain::time::{format_rfc3339, parse_rfc3339};

/// At most this many time buckets in one answer.
pub const MAX_BUCKETS: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Agent,
    Team,
    Role,
    Channel,
    Tag,
    Hour,
    Day,
    Week,
    Month,
    HourOfDay,
    Weekday,
    WeekdayHour,
}

impl GroupBy {
    pub const ALL: [GroupBy; 12] = [
        GroupBy::Agent,
        GroupBy::Team,
        GroupBy::Role,
        GroupBy::Channel,
        GroupBy::Tag,
        GroupBy::Hour,
        GroupBy::Day,
        GroupBy::Week,
        GroupBy::Month,
        GroupBy::HourOfDay,
        GroupBy::Weekday,
        GroupBy::WeekdayHour,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Agent => "agent",
            GroupBy::Team => "team",
            GroupBy::Role => "role",
            GroupBy::Channel => "channel",
            GroupBy::Tag => "tag",
            GroupBy::Hour => "hour",
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
            GroupBy::HourOfDay => "hour_of_day",
            GroupBy::Weekday => "weekday",
            GroupBy::WeekdayHour => "weekday_hour",
        }
    }

    pub fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// Filters: within one, any value matches; across them, all must.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Filters {
    pub agent: Vec<String>,
    pub team: Vec<String>,
    pub role: Vec<AgentRole>,
    pub channel: Vec<Channel>,
    pub tag: Vec<String>,
}

impl Filters {
    /// Whether a filter applies to whom an item is attributed.
    pub fn by_agent(&self) -> bool {
        !(self.agent.is_empty() && self.team.is_empty() && self.role.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Query {
    pub from: i64,
    pub to: i64,
    pub tz: Tz,
    pub group_by: Option<GroupBy>,
    pub filters: Filters,
    /// Whether to compute the business variants (None: when a schedule exists).
    pub business: Option<bool>,
}

/// The query as the parameters give it, before checking.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueryParams {
    /// Start, inclusive: `YYYY-MM-DD` (local midnight in `tz`) or an RFC 3339 time. Default: 30 days before `to`.
    pub from: Option<String>,
    /// End, exclusive: `YYYY-MM-DD` or RFC 3339. Default: the end of today in `tz`.
    pub to: Option<String>,
    /// IANA time zone for dates and time buckets. Default UTC.
    pub tz: Option<String>,
    /// agent, team, role, channel, tag, hour, day, week, month, hour_of_day, weekday, weekday_hour.
    pub group_by: Option<String>,
    /// Agent ids, comma-separated.
    pub agent: Option<String>,
    pub team: Option<String>,
    /// support, sales, ops.
    pub role: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    /// Business-hours variants: default when a schedule is set.
    pub business: Option<bool>,
}

/// A comma-separated parameter as its values (empty ones left out).
pub fn list(s: &Option<String>) -> Vec<String> {
    s.as_deref().unwrap_or("").split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// A date (local midnight in `tz`) or an RFC 3339 time.
pub fn parse_instant(s: &str, tz: Tz, what: &str) -> Result<i64, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(clock::midnight(tz, d));
    }
    parse_rfc3339(s).ok_or_else(|| format!("{what}: {s:?} is neither a date YYYY-MM-DD nor an RFC 3339 time"))
}

impl QueryParams {
    pub fn resolve(&self, now: i64) -> Result<Query, String> {
        let tz_name = self.tz.as_deref().unwrap_or("UTC");
        let tz = clock::parse_tz(tz_name).ok_or_else(|| format!("tz: unknown time zone {tz_name:?}"))?;
        let to = match &self.to {
            Some(s) => parse_instant(s, tz, "to")?,
            None => {
                let c = LocalClock::new(tz, now, now);
                clock::midnight(tz, clock::date_of_day(c.day(now) + 1))
            }
        };
        let from = match &self.from {
            Some(s) => parse_instant(s, tz, "from")?,
            None => {
                let c = LocalClock::new(tz, to, to);
                clock::midnight(tz, clock::date_of_day(c.day(to - 1) - 29))
            }
        };
        if from >= to {
            return Err("from must be before to".into());
        }
        let group_by = match self.group_by.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(g) => Some(GroupBy::parse(g).ok_or_else(|| {
                let all: Vec<_> = GroupBy::ALL.iter().map(|g| g.as_str()).collect();
                format!("group_by: unknown grouping {g:?} (one of {})", all.join(", "))
            })?),
        };
        if let Some(g @ (GroupBy::Hour | GroupBy::Day | GroupBy::Week)) = group_by {
            let size = match g {
                GroupBy::Hour => 3_600_000,
                GroupBy::Day => DAY_MS,
                _ => 7 * DAY_MS,
            };
            if (to - from) / size > MAX_BUCKETS {
                return Err(format!("group_by {}: more than {MAX_BUCKETS} buckets; use a shorter period", g.as_str()));
            }
        }
        let role = list(&self.role)
            .iter()
            .map(|r| AgentRole::parse(r).ok_or_else(|| format!("role: unknown role {r:?} (support, sales, ops)")))
            .collect::<Result<_, _>>()?;
        let channel = list(&self.channel)
            .iter()
            .map(|c| Channel::parse(c).ok_or_else(|| format!("channel: unknown channel {c:?}")))
            .collect::<Result<_, _>>()?;
        let filters = Filters { agent: list(&self.agent), team: list(&self.team), role, channel, tag: list(&self.tag) };
        Ok(Query { from, to, tz, group_by, filters, business: self.business })
    }
}

/// The query as answered, echoed in every answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueryEcho {
    pub from: String,
    pub to: String,
    pub tz: String,
    pub group_by: Option<GroupBy>,
    #[serde(flatten)]
    pub filters: Filters,
    pub business: bool,
}

impl Query {
    pub fn echo(&self, business: bool) -> QueryEcho {
        QueryEcho {
            from: format_rfc3339(self.from),
            to: format_rfc3339(self.to),
            tz: self.tz.name().to_string(),
            group_by: self.group_by,
            filters: self.filters.clone(),
            business,
        }
    }
}
