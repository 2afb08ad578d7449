//! The derived state of one conversation, folded from its timeline.
//!
//! The fold keeps every field it needs to continue, so a conversation whose
//! new events all come after its last one is updated incrementally; anything
//! older triggers a full refold from the stored events.

use serde::{Deserialize, Serialize};

use crate::domain::routing::Routing;
use crate::domain::{Body, Channel, ConvEvent, Sender, time::Millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Resolved,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub internal: u64,
    pub id: String,
    pub channel: Option<Channel>,
    pub contact: Option<String>,
    pub resolved: bool,
    /// Start of the customer's current wait for a human response.
    pub waiting_since: Option<Millis>,
    /// Agent of the latest assign/transfer, else the latest human responder.
    pub holder: Option<String>,
    /// Agent of the first routing event, else the first responder.
    pub home: Option<String>,
    routing: Routing,
    /// Every agent who responded, was assigned, transferred, wrote a note or resolved.
    pub agents: Vec<String>,
    pub tags: Vec<String>,
    pub first_message: Option<Millis>,
    pub last_message: Option<Millis>,
    pub first_event: Millis,
    pub last_event: Millis,
    pub resolved_at: Option<Millis>,
    pub messages: u32,
    pub from_customer: u32,
    pub from_agents: u32,
    pub from_bots: u32,
    pub edits: u32,
    pub deletes: u32,
    pub notes: u32,
    pub transfers: u32,
    pub csat: Option<u8>,
    /// Global seq of the last event folded in, so ties in `ts` keep arrival order.
    pub last_seq: u64,
    /// Every event of the conversation as (global seq, fingerprint of its dedup key), in
    /// seq order: the timeline's index, and the first check against duplicates.
    #[serde(with = "super::event_index")]
    pub events: Vec<(u64, u32)>,
}

impl Conversation {
    pub fn new(internal: u64, id: &str) -> Self {
        Conversation { internal, id: id.to_string(), ..Default::default() }
    }

    pub fn status(&self) -> Status {
        if self.resolved { Status::Resolved } else { Status::Open }
    }

    /// Whether `(ts, seq)` comes after everything folded so far.
    pub fn is_after(&self, ts: Millis, seq: u64) -> bool {
        self.last_seq == 0 || (ts, seq) > (self.last_event, self.last_seq)
    }

    fn involve(&mut self, agent: &str) {
        if !self.agents.iter().any(|a| a == agent) {
            self.agents.push(agent.to_string());
        }
    }

