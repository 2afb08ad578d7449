use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::limit;
use crate::domain::time::format_rfc3339;
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::{ADMINS, Auth};
use crate::store::verify::VerifyReport;
use crate::store::{AuditEntry, ChainHead};

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub seq: u64,
    pub ts: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub client: Option<String>,
    pub event_count: u64,
}

impl From<&AuditEntry> for AuditView {
    fn from(e: &AuditEntry) -> Self {
        AuditView {
            seq: e.seq,
            ts: format_rfc3339(e.ts),
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            detail: e.detail.clone(),
            request_id: e.request_id.clone(),
            client: e.client.clone(),
            event_count: e.event_count,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Entries before this seq (newest first); default: from the head.
    pub before: Option<u64>,
    pub limit: Option<usize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub head: Option<ChainHead>,
    pub items: Vec<AuditView>,
    pub next: Option<u64>,
}

/// The audit trail, newest first (admins only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = AuditPage)))]
#[get("/audit")]
pub async fn list(state: web::Data<AppState>, auth: Auth, q: web::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let n = limit(q.limit);
    let before = q.before;
    let (head, items) = blocking(move || {
        Ok::<_, crate::store::StoreError>((state.store.chain_head()?, state.store.audit_entries(before, n)?))
    })
    .await?;
    let next = (items.len() == n).then(|| items.last().map(|e| e.seq)).flatten();
    Ok(HttpResponse::Ok().json(AuditPage { head, items: items.iter().map(AuditView::from).collect(), next }))
}

/// Verifies the whole chain against the stored events (admins only).
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = VerifyReport)))]
#[post("/audit/verify")]
pub async fn verify(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let r = blocking(move || state.store.verify(&mut |_, _| {})).await?;
    Ok(HttpResponse::Ok().json(r))
}
