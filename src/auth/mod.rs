//! Accounts: passwords (argon2id), sign-in sessions, API tokens, and what
//! each role may do.

pub mod password;
pub mod principal;
pub mod service;

pub use principal::{Principal, Via};
pub use service::{AuthError, SESSION_COOKIE};