    /// Folds one event in timeline order.
    pub fn apply(&mut self, ev: &ConvEvent, seq: u64) {
        if self.last_seq == 0 {
            self.first_event = ev.ts;
        }
        self.first_event = self.first_event.min(ev.ts);
        self.last_event = self.last_event.max(ev.ts);
        self.last_seq = seq;
        for a in ev.body.agents() {
            self.involve(a);
        }
        match &ev.body {
            Body::Message { channel, sender, agent, contact, .. } => {
                if self.first_message.is_none() {
                    self.first_message = Some(ev.ts);
                    self.channel = Some(*channel);
                }
                self.last_message = Some(ev.ts);
                self.messages += 1;
                match sender {
                    Sender::Customer => {
                        self.from_customer += 1;
                        if self.contact.is_none() {
                            self.contact.clone_from(contact);
                        }
                        if self.waiting_since.is_none() {
                            self.waiting_since = Some(ev.ts);
                        }
                        if self.resolved {
                            self.resolved = false;
                            self.resolved_at = None;
                        }
                    }
                    Sender::Agent => {
                        self.from_agents += 1;
                        self.waiting_since = None;
                        if let Some(a) = agent {
                            self.routing.human_response(a);
                        }
                    }
                    Sender::Bot => self.from_bots += 1,
                }
            }
            Body::Edit { .. } => self.edits += 1,
            Body::Delete { .. } => self.deletes += 1,
            Body::Assign { agent } => self.routing.assign(agent),
            Body::Transfer { from, to, .. } => {
                self.transfers += 1;
                self.routing.transfer(from, to);
            }
            Body::Note { .. } => self.notes += 1,
            Body::Tag { tag } => {
                if !self.tags.contains(tag) {
                    self.tags.push(tag.clone());
                }
            }
            Body::Untag { tag } => self.tags.retain(|t| t != tag),
            Body::Resolve { .. } => {
                // A second resolve without a reopen between changes nothing (metrics.md §2).
                if !self.resolved {
                    self.resolved = true;
                    self.resolved_at = Some(ev.ts);
                }
                self.waiting_since = None;
            }
            Body::Reopen => {
                self.resolved = false;
                self.resolved_at = None;
            }
            Body::Csat { score, .. } => self.csat = Some(*score),
            Body::Status { .. } => {}
        }
        self.holder = self.routing.holder().cloned();
        self.home = self.routing.home().cloned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Record;
    use crate::domain::parse::parse_line;

    fn fold(lines: &[&str]) -> Conversation {
        let mut c = Conversation::new(1, "c-1");
        for (i, l) in lines.iter().enumerate() {
            let Record::Conv(e) = parse_line(l.as_bytes()).unwrap() else { panic!() };
            c.apply(&e, i as u64 + 1);
        }
        c
    }

    #[test]
    fn the_spec_example_folds_to_a_resolved_conversation_held_by_its_agent() {
        let c = fold(&[
            r#"{"type":"message","conversation":"c-1","id":"m1","channel":"whatsapp","ts":"2026-11-02T09:00:00+08:00","sender":"customer","contact":"k-1","text":"你好"}"#,
            r#"{"type":"assign","conversation":"c-1","ts":"2026-11-02T09:00:05+08:00","agent":"a-07"}"#,
            r#"{"type":"message","conversation":"c-1","id":"m2","channel":"whatsapp","ts":"2026-11-02T09:02:00+08:00","sender":"agent","agent":"a-07","text":"您好"}"#,
            r#"{"type":"message","conversation":"c-1","id":"m3","channel":"whatsapp","ts":"2026-11-02T09:03:10+08:00","sender":"customer","contact":"k-1","text":"订单"}"#,
            r#"{"type":"delete","conversation":"c-1","message":"m3","ts":"2026-11-02T09:04:00+08:00","by":"customer"}"#,
            r#"{"type":"resolve","conversation":"c-1","ts":"2026-11-02T09:30:00+08:00","agent":"a-07"}"#,
        ]);
        assert_eq!(c.channel, Some(Channel::Whatsapp));
        assert_eq!(c.contact.as_deref(), Some("k-1"));
        assert_eq!(c.status(), Status::Resolved);
        assert_eq!(c.waiting_since, None, "a resolve discards the open wait");
        assert_eq!(c.holder.as_deref(), Some("a-07"));
        assert_eq!(c.home.as_deref(), Some("a-07"));
        assert_eq!((c.messages, c.from_customer, c.from_agents, c.deletes), (3, 2, 1, 1));
    }

    #[test]
    fn a_customer_message_reopens_and_transfers_move_the_holder() {
        let c = fold(&[
            r#"{"type":"message","conversation":"c-1","id":"m1","channel":"line","ts":"2026-11-02T09:00:00Z","sender":"customer","text":"hi"}"#,
            r#"{"type":"message","conversation":"c-1","id":"m2","channel":"line","ts":"2026-11-02T09:01:00Z","sender":"agent","agent":"a-1","text":"hello"}"#,
            r#"{"type":"transfer","conversation":"c-1","ts":"2026-11-02T09:02:00Z","from":"a-1","to":"a-2"}"#,
            r#"{"type":"resolve","conversation":"c-1","ts":"2026-11-02T09:03:00Z"}"#,
            r#"{"type":"tag","conversation":"c-1","ts":"2026-11-02T09:03:30Z","tag":"vip"}"#,
            r#"{"type":"message","conversation":"c-1","id":"m3","channel":"line","ts":"2026-11-02T09:04:00Z","sender":"customer","text":"again"}"#,
        ]);
        assert_eq!(c.status(), Status::Open);
        assert_eq!(c.waiting_since, Some(crate::domain::time::parse_rfc3339("2026-11-02T09:04:00Z").unwrap()));
        assert_eq!(c.holder.as_deref(), Some("a-2"));
        assert_eq!(c.home.as_deref(), Some("a-1"), "home is the transfer's from");
        assert_eq!(c.agents, vec!["a-1".to_string(), "a-2".to_string()]);
        assert_eq!(c.tags, vec!["vip".to_string()]);
    }
}
