//! `/metrics`: the figures of a period, their samples, the per-conversation
//! CSV and the role scorecards. Agent users see only their own figures.

use std::io;
use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::domain::UserRole;
use crate::domain::role::AgentRole;
use crate::domain::time::now_ms;
use crate::http::AppState;
use crate::http::error::{ApiError, Code};
use crate::http::extract::Auth;
use crate::metrics::csv_out::grouped_csv;
use crate::metrics::query::{GroupBy, Query, QueryParams};
use crate::metrics::report::MetricsAnswer;
use crate::metrics::samples::SamplesPage;
use crate::metrics::scorecard::Scorecard;
use crate::metrics::service::MetricsError;

impl From<MetricsError> for ApiError {
    fn from(e: MetricsError) -> Self {
        match e {
            MetricsError::Loading { .. } => ApiError::new(Code::Unavailable, e.to_string()),
            MetricsError::Invalid(m) => ApiError::bad(m),
            MetricsError::Store(s) => s.into(),
        }
    }
}

/// How long a query waits for one of the bounded query slots before 503.
const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// Runs a metrics computation on the metrics threads (see `metrics::runner`),
/// holding a query slot so that many concurrent queries queue instead of
/// starving ingest.
async fn run<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&crate::metrics::service::MetricsService) -> Result<T, MetricsError> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = tokio::time::timeout(QUEUE_WAIT, state.metric_slots.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::new(Code::Unavailable, "too many metric queries at once; try again shortly"))?
        .map_err(ApiError::internal)?;
    let service = state.metrics.clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    state.metric_runner.run(move || {
        let r = f(&service);
        drop(permit);
        let _ = tx.send(r);
    });
    let r = rx.await.map_err(|_| ApiError::internal("a metrics computation stopped"))?;
    Ok(r?)
}

/// The query, with an agent user held to its own figures.
fn resolve(auth: &Auth, p: &QueryParams) -> Result<Query, ApiError> {
    let mut q = p.resolve(now_ms()).map_err(ApiError::bad)?;
    if auth.who.role == UserRole::Agent {
        let own = auth.who.agent.clone().ok_or_else(ApiError::forbidden)?;
        if q.filters.agent.iter().any(|a| *a != own) || matches!(q.group_by, Some(GroupBy::Agent | GroupBy::Team)) {
            return Err(ApiError::forbidden());
        }
        q.filters.agent = vec![own];
    }
    Ok(q)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FormatParam {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Every metric of the period for the whole selection and for each group.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "metrics", params(QueryParams, FormatParam),
    responses((status = 200, body = MetricsAnswer), (status = 400, body = crate::http::error::ErrorBody),
        (status = 503, description = "still loading, or too many queries at once")))]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Query<QueryParams>,
    f: web::Query<FormatParam>,
) -> Result<HttpResponse, ApiError> {
    let q = resolve(&auth, &p)?;
    let answer = run(&state, move |m| m.metrics(&q)).await?;
    match f.format.as_deref() {
        None | Some("json") => Ok(HttpResponse::Ok().json(answer)),
        Some("csv") => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("Content-Disposition", "attachment; filename=\"metrics.csv\""))
            .body(grouped_csv(&answer))),
        Some(other) => Err(ApiError::bad(format!("format {other:?} is not json or csv"))),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SamplesParams {
    /// The figure: first_response, reply, duration, resolution, post_transfer, engagement_span_days,
    /// sla, csat, unanswered, new_conversations, conversations_handled, conversations_touched, depth,
    /// messages_in, messages_out, follow_ups, transfers_made, transfers_received, notes_written.
    pub metric: String,
    /// With `group_by`: only this group's rows (its key as in the metrics answer; empty for "none").
    pub group: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

/// The samples behind a figure, ordered by the time that places them in the period.
#[utoipa::path(get, path = "/api/v1/metrics/samples", tag = "metrics", params(QueryParams, SamplesParams),
    responses((status = 200, body = SamplesPage), (status = 400, body = crate::http::error::ErrorBody)))]
