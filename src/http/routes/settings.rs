//! `/settings`: the business-hours schedule and the SLA targets. Reading is
//! open to every signed-in user; changing is for admins and managers.

use actix_web::{HttpResponse, delete, get, put, web};

use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Auth, MANAGERS};
use crate::metrics::schedule::Schedule;
use crate::metrics::settings::SlaTargets;

/// The business-hours schedule (null when none is set).
#[utoipa::path(get, path = "/api/v1/settings/business-hours", tag = "settings",
    responses((status = 200, body = Option<Schedule>)))]
#[get("/settings/business-hours")]
pub async fn get_schedule(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let m = state.metrics.clone();
    let s = web::block(move || m.settings()).await??;
    Ok(HttpResponse::Ok().json(s.schedule))
}

/// Sets the schedule; business figures of every period change at once.
#[utoipa::path(put, path = "/api/v1/settings/business-hours", tag = "settings", request_body = Schedule,
    responses((status = 200, body = Schedule), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/settings/business-hours")]
pub async fn put_schedule(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<Schedule>,
) -> Result<HttpResponse, ApiError> {
    auth.require(MANAGERS)?;
    let (m, actor, s) = (state.metrics.clone(), auth.actor(), body.into_inner());
    let saved = s.clone();
    web::block(move || m.set_schedule(&actor, Some(&s))).await??;
    Ok(HttpResponse::Ok().json(saved))
}

/// Removes the schedule: no business variants any more.
#[utoipa::path(delete, path = "/api/v1/settings/business-hours", tag = "settings", responses((status = 204)))]
#[delete("/settings/business-hours")]
pub async fn delete_schedule(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(MANAGERS)?;
    let (m, actor) = (state.metrics.clone(), auth.actor());
    web::block(move || m.set_schedule(&actor, None)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// The first-response targets: a default and per team.
#[utoipa::path(get, path = "/api/v1/settings/sla", tag = "settings", responses((status = 200, body = SlaTargets)))]
#[get("/settings/sla")]
pub async fn get_sla(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let m = state.metrics.clone();
    let s = web::block(move || m.settings()).await??;
    Ok(HttpResponse::Ok().json(s.sla))
}

#[utoipa::path(put, path = "/api/v1/settings/sla", tag = "settings", request_body = SlaTargets,
    responses((status = 200, body = SlaTargets), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/settings/sla")]
pub async fn put_sla(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<SlaTargets>,
) -> Result<HttpResponse, ApiError> {
    auth.require(MANAGERS)?;
    let (m, actor, s) = (state.metrics.clone(), auth.actor(), body.into_inner());
    let saved = s.clone();
    web::block(move || m.set_sla(&actor, &s)).await??;
    Ok(HttpResponse::Ok().json(saved))
}
