use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};

use super::{Paged, limit, time_param};
use crate::domain::{Channel, UserRole};
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::Auth;
use crate::record::timeline::{self, TimelineItem};
use crate::record::views::ConversationView;
use crate::store::queries::ConvFilter;
use crate::store::{Status, StoreError};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub channel: Option<String>,
    pub agent: Option<String>,
    pub team: Option<String>,
    /// `open`, `resolved` or `waiting` (a customer waits for a human answer).
    pub status: Option<String>,
    pub tag: Option<String>,
    pub contact: Option<String>,
    /// Activity overlapping [from, to): RFC 3339 or YYYY-MM-DD.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

fn parse_cursor(c: &Option<String>) -> Result<Option<(i64, u64)>, ApiError> {
    match c {
        None => Ok(None),
        Some(s) => s
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .map(Some)
            .ok_or_else(|| ApiError::bad("invalid cursor")),
    }
}

/// Conversations, most recently active first. Agent users see only their own.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "record", params(ListQuery),
    responses((status = 200, body = Paged<ConversationView>)))]
#[get("/conversations")]
pub async fn list(state: web::Data<AppState>, auth: Auth, q: web::Query<ListQuery>) -> Result<HttpResponse, ApiError> {
    let mut f = ConvFilter {
        channel: match &q.channel {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| ApiError::bad(format!("unknown channel {c:?}")))?),
            None => None,
        },
        agent: q.agent.clone(),
        team: q.team.clone(),
        tag: q.tag.clone(),
        contact: q.contact.clone(),
        from: time_param("from", &q.from)?,
        to: time_param("to", &q.to)?,
        ..Default::default()
    };
    match q.status.as_deref() {
        None => {}
        Some("open") => f.status = Some(Status::Open),
        Some("resolved") => f.status = Some(Status::Resolved),
        Some("waiting") => f.waiting = Some(true),
        Some(s) => return Err(ApiError::bad(format!("status {s:?} is not open, resolved or waiting"))),
    }
    if auth.who.role == UserRole::Agent {
        f.agent = auth.who.agent.clone().or(Some(String::new()));
        if q.agent.is_some() && q.agent != auth.who.agent {
            return Err(ApiError::forbidden());
        }
    }
    let after = parse_cursor(&q.cursor)?;
    let n = limit(q.limit);
    let page = blocking(move || state.store.list_conversations(&f, after, n)).await?;
    Ok(HttpResponse::Ok().json(Paged {
        items: page.items.iter().map(ConversationView::from).collect(),
        next: page.next.map(|(a, b)| format!("{a}.{b}")),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Transcript {
    pub conversation: ConversationView,
    pub timeline: Vec<TimelineItem>,
}

/// One conversation's full timeline. Reading it is recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "record",
    responses((status = 200, body = Transcript), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/conversations/{id}")]
pub async fn get(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = auth.actor();
    let viewer_agent = (auth.who.role == UserRole::Agent).then(|| auth.who.agent.clone().unwrap_or_default());
    let sees_all = auth.who.role.sees_everything();
    let found = blocking(move || {
        // An agent may open only conversations it took part in; the check comes before the read.
        if let Some(a) = &viewer_agent {
            match state.store.conversation(&id)? {
                Some(c) if c.agents.contains(a) => {}
                _ => return Ok::<_, StoreError>(None),
            }
        }
        state.store.read_transcript(&actor, &id)
    })
    .await?;
    let Some((conv, events)) = found else {
        return Err(ApiError::not_found("conversation"));
    };
    Ok(HttpResponse::Ok()
        .json(Transcript { conversation: ConversationView::from(&conv), timeline: timeline::build(&events, sees_all) }))
}
