//! The one path in: every record (import line, webhook, reply) is appended
//! here, deduplicated, and its derived state updated in the same transaction.

use std::collections::{BTreeMap, HashMap};

use redb::ReadableTable;
use sha2::{Digest, Sha256};

use super::codec::{decode, encode};
use super::directory::{merge_agent, merge_contact, stub_agent};
use super::error::Result;
use super::summary::Conversation;
use super::{Store, Tx};
use crate::domain::{AgentRecord, Body, ContactRecord, ConvEvent, Record};

/// What an append did with its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AppendStats {
    pub accepted: u64,
    pub duplicates: u64,
}

/// The dedup key of a conversation event: a message by its id, anything else by its content.
fn dedup_key(ev: &ConvEvent, encoded: &[u8]) -> u128 {
    let mut h = Sha256::new();
    match &ev.body {
        Body::Message { id, .. } => {
            h.update(b"m\0");
            h.update(id.as_bytes());
        }
        _ => {
            h.update(b"e\0");
            h.update(encoded);
        }
    }
    let d = h.finalize();
    u128::from_le_bytes(d[..16].try_into().expect("16 bytes"))
}

/// Per-transaction bookkeeping of touched conversations.
#[derive(Default)]
pub(crate) struct Touched {
    /// internal id → (ts, seq, event) appended in this transaction.
    pub(crate) convs: BTreeMap<u64, Vec<(i64, u64, ConvEvent)>>,
    pub(crate) new_ids: HashMap<String, u64>,
    pub(crate) next_conv: Option<u64>,
}

