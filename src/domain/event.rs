//! The event format of `spec/events.md`, as typed values.
//!
//! A [`Record`] is one line of the NDJSON format. Unknown fields are kept in
//! `extra` (a canonical JSON object with sorted keys) so that an export gives
//! back what was imported.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::role::AgentRole;
use super::time::{Millis, format_rfc3339};

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

str_enum!(
    /// The channel a conversation came through.
    Channel {
        Whatsapp = "whatsapp", Wechat = "wechat", Webchat = "webchat", Messenger = "messenger",
        Instagram = "instagram", Line = "line", Telegram = "telegram", Email = "email",
        Sms = "sms", Phone = "phone", Other = "other",
    }
);

str_enum!(
    /// Who sent a message.
    Sender { Customer = "customer", Agent = "agent", Bot = "bot" }
);

str_enum!(
    /// How far a message sent to the customer got, as its channel reports it.
    DeliveryStatus { Sent = "sent", Delivered = "delivered", Read = "read", Played = "played", Failed = "failed" }
);

str_enum!(
    /// Who deleted or recalled a message.
    DeletedBy { Customer = "customer", Agent = "agent", System = "system" }
);

/// Every field is always serialised: the store's encoding (postcard) is not
/// self-describing, so a skipped field would make the record unreadable.
/// The JSON of the event format leaves absent fields out (see `to_json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub mime: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub url: Option<String>,
}

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Body {
    Message {
        id: String,
        channel: Channel,
        sender: Sender,
        agent: Option<String>,
        contact: Option<String>,
        text: Option<String>,
        attachments: Option<Vec<Attachment>>,
    },
    Edit {
        message: String,
        text: Option<String>,
    },
    Delete {
        message: String,
        by: Option<DeletedBy>,
    },
    Assign {
        agent: String,
    },
    Transfer {
        from: String,
        to: String,
        reason: Option<String>,
    },
    Note {
        agent: String,
        text: Option<String>,
    },
    Tag {
        tag: String,
    },
    Untag {
        tag: String,
    },
    Resolve {
        agent: Option<String>,
    },
    Reopen,
    Csat {
        score: u8,
        comment: Option<String>,
    },
    /// A channel's delivery report for a message sent to the customer
    /// (an extension of the format, see docs/channels.md). Without `message`
    /// it covers every message sent up to `ts` (Messenger's watermarks).
    Status {
        message: Option<String>,
        status: DeliveryStatus,
    },
}

