//! API views of conversations, agents and contacts.

use serde::Serialize;

use crate::domain::time::format_rfc3339;
use crate::domain::{AgentRecord, ContactRecord};
use crate::store::{Conversation, Status};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConversationView {
    pub id: String,
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub status: Status,
    /// When the customer started waiting for a human answer, if they still are.
    pub waiting_since: Option<String>,
    pub holder: Option<String>,
    pub home_agent: Option<String>,
    pub agents: Vec<String>,
    pub tags: Vec<String>,
    pub first_message: Option<String>,
    pub last_message: Option<String>,
    pub last_event: String,
    pub resolved_at: Option<String>,
    pub messages: u32,
    pub from_customer: u32,
    pub from_agents: u32,
    pub from_bots: u32,
    pub edits: u32,
    pub deletes: u32,
    pub notes: u32,
    pub transfers: u32,
    pub csat: Option<u8>,
}

impl From<&Conversation> for ConversationView {
    fn from(c: &Conversation) -> Self {
        ConversationView {
            id: c.id.clone(),
            channel: c.channel.map(|ch| ch.as_str().to_string()),
            contact: c.contact.clone(),
            status: c.status(),
            waiting_since: c.waiting_since.map(format_rfc3339),
            holder: c.holder.clone(),
            home_agent: c.home.clone(),
            agents: c.agents.clone(),
            tags: c.tags.clone(),
            first_message: c.first_message.map(format_rfc3339),
            last_message: c.last_message.map(format_rfc3339),
            last_event: format_rfc3339(c.last_event),
            resolved_at: c.resolved_at.map(format_rfc3339),
            messages: c.messages,
            from_customer: c.from_customer,
            from_agents: c.from_agents,
            from_bots: c.from_bots,
            edits: c.edits,
            deletes: c.deletes,
            notes: c.notes,
            transfers: c.transfers,
            csat: c.csat,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgentView {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub team: Option<String>,
    /// False once the agent has left; its conversations stay.
    pub active: bool,
    /// True for an agent named by events but not (yet) declared by a record.
    pub stub: bool,
}

impl From<&AgentRecord> for AgentView {
    fn from(a: &AgentRecord) -> Self {
        AgentView {
            id: a.id.clone(),
            name: a.name.clone(),
            email: a.email.clone(),
            role: a.role.map(|r| r.as_str().to_string()),
            team: a.team.clone(),
            active: a.active != Some(false),
            stub: a.name.is_none() && a.role.is_none() && a.team.is_none(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub id: String,
    pub name: Option<String>,
    pub handles: std::collections::BTreeMap<String, String>,
    pub tags: Vec<String>,
}

impl From<&ContactRecord> for ContactView {
    fn from(c: &ContactRecord) -> Self {
        ContactView {
            id: c.id.clone(),
            name: c.name.clone(),
            handles: c.handles.clone().unwrap_or_default().into_iter().collect(),
            tags: c.tags.clone().unwrap_or_default(),
        }
    }
}
