use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::auth::{SESSION_COOKIE, service};
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::{Auth, Meta};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    pub role: String,
    pub agent: Option<String>,
    /// `en` or `zh-CN`; null until the user picks one (the UI then follows the browser).
    pub locale: Option<String>,
}

fn secure(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// Signs in with a user name and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/signin", tag = "auth", request_body = SignIn,
    responses((status = 200, body = Me), (status = 401, body = crate::http::error::ErrorBody)))]
#[post("/auth/signin")]
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    meta: Meta,
    body: web::Json<SignIn>,
) -> Result<HttpResponse, ApiError> {
    let SignIn { username, password } = body.into_inner();
    let hours = state.session_hours;
    let st = state.clone();
    let actor = meta.anonymous_actor();
    let (secret, who) = blocking(move || service::sign_in(&st.store, &actor, &username, &password, hours)).await?;
    let cookie = Cookie::build(SESSION_COOKIE, secret)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure(&req))
        .max_age(Duration::hours(hours as i64))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(Me {
        username: who.username,
        role: who.role.as_str().into(),
        agent: who.agent,
        locale: who.locale,
    }))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/signout", tag = "auth", responses((status = 204)))]
#[post("/auth/signout")]
pub async fn sign_out(req: HttpRequest, state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        let secret = c.value().to_string();
        let actor = auth.actor();
        blocking(move || service::sign_out(&state.store, &actor, &secret)).await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").http_only(true).same_site(SameSite::Strict).finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me)))]
#[get("/auth/me")]
pub async fn me(auth: Auth) -> HttpResponse {
    HttpResponse::Ok().json(Me {
        username: auth.who.username.clone(),
        role: auth.who.role.as_str().into(),
        agent: auth.who.agent.clone(),
        locale: auth.who.locale.clone(),
    })
}
