//! `/chat/{channel}/…`: the web chat widget's endpoints. Open to any visitor
//! of an allowed site (CORS), rate-limited; a visitor sees only its own
//! conversation's messages, found by the id in its cookie.

use std::convert::Infallible;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::channels::service::{WidgetError, WidgetPost};
use crate::http::AppState;

fn origin(req: &HttpRequest) -> Option<String> {
    req.headers().get("origin").and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// CORS headers for the page's origin (the widget runs on the customer's site).
fn cors(resp: &mut actix_web::HttpResponseBuilder, origin: &Option<String>) {
    resp.insert_header(("Access-Control-Allow-Origin", origin.clone().unwrap_or_else(|| "*".into())))
        .insert_header(("Vary", "Origin"))
        .insert_header(("Cache-Control", "no-store"));
}

fn refused(e: WidgetError, origin: &Option<String>) -> HttpResponse {
    let (mut resp, msg) = match e {
        WidgetError::NotFound => (HttpResponse::NotFound(), "no such chat".to_string()),
        WidgetError::Origin => (HttpResponse::Forbidden(), "this site may not use this chat".to_string()),
        WidgetError::Invalid(m) => (HttpResponse::BadRequest(), m),
        WidgetError::TooMany(secs) => {
            let mut r = HttpResponse::TooManyRequests();
            r.insert_header(("Retry-After", secs.to_string()));
            (r, format!("too many messages; wait {secs} s"))
        }
        WidgetError::Busy => (HttpResponse::ServiceUnavailable(), "busy; retry".to_string()),
        WidgetError::Internal(m) => {
            tracing::error!(error = %m, "web chat");
            (HttpResponse::InternalServerError(), "not stored; retry".to_string())
        }
    };
    cors(&mut resp, origin);
    resp.json(serde_json::json!({"error": msg}))
}

/// CORS preflight.
pub async fn preflight(req: HttpRequest) -> HttpResponse {
    let o = origin(&req);
    let mut r = HttpResponse::NoContent();
    cors(&mut r, &o);
    r.insert_header(("Access-Control-Allow-Methods", "GET, POST, OPTIONS"))
        .insert_header(("Access-Control-Allow-Headers", "Content-Type"))
        .insert_header(("Access-Control-Max-Age", "86400"))
        .finish()
}

/// A visitor's message. The body is JSON (sent as text/plain, so no preflight is needed).
pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    channel: web::Path<String>,
    body: Bytes,
) -> HttpResponse {
    let o = origin(&req);
    let m: WidgetPost = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => return refused(WidgetError::Invalid(format!("the body is not a widget message: {e}")), &o),
    };
    let client = req.connection_info().realip_remote_addr().unwrap_or("unknown").to_string();
    match state.channels.widget_post(&channel, o.as_deref(), &client, m).await {
        Ok(()) => {
            let mut r = HttpResponse::Accepted();
            cors(&mut r, &o);
            r.json(serde_json::json!({"ok": true}))
        }
        Err(e) => refused(e, &o),
    }
}

#[derive(Deserialize)]
pub struct Since {
    pub visitor: String,
    /// Only messages after this seq (the last one the widget has).
    pub after: Option<u64>,
}

/// The page's origin and the visitor's conversation, or the refusal to send.
fn visitor_conversation(
    state: &AppState,
    req: &HttpRequest,
    channel: &str,
    visitor: &str,
) -> Result<(String, Option<String>), Box<HttpResponse>> {
    let o = origin(req);
    match state.channels.widget_conversation(channel, o.as_deref(), visitor) {
        Ok(c) => Ok((c, o)),
        Err(e) => Err(Box::new(refused(e, &o))),
    }
}

/// The visitor's conversation so far (the stream's fallback).
pub async fn history(
    state: web::Data<AppState>,
    req: HttpRequest,
    channel: web::Path<String>,
    q: web::Query<Since>,
) -> HttpResponse {
    let (conv, o) = match visitor_conversation(&state, &req, &channel, &q.visitor) {
        Ok(x) => x,
        Err(refusal) => return *refusal,
    };
    let (ch, after) = (state.channels.clone(), q.after.unwrap_or(0));
    match web::block(move || ch.widget_history(&conv, after)).await {
        Ok(Ok(list)) => {
            let mut r = HttpResponse::Ok();
            cors(&mut r, &o);
            r.json(list)
        }
        Ok(Err(e)) => refused(e, &o),
        Err(e) => refused(WidgetError::Internal(e.to_string()), &o),
    }
}

/// Server-sent events: every new message of the visitor's conversation, live.
pub async fn stream(
    state: web::Data<AppState>,
    req: HttpRequest,
    channel: web::Path<String>,
    q: web::Query<Since>,
) -> HttpResponse {
    let (conv, o) = match visitor_conversation(&state, &req, &channel, &q.visitor) {
        Ok(x) => x,
        Err(refusal) => return *refusal,
    };
    // A reconnecting EventSource says where it stopped.
    let resume = req.headers().get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let mut after: u64 = resume.or(q.after).unwrap_or(0);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, Infallible>>(32);
    let channels = state.channels.clone();
    let mut updates = channels.subscribe();
    actix_web::rt::spawn(async move {
        loop {
            let (ch, c) = (channels.clone(), conv.clone());
            let Ok(Ok(list)) = web::block(move || ch.widget_history(&c, after)).await else { return };
            for m in list {
                after = after.max(m.seq);
                let data = serde_json::to_string(&m).unwrap_or_default();
                let frame = format!("id: {}\nevent: message\ndata: {data}\n\n", m.seq);
                if tx.send(Ok(Bytes::from(frame))).await.is_err() {
                    return;
                }
            }
            // Wait for this conversation to change; a comment line every 20 s keeps proxies from closing.
            loop {
                tokio::select! {
                    r = updates.recv() => match r {
                        Ok(c) if c == conv => break,
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    },
                    _ = tokio::time::sleep(Duration::from_secs(20)) => {
                        if tx.send(Ok(Bytes::from_static(b": ping\n\n"))).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    let mut r = HttpResponse::Ok();
    cors(&mut r, &o);
    r.content_type("text/event-stream")
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}
