//! Per-conversation facts: the timeline without its content, derived in the
//! same transaction as the events. The metrics read these, never the texts.

use redb::ReadableTable;

use super::Store;
use super::codec::decode;
use super::error::Result;
use super::tables::{CONV_FACTS, CONV_IDS};
use crate::domain::{Body, ConvEvent};

/// The fact of an event, or None for an event that changes no figure (edit, delete).
pub fn fact_of(ev: &ConvEvent) -> Option<ConvEvent> {
    let body = match &ev.body {
        Body::Edit { .. } | Body::Delete { .. } => return None,
        Body::Message { id, channel, sender, agent, contact, .. } => Body::Message {
            id: id.clone(),
            channel: *channel,
            sender: *sender,
            agent: agent.clone(),
            contact: contact.clone(),
            text: None,
            attachments: None,
        },
        Body::Transfer { from, to, .. } => Body::Transfer { from: from.clone(), to: to.clone(), reason: None },
        Body::Note { agent, .. } => Body::Note { agent: agent.clone(), text: None },
        Body::Csat { score, .. } => Body::Csat { score: *score, comment: None },
        other => other.clone(),
    };
    // The conversation is the row's key; it is not repeated in each fact.
    Some(ConvEvent { conversation: String::new(), ts: ev.ts, body, extra: None })
}

impl Store {
    /// The facts of a conversation, in timeline order.
    pub fn conversation_facts(&self, id: &str) -> Result<Option<Vec<ConvEvent>>> {
        let txn = self.begin_read()?;
        let Some(internal) = txn.open_table(CONV_IDS)?.get(id)?.map(|v| v.value()) else { return Ok(None) };
        let t = txn.open_table(CONV_FACTS)?;
        t.get(internal)?.map(|v| decode(v.value(), "facts")).transpose()
    }
}