impl Tx<'_> {
    /// Appends records in order; returns how many were new and how many duplicates.
    pub fn append(&mut self, records: Vec<Record>) -> Result<AppendStats> {
        let mut stats = AppendStats::default();
        let mut touched = Touched::default();
        for rec in records {
            let encoded = encode(&rec);
            let stored = match rec {
                Record::Conv(ev) => self.index_conv_event(ev, &encoded, None, &mut touched)?,
                Record::Agent(a) => self.index_agent(&a)?,
                Record::Contact(c) => self.index_contact(&c)?,
            };
            if stored {
                let seq = self.next_seq;
                self.next_seq += 1;
                self.events.insert(seq, encoded.as_slice())?;
                self.hasher.add(seq, &encoded);
                stats.accepted += 1;
            } else {
                stats.duplicates += 1;
            }
        }
        self.derive(touched)?;
        Ok(stats)
    }

    fn conv_internal(&mut self, id: &str, touched: &mut Touched) -> Result<u64> {
        if let Some(v) = touched.new_ids.get(id) {
            return Ok(*v);
        }
        if let Some(v) = self.d.conv_ids.get(id)? {
            return Ok(v.value());
        }
        let next = match touched.next_conv {
            Some(n) => n,
            None => self.d.conversations.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1),
        };
        touched.next_conv = Some(next + 1);
        touched.new_ids.insert(id.to_string(), next);
        self.d.conv_ids.insert(id, next)?;
        Ok(next)
    }

    /// Indexes a conversation event. `seq` is given when re-indexing an
    /// already stored event; otherwise the event gets the next seq if new.
    /// Returns false for a duplicate.
    pub(crate) fn index_conv_event(
        &mut self,
        ev: ConvEvent,
        encoded: &[u8],
        seq: Option<u64>,
        touched: &mut Touched,
    ) -> Result<bool> {
        let internal = self.conv_internal(&ev.conversation, touched)?;
        let key = dedup_key(&ev, encoded);
        if self.d.dedup.get((internal, key))?.is_some() {
            return Ok(false);
        }
        let seq = seq.unwrap_or(self.next_seq);
        self.d.dedup.insert((internal, key), seq)?;
        self.d.conv_events.insert((internal, seq), ())?;
        for a in ev.body.agents() {
            if self.d.agents.get(a)?.is_none() {
                self.d.agents.insert(a, encode(&stub_agent(a)).as_slice())?;
            }
        }
        touched.convs.entry(internal).or_default().push((ev.ts, seq, ev));
        Ok(true)
    }

    pub(crate) fn index_agent(&mut self, a: &AgentRecord) -> Result<bool> {
        let current: Option<AgentRecord> = match self.d.agents.get(a.id.as_str())? {
            Some(v) => Some(decode(v.value(), "agent")?),
            None => None,
        };
        let merged = merge_agent(current.as_ref(), a);
        if current.as_ref() == Some(&merged) {
            return Ok(false);
        }
        self.d.agents.insert(a.id.as_str(), encode(&merged).as_slice())?;
        Ok(true)
    }

    pub(crate) fn index_contact(&mut self, c: &ContactRecord) -> Result<bool> {
        let current: Option<ContactRecord> = match self.d.contacts.get(c.id.as_str())? {
            Some(v) => Some(decode(v.value(), "contact")?),
            None => None,
        };
        let merged = merge_contact(current.as_ref(), c);
        if current.as_ref() == Some(&merged) {
            return Ok(false);
        }
        self.d.contacts.insert(c.id.as_str(), encode(&merged).as_slice())?;
        Ok(true)
    }

    /// Updates the summary of every touched conversation: incrementally when
    /// the new events all come after its last one, else by a full refold.
    pub(crate) fn derive(&mut self, touched: Touched) -> Result<()> {
        for (internal, mut new) in touched.convs {
            new.sort_by_key(|(ts, seq, _)| (*ts, *seq));
            let old: Option<Conversation> = match self.d.conversations.get(internal)? {
                Some(v) => Some(decode(v.value(), "conversation")?),
                None => None,
            };
            let conv_id = new[0].2.conversation.clone();
            let summary = match &old {
                Some(o) if o.is_after(new[0].0, new[0].1) => {
                    let mut s = o.clone();
                    for (_, seq, ev) in &new {
                        s.apply(ev, *seq);
                    }
                    s
                }
                None => {
                    let mut s = Conversation::new(internal, &conv_id);
                    for (_, seq, ev) in &new {
                        s.apply(ev, *seq);
                    }
                    s
                }
                Some(_) => self.refold(internal, &conv_id, &new)?,
            };
            if let Some(o) = &old {
                self.d.by_activity.remove((o.last_event, internal))?;
            }
            self.d.by_activity.insert((summary.last_event, internal), ())?;
            if let Some(c) = &summary.contact {
                self.d.contact_convs.insert((c.as_str(), internal), ())?;
            }
            self.d.conversations.insert(internal, encode(&summary).as_slice())?;
        }
        Ok(())
    }

    /// Folds a conversation from all its stored events plus the unstored new ones.
    fn refold(&self, internal: u64, id: &str, new: &[(i64, u64, ConvEvent)]) -> Result<Conversation> {
        let mut all: Vec<(i64, u64, ConvEvent)> = Vec::new();
        for item in self.d.conv_events.range((internal, 0)..=(internal, u64::MAX))? {
            let seq = item?.0.value().1;
            if new.iter().any(|(_, s, _)| *s == seq) {
                continue;
            }
            if let Some(v) = self.events.get(seq)?
                && let Record::Conv(ev) = decode::<Record>(v.value(), "event")?
            {
                all.push((ev.ts, seq, ev));
            }
        }
        all.extend(new.iter().cloned());
        all.sort_by_key(|(ts, seq, _)| (*ts, *seq));
        let mut s = Conversation::new(internal, id);
        for (_, seq, ev) in &all {
            s.apply(ev, *seq);
        }
        Ok(s)
    }
}

impl Store {
    /// Appends records in one transaction with one audit entry.
    pub fn append(&self, spec: super::AuditSpec, records: Vec<Record>) -> Result<AppendStats> {
        self.write(spec, |tx| tx.append(records))
    }
}
