use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};

use crate::auth::password;
use crate::auth::service::{self, validate_password};
use crate::domain::UserRole;
use crate::domain::time::format_rfc3339;
use crate::http::AppState;
use crate::http::error::{ApiError, blocking};
use crate::http::extract::{ADMINS, Auth};
use crate::store::AuditSpec;
use crate::store::users::User;

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub username: String,
    pub role: UserRole,
    pub agent: Option<String>,
    pub active: bool,
    pub created: String,
    pub locale: Option<String>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            username: u.username.clone(),
            role: u.role,
            agent: u.agent.clone(),
            active: u.active,
            created: format_rfc3339(u.created),
            locale: u.locale.clone(),
        }
    }
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserView>)))]
#[get("/users")]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let users = blocking(move || state.store.users()).await?;
    Ok(HttpResponse::Ok().json(users.iter().map(UserView::from).collect::<Vec<_>>()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: UserRole,
    /// Required for the `agent` role: the agent id this user acts as.
    pub agent: Option<String>,
}

/// Creates a user (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 409, body = crate::http::error::ErrorBody)))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    auth.require(ADMINS)?;
    let actor = auth.actor();
    let b = body.into_inner();
    let u =
        blocking(move || service::add_user(&state.store, &actor, &b.username, &b.password, b.role, b.agent)).await?;
    Ok(HttpResponse::Created().json(UserView::from(&u)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserChange {
    pub role: Option<UserRole>,
    pub agent: Option<String>,
    pub active: Option<bool>,
    pub password: Option<String>,
    /// Needed to change one's own password.
    pub current_password: Option<String>,
    pub locale: Option<String>,
}

/// Changes a user: admins change anything; a user may change its own password and locale.
#[utoipa::path(patch, path = "/api/v1/users/{username}", tag = "users", request_body = UserChange,
    responses((status = 200, body = UserView), (status = 404, body = crate::http::error::ErrorBody)))]
#[patch("/users/{username}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    name: web::Path<String>,
    body: web::Json<UserChange>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let c = body.into_inner();
    let is_self = auth.who.username == name;
    let admin_fields = c.role.is_some() || c.agent.is_some() || c.active.is_some();
    if !auth.who.is(ADMINS) && (!is_self || admin_fields) {
        return Err(ApiError::forbidden());
    }
    if c.role == Some(UserRole::Agent) && c.agent.as_deref().unwrap_or("").is_empty() {
        return Err(ApiError::bad("an agent user must be linked to an agent id"));
    }
    if is_self && c.active == Some(false) {
        return Err(ApiError::bad("you cannot deactivate yourself"));
    }
    if is_self && c.password.is_some() {
        let given = c.current_password.clone().unwrap_or_default();
        let st = state.clone();
        let who = name.clone();
        let ok = blocking(move || {
            Ok::<_, ApiError>(st.store.user(&who)?.is_some_and(|u| password::verify(&given, &u.password_hash)))
        })
        .await?;
        if !ok {
            return Err(ApiError::bad("to change your password, give your current one as `current_password`"));
        }
    }
    let new_hash = match &c.password {
        Some(p) => {
            validate_password(p)?;
            let p = p.clone();
            Some(blocking(move || Ok::<_, ApiError>(password::hash(&p))).await?)
        }
        None => None,
    };
    let mut what = Vec::new();
    if c.role.is_some() {
        what.push("role")
    }
    if c.agent.is_some() {
        what.push("agent")
    }
    if c.active.is_some() {
        what.push("active")
    }
    if c.password.is_some() {
        what.push("password")
    }
    if c.locale.is_some() {
        what.push("locale")
    }
    let spec = AuditSpec::new(&auth.actor(), "user.update", format!("user:{name}")).detail(what.join(","));
    let u = blocking(move || {
        state.store.update_user(spec, &name, |u| {
            if let Some(r) = c.role {
                u.role = r
            }
            if let Some(a) = c.agent {
                u.agent = Some(a).filter(|a| !a.is_empty())
            }
            if let Some(a) = c.active {
                u.active = a
            }
            if let Some(h) = new_hash {
                u.password_hash = h
            }
            if let Some(l) = c.locale {
                u.locale = Some(l)
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&u)))
}
