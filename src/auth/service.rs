//! Sign-in, sessions and tokens over the store.

use rand::RngCore;
use thiserror::Error;

use super::password;
use super::principal::{Principal, Via};
use crate::domain::{UserRole, time::now_ms};
use crate::store::users::{ApiToken, Session, User, session_target};
use crate::store::{Actor, AuditSpec, Store, StoreError, audit::hash_bytes};

pub const SESSION_COOKIE: &str = "chatledger_session";
const TOKEN_PREFIX: &str = "clt_";

#[derive(Debug, Error)]
pub enum AuthError {
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("not signed in, or the session has expired")]
    Unauthenticated,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
}

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Checks a password and opens a session. Returns the secret for the cookie.
pub fn sign_in(
    store: &Store,
    actor: &Actor,
    username: &str,
    pw: &str,
    hours: u64,
) -> Result<(String, Principal), AuthError> {
    let user = store.user(username)?;
    // Verify against a dummy hash when the user does not exist, so timing does not tell.
    let ok = match &user {
        // Verify first, so that an inactive account answers as slowly as an active one.
        Some(u) => password::verify(pw, &u.password_hash) && u.active,
        None => {
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let _ = password::verify(pw, DUMMY.get_or_init(|| password::hash("not a password")));
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        return Err(AuthError::BadCredentials);
    };
    let secret = random_secret();
    let now = now_ms();
    let s = Session { username: user.username.clone(), created: now, expires: now + (hours as i64) * 3_600_000 };
    let mut who = actor.clone();
    who.who = format!("user:{}", user.username);
    let key = hash_bytes(secret.as_bytes());
    store.create_session(
        AuditSpec::new(&who, "auth.signin", session_target(&key)).detail(format!("user:{}", user.username)),
        &key,
        &s,
    )?;
    Ok((secret, principal(&user, Via::Session)))
}

fn principal(u: &User, via: Via) -> Principal {
    Principal { username: u.username.clone(), role: u.role, agent: u.agent.clone(), locale: u.locale.clone(), via }
}

pub fn sign_out(store: &Store, actor: &Actor, secret: &str) -> Result<(), AuthError> {
    let key = hash_bytes(secret.as_bytes());
    store.end_session(AuditSpec::new(actor, "auth.signout", session_target(&key)), &key)?;
    Ok(())
}

/// The user behind a session cookie, if the session is live and the user active.
pub fn from_session(store: &Store, secret: &str) -> Result<Principal, AuthError> {
    let s = store.session(&hash_bytes(secret.as_bytes()))?.ok_or(AuthError::Unauthenticated)?;
    if s.expires <= now_ms() {
        return Err(AuthError::Unauthenticated);
    }
    let u = store.user(&s.username)?.filter(|u| u.active).ok_or(AuthError::Unauthenticated)?;
    Ok(principal(&u, Via::Session))
}

/// The user behind a bearer token, if the token is not revoked and the user active.
pub fn from_token(store: &Store, token: &str) -> Result<Principal, AuthError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Err(AuthError::Unauthenticated);
    }
    let t = store.token(&hash_bytes(token.as_bytes()))?.ok_or(AuthError::Unauthenticated)?;
    if t.revoked.is_some() {
        return Err(AuthError::Unauthenticated);
    }
    let u = store.user(&t.username)?.filter(|u| u.active).ok_or(AuthError::Unauthenticated)?;
    Ok(principal(&u, Via::Token(t.id)))
}

/// Creates a token for `username`; the secret is returned once and stored only hashed.
pub fn create_token(store: &Store, actor: &Actor, username: &str, name: &str) -> Result<(String, ApiToken), AuthError> {
    if store.user(username)?.is_none() {
        return Err(AuthError::Invalid(format!("no user {username:?}")));
    }
    let secret = format!("{TOKEN_PREFIX}{}", random_secret());
    let h = hash_bytes(secret.as_bytes());
    let t = ApiToken {
        id: hex::encode(&h[..6]),
        name: name.to_string(),
        username: username.to_string(),
        created: now_ms(),
        revoked: None,
    };
    store.create_token(
        AuditSpec::new(actor, "token.create", format!("token:{}", t.id)).detail(name.to_string()),
        &h,
        &t,
    )?;
    Ok((secret, t))
}

pub fn validate_username(name: &str) -> Result<(), AuthError> {
    let ok = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AuthError::Invalid("a user name is 1-64 letters, digits, '.', '_', '-' or '@'".into()))
    }
}

pub fn validate_password(pw: &str) -> Result<(), AuthError> {
    if pw.chars().count() < 8 {
        return Err(AuthError::Invalid("a password needs at least 8 characters".into()));
    }
    Ok(())
}

/// Creates a user with a hashed password.
pub fn add_user(
    store: &Store,
    actor: &Actor,
    username: &str,
    pw: &str,
    role: UserRole,
    agent: Option<String>,
) -> Result<User, AuthError> {
    validate_username(username)?;
    validate_password(pw)?;
    if role == UserRole::Agent && agent.is_none() {
        return Err(AuthError::Invalid("an agent user must be linked to an agent id".into()));
    }
    let u = User {
        username: username.to_string(),
        role,
        agent,
        password_hash: password::hash(pw),
        active: true,
        created: now_ms(),
        locale: None,
    };
    store.create_user(
        AuditSpec::new(actor, "user.create", format!("user:{username}")).detail(role.as_str()),
        u.clone(),
    )?;
    Ok(u)
}
