//! The outbox: an agent's reply is stored here before any attempt to send it,
//! so a channel outage never loses its text. Once the channel accepts it, the
//! reply becomes an agent message event (with the channel's message id) in
//! the same write that marks it sent.

use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::error::Result;
use super::{AuditSpec, Store, Tx};
use crate::domain::time::Millis;

/// Reply id → encoded [`Reply`]. Entries change state; the events they become never do.
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
/// Ids of the replies not sent (pending or failed): what the sender and the transcript look at.
pub const OUTBOX_OPEN: TableDefinition<u64, ()> = TableDefinition::new("outbox_open");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReplyState {
    /// Waiting for its (next) attempt.
    Pending,
    /// Accepted by the channel; recorded as a message event.
    Sent,
    /// Given up after its attempts, or refused for good by the channel; the text is kept.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reply {
    pub id: u64,
    pub conversation: String,
    /// The channel instance it goes out through.
    pub instance: String,
    pub agent: String,
    pub text: String,
    /// Who asked for it (`user:NAME`).
    pub requested_by: String,
    pub created: Millis,
    pub state: ReplyState,
    pub attempts: u32,
    /// When the next attempt is due (ms), while pending.
    pub next_attempt: Millis,
    pub last_error: Option<String>,
    /// The channel's id of the sent message (also the message event's id).
    pub channel_message_id: Option<String>,
    /// A pre-approved message template (WhatsApp, outside its 24-hour window).
    pub template: Option<Template>,
}

/// A WhatsApp message template: its name, language and body parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Template {
    pub name: String,
    /// The template's language code, e.g. `pt_BR`, `zh_CN`, `en_US`.
    pub language: String,
    /// Values of the body's `{{1}}`, `{{2}}`, ...
    #[serde(default)]
    pub parameters: Vec<String>,
}

impl Store {
    /// Stores a new reply (pending) and returns it with its id.
    pub fn outbox_add(&self, spec: AuditSpec, mut reply: Reply) -> Result<Reply> {
        self.write(spec, |tx| {
            let mut t = tx.txn.open_table(OUTBOX)?;
            reply.id = t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            t.insert(reply.id, encode(&reply).as_slice())?;
            tx.txn.open_table(OUTBOX_OPEN)?.insert(reply.id, ())?;
            Ok(reply)
        })
    }

    pub fn outbox_get(&self, id: u64) -> Result<Option<Reply>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(OUTBOX)?;
        t.get(id)?.map(|v| decode(v.value(), "reply")).transpose()
    }

    /// Replies that are not sent (pending or failed), oldest first: few, since
    /// a sent reply leaves this state for good.
    pub fn outbox_unsent(&self) -> Result<Vec<Reply>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(OUTBOX)?;
        let open = txn.open_table(OUTBOX_OPEN)?;
        let mut out = Vec::new();
        for item in open.iter()? {
            let id = item?.0.value();
            if let Some(v) = t.get(id)? {
                out.push(decode(v.value(), "reply")?);
            }
        }
        Ok(out)
    }
}

impl Tx<'_> {
    pub fn outbox_put(&mut self, reply: &Reply) -> Result<()> {
        let mut t = self.txn.open_table(OUTBOX)?;
        t.insert(reply.id, encode(reply).as_slice())?;
        let mut open = self.txn.open_table(OUTBOX_OPEN)?;
        if reply.state == ReplyState::Sent {
            open.remove(reply.id)?;
        } else {
            open.insert(reply.id, ())?;
        }
        Ok(())
    }
}
