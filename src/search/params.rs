//! Search parameters as they arrive (query string or command line), checked
//! and turned into a `SearchRequest`.

use serde::Deserialize;

use super::Sort;
use super::collect::DeletedMode;
use super::service::{MAX_LIMIT, SearchRequest};
use crate::metrics::clock::{midnight, parse_tz};
use crate::metrics::query::{list, parse_instant};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// The query: words (all must match), "exact phrases", OR, -word, prefix*,
    /// and filters agent:, team:, tag:, channel:, sender:, kind:.
    pub q: Option<String>,
    /// Comma-separated: any of these channels.
    pub channel: Option<String>,
    /// Comma-separated: conversations any of these agents took part in.
    pub agent: Option<String>,
    /// Comma-separated: conversations an agent of any of these teams took part in.
    pub team: Option<String>,
    /// Comma-separated: conversations that carry any of these tags now.
    pub tag: Option<String>,
    /// Comma-separated: customer, agent, bot.
    pub sender: Option<String>,
    /// A date (local midnight in `tz`) or an RFC 3339 time; inclusive.
    pub from: Option<String>,
    /// A date (inclusive: up to the next local midnight) or an RFC 3339 time (exclusive).
    pub to: Option<String>,
    /// IANA time zone for the dates; default UTC.
    pub tz: Option<String>,
    /// Deleted and recalled messages: `include` (default for admin, manager, qa), `exclude`, `only`.
    pub deleted: Option<String>,
    /// `relevance` (default with words) or `newest`.
    pub sort: Option<String>,
    /// The `next` of the previous page.
    pub page: Option<String>,
    /// Hits per page, 1 to 100 (default 20).
    pub limit: Option<usize>,
}

impl SearchParams {
    pub fn resolve(&self) -> Result<SearchRequest, String> {
        let tz_name = self.tz.as_deref().unwrap_or("UTC");
        let tz = parse_tz(tz_name).ok_or_else(|| format!("tz: {tz_name:?} is not an IANA time zone"))?;
        let from = self.from.as_deref().map(|s| parse_instant(s, tz, "from")).transpose()?;
        let to = match self.to.as_deref() {
            None => None,
            // A date is inclusive: up to the next midnight.
            Some(s) => Some(match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => midnight(tz, d.succ_opt().ok_or("to: date out of range")?),
                Err(_) => parse_instant(s, tz, "to")?,
            }),
        };
        if let (Some(a), Some(b)) = (from, to)
            && a >= b
        {
            return Err("from must be before to".into());
        }
        let deleted = match self.deleted.as_deref() {
            None | Some("") => None,
            Some("include") => Some(DeletedMode::Include),
            Some("exclude") | Some("false") => Some(DeletedMode::Exclude),
            Some("only") | Some("true") => Some(DeletedMode::Only),
            Some(o) => return Err(format!("deleted: {o:?} is not include, exclude or only")),
        };
        let sort = match self.sort.as_deref() {
            None | Some("") => None,
            Some(s) => Some(Sort::parse(s).ok_or_else(|| format!("sort: {s:?} is not relevance or newest"))?),
        };
        let offset = match self.page.as_deref() {
            None | Some("") => 0,
            Some(p) => p.parse::<usize>().map_err(|_| format!("page: {p:?} is not a cursor from `next`"))?,
        };
        let limit = self.limit.unwrap_or(0);
        if limit > MAX_LIMIT {
            return Err(format!("limit: at most {MAX_LIMIT}"));
        }
        Ok(SearchRequest {
            q: self.q.clone().unwrap_or_default(),
            channel: list(&self.channel),
            agent: list(&self.agent),
            team: list(&self.team),
            tag: list(&self.tag),
            sender: list(&self.sender),
            from,
            to,
            deleted,
            sort,
            offset,
            limit,
        })
    }
}
