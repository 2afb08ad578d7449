use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};

use crate::auth::service;
use crate::domain::time::{format_rfc3339, now_ms};
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::{ADMINS, Auth};
use crate::store::AuditSpec;
use crate::store::users::ApiToken;

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub username: String,
    pub created: String,
    pub revoked: Option<String>,
}

impl From<&ApiToken> for TokenView {
    fn from(t: &ApiToken) -> Self {
        TokenView {
            id: t.id.clone(),
            name: t.name.clone(),
            username: t.username.clone(),
            created: format_rfc3339(t.created),
            revoked: t.revoked.map(format_rfc3339),
        }
    }
}

/// API tokens (never their secrets). Admins only.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = Vec<TokenView>)))]
#[get("/tokens")]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let t = blocking(move || state.store.tokens()).await?;
    Ok(HttpResponse::Ok().json(t.iter().map(TokenView::from).collect::<Vec<_>>()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    pub name: String,
    /// The user the token acts as (default: the caller).
    pub username: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// Shown once: only its hash is stored.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenView,
}

/// Creates a bearer token for integrations; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken)))]
#[post("/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<NewToken>,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let b = body.into_inner();
    if b.name.trim().is_empty() {
        return Err(ApiError::bad("a token needs a name"));
    }
    let user = b.username.unwrap_or_else(|| auth.who.username.clone());
    let actor = auth.actor();
    let (secret, t) = blocking(move || service::create_token(&state.store, &actor, &user, &b.name)).await?;
    Ok(HttpResponse::Created().json(CreatedToken { token: secret, info: TokenView::from(&t) }))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", responses((status = 200, body = TokenView)))]
#[delete("/tokens/{id}")]
pub async fn revoke(state: web::Data<AppState>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let id = id.into_inner();
    let spec = AuditSpec::new(&auth.actor(), "token.revoke", format!("token:{id}"));
    let t = blocking(move || state.store.revoke_token(spec, &id, now_ms())).await?;
    Ok(HttpResponse::Ok().json(TokenView::from(&t)))
}
