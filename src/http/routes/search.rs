//! `/search`: transcript search. Agent users see hits only in conversations
//! they took part in, never deleted content; every search is audited.

use actix_web::{HttpResponse, get, web};

use crate::http::AppState;
use crate::http::error::{ApiError, Code};
use crate::http::extract::Auth;
use crate::search::SearchError;
use crate::search::params::SearchParams;
use crate::search::service::{IndexStatus, SearchAnswer, Viewer};

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::NotReady { .. } => ApiError::new(Code::Unavailable, e.to_string()),
            SearchError::Invalid(m) => ApiError::bad(m),
            SearchError::Forbidden => ApiError::forbidden(),
            SearchError::Store(s) => s.into(),
            e => ApiError::internal(e.to_string()),
        }
    }
}

/// Searches every message, revision, recalled message, note, e-mail subject
/// and attachment name.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchAnswer), (status = 400, body = crate::http::error::ErrorBody),
        (status = 503, description = "the index is still being built")))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    p: web::Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let req = p.resolve().map_err(ApiError::bad)?;
    let viewer = Viewer { role: auth.who.role, agent: auth.who.agent.clone(), actor: auth.actor() };
    let service = state.search.clone();
    let answer = web::block(move || service.search(&viewer, &req)).await.map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok().json(answer))
}

/// Whether the index is ready, and how far a build has come.
#[utoipa::path(get, path = "/api/v1/search/status", tag = "search",
    responses((status = 200, body = IndexStatus)))]
#[get("/search/status")]
pub async fn status(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.search.status()))
}
