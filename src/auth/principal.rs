use serde::Serialize;

use crate::domain::UserRole;
use crate::store::Actor;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Session,
    Token(String),
}

/// A signed-in user (or an API token acting for one).
#[derive(Debug, Clone, Serialize)]
pub struct Principal {
    pub username: String,
    pub role: UserRole,
    pub agent: Option<String>,
    /// The user's language (`en`, `zh-CN`), when chosen.
    pub locale: Option<String>,
    pub via: Via,
}

impl Principal {
    pub fn actor(&self, request_id: Option<String>, client: Option<String>) -> Actor {
        let who = match &self.via {
            Via::Session => format!("user:{}", self.username),
            Via::Token(id) => format!("user:{} token:{id}", self.username),
        };
        Actor { who, request_id, client }
    }

    pub fn is(&self, roles: &[UserRole]) -> bool {
        roles.contains(&self.role)
    }
}