impl Body {
    pub fn type_name(&self) -> &'static str {
        match self {
            Body::Message { .. } => "message",
            Body::Edit { .. } => "edit",
            Body::Delete { .. } => "delete",
            Body::Assign { .. } => "assign",
            Body::Transfer { .. } => "transfer",
            Body::Note { .. } => "note",
            Body::Tag { .. } => "tag",
            Body::Untag { .. } => "untag",
            Body::Resolve { .. } => "resolve",
            Body::Reopen => "reopen",
            Body::Csat { .. } => "csat",
            Body::Status { .. } => "status",
        }
    }

    /// Agents this event names (for "conversations an agent took part in").
    pub fn agents(&self) -> impl Iterator<Item = &str> {
        let (a, b): (Option<&String>, Option<&String>) = match self {
            Body::Message { agent, .. } => (agent.as_ref(), None),
            Body::Assign { agent } | Body::Note { agent, .. } => (Some(agent), None),
            Body::Transfer { from, to, .. } => (Some(from), Some(to)),
            Body::Resolve { agent } => (agent.as_ref(), None),
            _ => (None, None),
        };
        a.into_iter().chain(b).map(|s| s.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvEvent {
    pub conversation: String,
    pub ts: Millis,
    pub body: Body,
    /// Unknown fields of the line, as a canonical JSON object (sorted keys).
    pub extra: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRecord {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<AgentRole>,
    pub team: Option<String>,
    pub active: Option<bool>,
    pub extra: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: String,
    pub name: Option<String>,
    /// Channel → handle, in the order given.
    pub handles: Option<Vec<(String, String)>>,
    pub tags: Option<Vec<String>>,
    pub extra: Option<String>,
}

/// One line of the event format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Record {
    Agent(AgentRecord),
    Contact(ContactRecord),
    Conv(ConvEvent),
}

impl Record {
    pub fn type_name(&self) -> &'static str {
        match self {
            Record::Agent(_) => "agent",
            Record::Contact(_) => "contact",
            Record::Conv(e) => e.body.type_name(),
        }
    }

    /// Renders the record as a line of the event format (no trailing newline).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), self.type_name().into());
        let extra = match self {
            Record::Agent(a) => {
                m.insert("id".into(), a.id.clone().into());
                put(&mut m, "name", &a.name);
                put(&mut m, "email", &a.email);
                put(&mut m, "role", &a.role.map(|r| r.as_str().to_string()));
                put(&mut m, "team", &a.team);
                if let Some(active) = a.active {
                    m.insert("active".into(), active.into());
                }
                &a.extra
            }
            Record::Contact(c) => {
                m.insert("id".into(), c.id.clone().into());
                put(&mut m, "name", &c.name);
                if let Some(h) = &c.handles {
                    let hm: Map<String, Value> = h.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
                    m.insert("handles".into(), hm.into());
                }
                if let Some(t) = &c.tags {
                    m.insert("tags".into(), t.clone().into());
                }
                &c.extra
            }
            Record::Conv(e) => {
                m.insert("conversation".into(), e.conversation.clone().into());
                m.insert("ts".into(), format_rfc3339(e.ts).into());
                body_fields(&mut m, &e.body);
                &e.extra
            }
        };
        if let Some(x) = extra
            && let Ok(Value::Object(xm)) = serde_json::from_str::<Value>(x)
        {
            for (k, v) in xm {
                m.entry(k).or_insert(v);
            }
        }
        Value::Object(m)
    }
}

fn put(m: &mut Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v {
        m.insert(k.into(), v.clone().into());
    }
}

fn body_fields(m: &mut Map<String, Value>, b: &Body) {
    match b {
        Body::Message { id, channel, sender, agent, contact, text, attachments } => {
            m.insert("id".into(), id.clone().into());
            m.insert("channel".into(), channel.as_str().into());
            m.insert("sender".into(), sender.as_str().into());
            put(m, "agent", agent);
            put(m, "contact", contact);
            put(m, "text", text);
            if let Some(a) = attachments {
                let mut list = serde_json::to_value(a).unwrap_or(Value::Null);
                for item in list.as_array_mut().into_iter().flatten() {
                    if let Some(o) = item.as_object_mut() {
                        o.retain(|_, v| !v.is_null());
                    }
                }
                m.insert("attachments".into(), list);
            }
        }
        Body::Edit { message, text } => {
            m.insert("message".into(), message.clone().into());
            put(m, "text", text);
        }
        Body::Delete { message, by } => {
            m.insert("message".into(), message.clone().into());
            put(m, "by", &by.map(|b| b.as_str().to_string()));
        }
        Body::Assign { agent } => {
            m.insert("agent".into(), agent.clone().into());
        }
        Body::Transfer { from, to, reason } => {
            m.insert("from".into(), from.clone().into());
            m.insert("to".into(), to.clone().into());
            put(m, "reason", reason);
        }
        Body::Note { agent, text } => {
            m.insert("agent".into(), agent.clone().into());
            put(m, "text", text);
        }
        Body::Tag { tag } | Body::Untag { tag } => {
            m.insert("tag".into(), tag.clone().into());
        }
        Body::Resolve { agent } => put(m, "agent", agent),
        Body::Reopen => {}
        Body::Csat { score, comment } => {
            m.insert("score".into(), (*score).into());
            put(m, "comment", comment);
        }
        Body::Status { message, status } => {
            put(m, "message", message);
            m.insert("status".into(), status.as_str().into());
        }
    }
}
