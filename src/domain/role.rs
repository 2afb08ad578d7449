use serde::{Deserialize, Serialize};

/// The work an agent does (events.md `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgentRole {
    Support,
    Sales,
    Ops,
}

impl AgentRole {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "support" => Some(Self::Support),
            "sales" => Some(Self::Sales),
            "ops" => Some(Self::Ops),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Sales => "sales",
            Self::Ops => "ops",
        }
    }
}

/// What a signed-in user may do. Ordered from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    Admin,
    Manager,
    Qa,
    Agent,
}

impl UserRole {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "manager" => Some(Self::Manager),
            "qa" => Some(Self::Qa),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Qa => "qa",
            Self::Agent => "agent",
        }
    }
    /// Admin, manager and qa see every conversation, deleted content included.
    pub fn sees_everything(self) -> bool {
        !matches!(self, Self::Agent)
    }
}