#[get("/metrics/samples")]
pub async fn samples(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Query<QueryParams>,
    s: web::Query<SamplesParams>,
) -> Result<HttpResponse, ApiError> {
    let q = resolve(&auth, &p)?;
    let offset = match &s.cursor {
        None => 0,
        Some(c) => c.parse::<usize>().map_err(|_| ApiError::bad("invalid cursor"))?,
    };
    let limit = s.limit.unwrap_or(100).clamp(1, 1000);
    let s = s.into_inner();
    let page = run(&state, move |m| m.samples(&q, &s.metric, s.group.as_deref(), offset, limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One CSV row per conversation active in the period, with its figures as of the period's end. Streamed.
#[utoipa::path(get, path = "/api/v1/metrics/conversations.csv", tag = "metrics", params(QueryParams),
    responses((status = 200, content_type = "text/csv", body = String)))]
#[get("/metrics/conversations.csv")]
pub async fn conversations_csv(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Query<QueryParams>,
) -> Result<HttpResponse, ApiError> {
    let q = resolve(&auth, &p)?;
    // Errors (a bad query, still loading) answer before the 200; then the rows stream.
    let plan_q = q.clone();
    let internals = run(&state, move |m| m.export_plan(&plan_q)).await?;
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, io::Error>>(8);
    let service = state.metrics.clone();
    tokio::task::spawn_blocking(move || {
        let r = service.export_csv(&q, &internals, &mut |chunk| tx.blocking_send(Ok(Bytes::from(chunk))).is_ok());
        if let Err(e) = r {
            tracing::error!(error = %e, "per-conversation export failed");
            let _ = tx.blocking_send(Err(io::Error::other(e.to_string())));
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"conversations.csv\""))
        .streaming(stream))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ScorecardParams {
    /// Columns of this role instead of the agent's (or the team's most common) role.
    pub scorecard_role: Option<String>,
}

/// The role scorecard of an agent (`agent=`) next to its team's spread, or of a team (`team=`) as a table.
#[utoipa::path(get, path = "/api/v1/metrics/scorecard", tag = "metrics", params(QueryParams, ScorecardParams),
    responses((status = 200, body = Scorecard), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/metrics/scorecard")]
pub async fn scorecard(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Query<QueryParams>,
    s: web::Query<ScorecardParams>,
) -> Result<HttpResponse, ApiError> {
    let mut params = p.into_inner();
    let agent = params.agent.take();
    let team = params.team.take();
    if auth.who.role == UserRole::Agent && (agent.is_none() || agent != auth.who.agent) {
        return Err(ApiError::forbidden());
    }
    let q = params.resolve(now_ms()).map_err(ApiError::bad)?;
    let role = match &s.scorecard_role {
        Some(r) => Some(AgentRole::parse(r).ok_or_else(|| ApiError::bad(format!("unknown role {r:?}")))?),
        None => None,
    };
    let mut card = run(&state, move |m| m.scorecard(&q, agent.as_deref(), team.as_deref(), role)).await?;
    if auth.who.role == UserRole::Agent {
        // An agent sees where it stands, not its colleagues one by one.
        card.agents.retain(|a| Some(&a.agent) == auth.who.agent.as_ref());
    }
    Ok(HttpResponse::Ok().json(card))
}

/// One conversation's own figures over its whole life: first response, every
/// reply time, duration, resolution, depth, transfers, CSAT (the columns of the
/// per-conversation CSV). Agent users: only conversations they took part in.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/figures", tag = "metrics",
    responses((status = 200, body = Object), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/conversations/{id}/figures")]
pub async fn conversation_figures(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let viewer = (auth.who.role == UserRole::Agent).then(|| auth.who.agent.clone().unwrap_or_default());
    let figures = run(&state, move |m| m.conversation_figures(&id, viewer.as_deref(), now_ms())).await?;
    match figures {
        Some(f) => Ok(HttpResponse::Ok().json(f)),
        None => Err(ApiError::not_found("conversation")),
    }
}
