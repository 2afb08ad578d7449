//! `/channels`: channel instances (admins), their inbox, and e-mail uploads.
//! Secrets go in and never come back out.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};

use super::limit;
use crate::channels::config::{ChannelConfig, ChannelView};
use crate::channels::service::EmailImport;
use crate::http::AppState;
use crate::http::error::{ApiError, Code, blocking};
use crate::http::extract::{ADMINS, Auth};
use crate::store::inbox::Outcome;

/// Every channel instance, secrets shown only as set or not.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels", responses((status = 200, body = Vec<ChannelView>)))]
#[get("/channels")]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    Ok(HttpResponse::Ok().json(state.channels.views()))
}

/// Adds or replaces an instance. Secrets left out keep their stored values.
#[utoipa::path(put, path = "/api/v1/channels/{id}", tag = "channels", request_body = ChannelConfig,
    responses((status = 200, body = ChannelView), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/channels/{id}")]
pub async fn put(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: web::Json<ChannelConfig>,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let mut cfg = body.into_inner();
    if !cfg.id.is_empty() && cfg.id != *id {
        return Err(ApiError::bad(format!("the body's id {:?} is not the URL's {:?}", cfg.id, id.as_str())));
    }
    cfg.id = id.into_inner();
    let actor = auth.actor();
    let ch = state.channels.clone();
    let view = blocking(move || ch.put(&actor, cfg).map_err(ApiError::bad)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Removes an instance; its conversations and inbox stay.
#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "channels", responses((status = 204), (status = 404)))]
#[delete("/channels/{id}")]
pub async fn remove(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let (actor, ch) = (auth.actor(), state.channels.clone());
    let found = blocking(move || ch.remove(&actor, &id).map_err(ApiError::internal)).await?;
    if found { Ok(HttpResponse::NoContent().finish()) } else { Err(ApiError::not_found("channel")) }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct InboxQuery {
    /// Only items of this instance.
    pub channel: Option<String>,
    /// `problems`: only items with unknown parts or errors (and those not yet translated).
    pub show: Option<String>,
    pub limit: Option<usize>,
    /// The `next` of the previous page.
    pub cursor: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxEntry {
    pub seq: u64,
    pub channel: String,
    pub kind: String,
    pub received: String,
    pub bytes: usize,
    /// `pending`, `ok`, `unknown` or `error`.
    pub state: String,
    pub outcome: Option<Outcome>,
    /// The payload as received (UTF-8, lossy), for an admin to read.
    pub body: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub items: Vec<InboxEntry>,
    /// How many deliveries are stored, and how many wait for translation.
    pub total: u64,
    pub pending: u64,
    pub next: Option<u64>,
}

/// Deliveries as received, newest first, with what each became (admins).
#[utoipa::path(get, path = "/api/v1/channels-inbox", tag = "channels", params(InboxQuery),
    responses((status = 200, body = InboxPage)))]
#[get("/channels-inbox")]
pub async fn inbox(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let problems = match q.show.as_deref() {
        None | Some("all") => false,
        Some("problems") => true,
        Some(s) => return Err(ApiError::bad(format!("show {s:?} is not all or problems"))),
    };
    let n = limit(q.limit);
    let (channel, cursor) = (q.channel.clone(), q.cursor);
    let (rows, (total, pending)) = blocking(move || {
        Ok::<_, crate::store::StoreError>((
            state.store.inbox_list(channel.as_deref(), problems, cursor, n)?,
            state.store.inbox_counts()?,
        ))
    })
    .await?;
    let next = (rows.len() == n).then(|| rows.last().map(|r| r.0)).flatten();
    let items = rows
        .into_iter()
        .map(|(seq, it, oc)| InboxEntry {
            seq,
            channel: it.instance,
            kind: it.kind,
            received: crate::domain::time::format_rfc3339(it.received),
            bytes: it.body.len(),
            state: oc.as_ref().map_or("pending", |o| o.state()).to_string(),
            outcome: oc,
            body: String::from_utf8_lossy(&it.body).into_owned(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(InboxPage { items, total, pending, next }))
}

/// Uploads e-mail to an e-mail channel: one message (`message/rfc822`, .eml)
/// or a mailbox (`application/mbox`). Each message is stored once; threads
/// follow Message-ID, In-Reply-To and References.
#[utoipa::path(post, path = "/api/v1/channels/{id}/email", tag = "channels",
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 200, body = EmailImport), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/channels/{id}/email")]
pub async fn import_email(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let ct = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let mbox = ct.starts_with("application/mbox") || (ct.is_empty() && body.starts_with(b"From "));
    if body.is_empty() {
        return Err(ApiError::bad("the body is empty: send an .eml or .mbox file"));
    }
    let ch = state.channels.clone();
    let summary = blocking(move || {
        ch.import_email(&id, &body, mbox).map_err(|e| {
            if e.starts_with("no e-mail channel") { ApiError::new(Code::NotFound, e) } else { ApiError::bad(e) }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}
