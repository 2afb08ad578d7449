//! The web chat widget's side of a conversation: who the visitor is, and
//! what the visitor may see (the messages, never internal notes or anything
//! else the record holds).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::{Body, Sender};
use crate::record::timeline;
use crate::store::Store;

/// The conversation key of a visitor id (32 hex digits, kept in the visitor's
/// cookie). The key is a hash: the record and its exports never hold the id,
/// which is what lets a browser read the conversation.
pub fn visitor_key(visitor: &str) -> Result<String, String> {
    if visitor.len() != 32 || !visitor.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("visitor must be 32 hexadecimal digits".into());
    }
    Ok(hex::encode(&Sha256::digest(visitor.to_ascii_lowercase().as_bytes())[..12]))
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct WidgetMessage {
    /// Position in the store; ask for messages `after` the last one seen.
    pub seq: u64,
    pub id: String,
    /// `visitor`, `agent` or `bot`.
    pub from: &'static str,
    pub text: String,
    pub ts: String,
}

/// The visitor's messages and the answers, after `after`, as the visitor sees them now
/// (edited text; recalled messages left out).
pub fn history(store: &Store, conversation: &str, after: u64) -> crate::store::Result<Vec<WidgetMessage>> {
    let Some(events) = store.conversation_events(conversation)? else { return Ok(vec![]) };
    let items = timeline::build(&events, false);
    let mut out = Vec::new();
    for (item, (seq, ev)) in items.iter().zip(&events) {
        let Body::Message { id, sender, .. } = &ev.body else { continue };
        if *seq <= after || item.deleted.is_some() {
            continue;
        }
        let from = match sender {
            Sender::Customer => "visitor",
            Sender::Agent => "agent",
            Sender::Bot => "bot",
        };
        out.push(WidgetMessage {
            seq: *seq,
            id: id.clone(),
            from,
            text: item.current_text.clone().unwrap_or_default(),
            ts: crate::domain::time::format_rfc3339(ev.ts),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitor_keys_are_stable_hashes_of_valid_ids() {
        let k = visitor_key("0123456789abcdef0123456789ABCDEF").unwrap();
        assert_eq!(k, visitor_key("0123456789abcdef0123456789abcdef").unwrap());
        assert_eq!(k.len(), 24);
        assert!(!k.contains("0123456789"));
        assert!(visitor_key("short").is_err());
        assert!(visitor_key("0123456789abcdef0123456789abcdeg").is_err());
    }
}
