//! `/hooks/{path}/{id}`: channel webhooks. Not under `/api/v1` and not signed
//! in: each is authenticated by its channel's signature instead (see
//! `channels::hooks`). Answers are plain text, as the channels expect.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;

use crate::channels::hooks::{HookError, Request};
use crate::http::AppState;

/// Largest webhook body accepted (Meta batches up to 1000 updates in one).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

fn headers(req: &HttpRequest) -> HashMap<String, String> {
    req.headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
        .collect()
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_default()
}

fn answer(e: HookError) -> HttpResponse {
    match e {
        HookError::NotFound => HttpResponse::NotFound().body("no such channel"),
        HookError::Unauthorized(what) => {
            tracing::warn!(check = what, "webhook refused: bad or missing signature");
            HttpResponse::Unauthorized().body(format!("bad or missing {what}"))
        }
        HookError::Forbidden => HttpResponse::Forbidden().body("verify token mismatch"),
        HookError::BadRequest(m) => HttpResponse::BadRequest().body(m),
        HookError::Busy => HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).body("busy, retry"),
        HookError::Internal(m) => {
            tracing::error!(error = %m, "storing a webhook failed");
            HttpResponse::InternalServerError().body("not stored, retry")
        }
    }
}

/// The channel's verification handshake (Meta's hub.challenge, WeChat's echostr).
pub async fn handshake(state: web::Data<AppState>, req: HttpRequest, p: web::Path<(String, String)>) -> HttpResponse {
    let (h, q) = (headers(&req), query(&req));
    match state.channels.handshake(&p.0, &p.1, &Request { headers: &h, query: &q }) {
        Ok(body) => HttpResponse::Ok().content_type("text/plain").body(body),
        Err(e) => answer(e),
    }
}

/// A delivery: checked, stored durably, acknowledged; translated afterwards.
pub async fn deliver(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: web::Path<(String, String)>,
    body: Bytes,
) -> HttpResponse {
    let (h, q) = (headers(&req), query(&req));
    match state.channels.receive(&p.0, &p.1, &Request { headers: &h, query: &q }, body.to_vec()).await {
        Ok(ack) => HttpResponse::Ok().content_type("text/plain").body(ack),
        Err(e) => answer(e),
    }
}
