//! Per-conversation facts: the timeline without its content, derived in the
//! same transaction as the events. The metrics read these, never the texts.
//!
//! Compact on purpose (a few bytes an event): each fact carries the
//! milliseconds since the previous one, and only what a figure needs.

use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::Store;
use super::codec::decode;
use super::error::Result;
use super::tables::{CONV_FACTS, CONV_IDS, CONVERSATIONS, EVENTS, META};
use crate::domain::{Body, Channel, ConvEvent, Record, Sender, time::Millis};

/// One fact; the first number is the milliseconds since the previous fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fact {
    Customer(u64),
    /// A human response, by this agent.
    Human(u64, String),
    Bot(u64),
    Assign(u64, String),
    Transfer(u64, String, String),
    Note(u64, String),
    Tag(u64, String),
    Untag(u64, String),
    Resolve(u64, Option<String>),
    Reopen(u64),
    Csat(u64, u8),
}

/// A conversation's facts in timeline order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The channel of the first message.
    pub channel: Option<Channel>,
    /// Time of the first fact, and of the last.
    pub start: Millis,
    pub last: Millis,
    pub items: Vec<Fact>,
}

impl Facts {
    /// Appends the fact of `ev`, which must not be earlier than the last one.
    /// Edits and recalls change no figure and leave no fact.
    pub fn push(&mut self, ev: &ConvEvent) {
        if let Some(fact) = fact_of(ev, !self.items.is_empty(), self.last, &mut self.channel) {
            if self.items.is_empty() {
                self.start = ev.ts;
            }
            self.last = ev.ts;
            self.items.push(fact);
        }
    }

    /// The facts as events without content (message ids, texts and contacts left
    /// out; every message on the conversation's channel), for the metric rules.
    pub fn to_events(&self) -> Vec<ConvEvent> {
        let channel = self.channel.unwrap_or(Channel::Other);
        let mut ts = self.start;
        let msg = |sender, agent| Body::Message {
            id: String::new(),
            channel,
            sender,
            agent,
            contact: None,
            text: None,
            attachments: None,
        };
        self.items
            .iter()
            .map(|f| {
                let (dt, body) = match f {
                    Fact::Customer(dt) => (dt, msg(Sender::Customer, None)),
                    Fact::Human(dt, a) => (dt, msg(Sender::Agent, Some(a.clone()))),
                    Fact::Bot(dt) => (dt, msg(Sender::Bot, None)),
                    Fact::Assign(dt, a) => (dt, Body::Assign { agent: a.clone() }),
                    Fact::Transfer(dt, from, to) => {
                        (dt, Body::Transfer { from: from.clone(), to: to.clone(), reason: None })
                    }
                    Fact::Note(dt, a) => (dt, Body::Note { agent: a.clone(), text: None }),
                    Fact::Tag(dt, t) => (dt, Body::Tag { tag: t.clone() }),
                    Fact::Untag(dt, t) => (dt, Body::Untag { tag: t.clone() }),
                    Fact::Resolve(dt, a) => (dt, Body::Resolve { agent: a.clone() }),
                    Fact::Reopen(dt) => (dt, Body::Reopen),
                    Fact::Csat(dt, s) => (dt, Body::Csat { score: *s, comment: None }),
                };
                ts += *dt as i64;
                ConvEvent { conversation: String::new(), ts, body, extra: None }
            })
            .collect()
    }
}

/// The fact of `ev` (None for edits, recalls and statuses), `last` being the
/// time of the previous fact if `any`; notes the channel of the first message.
pub(crate) fn fact_of(ev: &ConvEvent, any: bool, last: Millis, channel: &mut Option<Channel>) -> Option<Fact> {
    let dt = if any { (ev.ts - last).max(0) as u64 } else { 0 };
    Some(match &ev.body {
        Body::Edit { .. } | Body::Delete { .. } | Body::Status { .. } => return None,
        Body::Message { channel: c, sender, agent, .. } => {
            if channel.is_none() {
                *channel = Some(*c);
            }
            match sender {
                Sender::Customer => Fact::Customer(dt),
                Sender::Agent => Fact::Human(dt, agent.clone().unwrap_or_default()),
                Sender::Bot => Fact::Bot(dt),
            }
        }
        Body::Assign { agent } => Fact::Assign(dt, agent.clone()),
        Body::Transfer { from, to, .. } => Fact::Transfer(dt, from.clone(), to.clone()),
        Body::Note { agent, .. } => Fact::Note(dt, agent.clone()),
        Body::Tag { tag } => Fact::Tag(dt, tag.clone()),
        Body::Untag { tag } => Fact::Untag(dt, tag.clone()),
        Body::Resolve { agent } => Fact::Resolve(dt, agent.clone()),
        Body::Reopen => Fact::Reopen(dt),
        Body::Csat { score, .. } => Fact::Csat(dt, *score),
    })
}

