//! One file per resource; `http::configure` is the route table.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod conversations;
pub mod directory;
pub mod events;
pub mod health;
pub mod hooks;
pub mod metrics;
pub mod qa;
pub mod replies;
pub mod search;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod widget;

use serde::Serialize;

/// A page of a list, with the cursor of the next page (null on the last).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

pub fn limit(l: Option<usize>) -> usize {
    l.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// Parses an optional RFC 3339 query bound.
pub fn time_param(name: &str, v: &Option<String>) -> Result<Option<i64>, super::error::ApiError> {
    match v {
        None => Ok(None),
        Some(s) => crate::domain::time::parse_rfc3339(s)
            .or_else(|| {
                // A bare date means its midnight UTC.
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|dt| dt.and_utc().timestamp_millis())
            })
            .map(Some)
            .ok_or_else(|| {
                super::error::ApiError::bad(format!("`{name}` must be RFC 3339 (with offset) or YYYY-MM-DD"))
            }),
    }
}
