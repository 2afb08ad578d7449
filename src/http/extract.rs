//! Extractors: who is asking (`Auth`), and the request's id and client address.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::AppState;
use super::error::{ApiError, Code};
use crate::auth::{Principal, SESSION_COOKIE, service};
use crate::domain::UserRole;
use crate::store::Actor;

/// A request id (from `X-Request-Id`, else random) and the client's address.
#[derive(Debug, Clone)]
pub struct Meta {
    pub request_id: String,
    pub client: Option<String>,
}

impl Meta {
    pub fn of(req: &HttpRequest) -> Meta {
        let request_id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.len() <= 100)
            .map(str::to_string)
            .unwrap_or_else(|| {
                use rand::RngCore;
                let mut b = [0u8; 8];
                rand::rng().fill_bytes(&mut b);
                hex::encode(b)
            });
        let client = req.peer_addr().map(|a| a.ip().to_string());
        Meta { request_id, client }
    }

    pub fn anonymous_actor(&self) -> Actor {
        Actor { who: "anonymous".into(), request_id: Some(self.request_id.clone()), client: self.client.clone() }
    }
}

impl FromRequest for Meta {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Meta::of(req)))
    }
}

/// The signed-in caller. Sessions come from the cookie, tokens from `Authorization: Bearer`.
pub struct Auth {
    pub who: Principal,
    pub meta: Meta,
}

impl Auth {
    pub fn actor(&self) -> Actor {
        self.who.actor(Some(self.meta.request_id.clone()), self.meta.client.clone())
    }

    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[UserRole]) -> Result<(), ApiError> {
        if self.who.is(roles) { Ok(()) } else { Err(ApiError::forbidden()) }
    }
}

pub const MANAGERS: &[UserRole] = &[UserRole::Admin, UserRole::Manager];
pub const ADMINS: &[UserRole] = &[UserRole::Admin];

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Auth, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::internal("application state missing"))?;
    let meta = Meta::of(req);
    let bearer =
        req.headers().get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    // Both lookups are single redb point reads: cheap enough for the async thread.
    let who = if let Some(token) = bearer {
        service::from_token(&state.store, token.trim())?
    } else if let Some(c) = req.cookie(SESSION_COOKIE) {
        service::from_session(&state.store, c.value())?
    } else {
        return Err(ApiError::new(Code::Unauthenticated, "sign in, or send an API token as `Authorization: Bearer …`"));
    };
    Ok(Auth { who, meta })
}