impl Store {
    /// The facts of a conversation, in timeline order.
    pub fn conversation_facts(&self, id: &str) -> Result<Option<Facts>> {
        let txn = self.begin_read()?;
        let Some(internal) = txn.open_table(CONV_IDS)?.get(id)?.map(|v| v.value()) else { return Ok(None) };
        let t = txn.open_table(CONV_FACTS)?;
        t.get(internal)?.map(|v| decode(v.value(), "facts")).transpose()
    }
}

/// The conversations whose facts changed after some event sequence number.
#[derive(Debug, Default)]
pub struct FactsDelta {
    /// The last event seen.
    pub seq: u64,
    /// Bumped by every reindex: a new one means internal ids may have moved.
    pub generation: u64,
    /// (internal id, its facts now).
    pub changed: Vec<(u64, Facts)>,
}

pub(crate) fn read_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

impl Store {
    /// The last event's sequence number and the derived generation, cheaply.
    pub fn facts_version(&self) -> Result<(u64, u64)> {
        let txn = self.begin_read()?;
        let seq = txn.open_table(EVENTS)?.last()?.map_or(0, |(k, _)| k.value());
        let generation = txn.open_table(META)?.get("derived_generation")?.map_or(0, |v| read_u64(v.value()));
        Ok((seq, generation))
    }

    /// Every conversation's facts, in internal id order, from one snapshot.
    pub fn for_each_facts(&self, f: &mut dyn FnMut(u64, Facts)) -> Result<(u64, u64)> {
        let txn = self.begin_read()?;
        let seq = txn.open_table(EVENTS)?.last()?.map_or(0, |(k, _)| k.value());
        let generation = txn.open_table(META)?.get("derived_generation")?.map_or(0, |v| read_u64(v.value()));
        for row in txn.open_table(CONV_FACTS)?.iter()? {
            let (k, v) = row?;
            f(k.value(), decode(v.value(), "facts")?);
        }
        Ok((seq, generation))
    }

    /// The facts of every conversation with an event after `seq`, from one
    /// snapshot; None when more than `max_events` came since (reload instead).
    pub fn facts_since(&self, seq: u64, max_events: u64) -> Result<Option<FactsDelta>> {
        let txn = self.begin_read()?;
        let events = txn.open_table(EVENTS)?;
        let last = events.last()?.map_or(0, |(k, _)| k.value());
        let generation = txn.open_table(META)?.get("derived_generation")?.map_or(0, |v| read_u64(v.value()));
        if last.saturating_sub(seq) > max_events {
            return Ok(None);
        }
        let ids = txn.open_table(CONV_IDS)?;
        let facts = txn.open_table(CONV_FACTS)?;
        let mut internals = Vec::new();
        for row in events.range(seq + 1..)? {
            let (_, v) = row?;
            if let Record::Conv(ev) = decode::<Record>(v.value(), "event")?
                && let Some(i) = ids.get(ev.conversation.as_str())?
            {
                internals.push(i.value());
            }
        }
        internals.sort_unstable();
        internals.dedup();
        let mut changed = Vec::with_capacity(internals.len());
        for i in internals {
            if let Some(v) = facts.get(i)? {
                changed.push((i, decode(v.value(), "facts")?));
            }
        }
        Ok(Some(FactsDelta { seq: last, generation, changed }))
    }

    /// The external ids of internal conversation ids (None for an unknown one).
    pub fn conversation_ids(&self, internals: &[u64]) -> Result<Vec<Option<String>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(CONVERSATIONS)?;
        internals
            .iter()
            .map(|&i| {
                Ok(t.get(i)?
                    .map(|v| decode::<super::Conversation>(v.value(), "conversation"))
                    .transpose()?
                    .map(|c| c.id))
            })
            .collect()
    }
}
