//! The one path in: every record (import line, webhook, reply) is appended
//! here, deduplicated, and its derived state updated in the same transaction.
//!
//! Per conversation touched by a batch, its summary is read once, the new
//! events are checked against its event fingerprints, and it is written once.

use foldhash::{HashMap, HashSet};

use redb::ReadableTable;

use super::codec::{decode, encode};
use super::directory::{merge_agent, merge_contact, stub_agent};
use super::error::Result;
use super::facts::Facts;
use super::facts_buf::FactsBuf;
use super::summary::Conversation;
use super::{Store, Tx};
use crate::domain::{AgentRecord, Body, ContactRecord, ConvEvent, Record};

/// A record with its stored encoding, made off the writer's thread.
pub struct Encoded {
    pub record: Record,
    pub bytes: Vec<u8>,
}

impl Encoded {
    pub fn new(record: Record) -> Self {
        let bytes = encode(&record);
        Encoded { record, bytes }
    }
}

/// Where an append put one record: its event number (0: a duplicate, not
/// stored) and, for a conversation event, its conversation's internal id
/// (else [`NO_CONV`]). What a bulk import hands to the search indexer, which
/// then needs not read the events back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub seq: u64,
    pub conv: u64,
}

/// [`Placed::conv`] of a record that is not a conversation event.
pub const NO_CONV: u64 = u64::MAX;

/// What an append did with its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AppendStats {
    pub accepted: u64,
    pub duplicates: u64,
}

/// What makes two events the same: a message's id; any other event's whole content.
enum DedupKey<'a> {
    Message(&'a str),
    Content(&'a [u8]),
}

fn dedup_key<'a>(ev: &'a ConvEvent, encoded: &'a [u8]) -> DedupKey<'a> {
    match &ev.body {
        Body::Message { id, .. } => DedupKey::Message(id),
        _ => DedupKey::Content(encoded),
    }
}

/// A stable 32-bit fingerprint of a dedup key (FNV-1a; stored, so it must never change).
fn fingerprint(k: &DedupKey) -> u32 {
    let (tag, bytes): (u8, &[u8]) = match k {
        DedupKey::Message(id) => (b'm', id.as_bytes()),
        DedupKey::Content(b) => (b'e', b),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&tag).chain(bytes) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

/// One conversation touched since its summary was last written. New events
/// are folded in as they come when they are later than everything before;
/// otherwise the conversation is refolded from its stored events at `derive`.
pub(crate) struct TouchedConv {
    summary: Conversation,
    /// Its facts (see `facts.rs`), kept in step with `summary`.
    facts: FactsBuf,
    /// Key of its row in the recency index, and its contact, as last written.
    written: Option<(i64, Option<String>)>,
    refold: bool,
    changed: bool,
}

/// Conversations touched since their summaries were last written.
#[derive(Default)]
pub struct Touched {
    convs: HashMap<u64, TouchedConv>,
    ids: HashMap<String, u64>,
    next_conv: Option<u64>,
    known_agents: HashSet<String>,
}

impl Tx<'_> {
    /// Appends records in order; returns how many were new and how many duplicates.
    pub fn append(&mut self, records: Vec<Record>) -> Result<AppendStats> {
        self.append_encoded(records.into_iter().map(Encoded::new).collect())
    }

    /// The same, for records already encoded (by an import's parsing thread).
    pub fn append_encoded(&mut self, records: Vec<Encoded>) -> Result<AppendStats> {
        let mut touched = Touched::default();
        let stats = self.append_deferred(&records, &mut touched, None)?;
        self.derive(touched)?;
        Ok(stats)
    }

    /// Appends events but leaves the conversation summaries of `touched` to a
    /// later [`Tx::derive`]. Only for a process alone with the store (a bulk
    /// import), which derives at each durable commit: a crash loses the
    /// non-durable commits in between whole, events and all. The records are
    /// left to the caller, whose thread may free them.
    /// When `placed` is given, it receives each record's [`Placed`], in order.
    pub fn append_deferred(
        &mut self,
        records: &[Encoded],
        touched: &mut Touched,
        mut placed: Option<&mut Vec<Placed>>,
    ) -> Result<AppendStats> {
        let mut stats = AppendStats::default();
        for Encoded { record, bytes } in records {
            let seq = self.next_seq;
            let (new, conv) = match record {
                Record::Conv(ev) => match self.index_conv_event(ev, bytes, seq, touched)? {
                    Some(internal) => (true, internal),
                    None => (false, NO_CONV),
                },
                Record::Agent(a) => (self.index_agent(a)?, NO_CONV),
                Record::Contact(c) => (self.index_contact(c)?, NO_CONV),
            };
            if let Some(p) = placed.as_deref_mut() {
                p.push(Placed { seq: if new { seq } else { 0 }, conv });
            }
            if new {
                self.next_seq += 1;
                self.events.insert(seq, bytes.as_slice())?;
                self.hasher.add(seq, bytes);
                stats.accepted += 1;
            } else {
                stats.duplicates += 1;
            }
        }
        Ok(stats)
    }

    fn conv_internal(&mut self, id: &str, touched: &mut Touched) -> Result<(u64, bool)> {
        if let Some(v) = touched.ids.get(id) {
            return Ok((*v, false));
        }
        if let Some(v) = self.d.conv_ids.get(id)?.map(|v| v.value()) {
            touched.ids.insert(id.to_string(), v);
            return Ok((v, false));
        }
        let next = match touched.next_conv {
            Some(n) => n,
            None => self.d.conversations.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1),
        };
        touched.next_conv = Some(next + 1);
        touched.ids.insert(id.to_string(), next);
        self.d.conv_ids.insert(id, next)?;
        Ok((next, true))
    }

    /// Indexes a conversation event under `seq` unless it duplicates one already
    /// in the conversation. Returns whether it is new (then `encoded` is to be stored).
    pub(crate) fn index_conv_event(
        &mut self,
        ev: &ConvEvent,
        encoded: &[u8],
        seq: u64,
        touched: &mut Touched,
    ) -> Result<Option<u64>> {
        let (internal, is_new) = self.conv_internal(&ev.conversation, touched)?;
        if let std::collections::hash_map::Entry::Vacant(slot) = touched.convs.entry(internal) {
            let old: Option<Conversation> = if is_new {
                None
            } else {
                self.d.conversations.get(internal)?.map(|v| decode(v.value(), "conversation")).transpose()?
            };
            let written = old.as_ref().map(|o| (o.last_event, o.contact.clone()));
            let facts = match &old {
                Some(_) => {
                    let stored: Option<Facts> =
                        self.d.facts.get(internal)?.map(|v| decode(v.value(), "facts")).transpose()?;
                    FactsBuf::from_facts(&stored.unwrap_or_default())
                }
                None => FactsBuf::default(),
            };
            let summary = old.unwrap_or_else(|| Conversation::new(internal, &ev.conversation));
            slot.insert(TouchedConv { summary, facts, written, refold: false, changed: false });
        }
        let key = dedup_key(ev, encoded);
        let fp = fingerprint(&key);
        let tc = touched.convs.get(&internal).expect("inserted above");
        for &(other, ofp) in &tc.summary.events {
            if ofp == fp && self.same_key(other, &key)? {
                return Ok(None);
            }
        }
        for a in ev.body.agents() {
            if !touched.known_agents.contains(a) {
                if self.d.agents.get(a)?.is_none() {
                    self.d.agents.insert(a, encode(&stub_agent(a)).as_slice())?;
                }
                touched.known_agents.insert(a.to_string());
            }
        }
        let tc = touched.convs.get_mut(&internal).expect("inserted above");
        tc.changed = true;
        if !tc.refold && tc.summary.is_after(ev.ts, seq) {
            tc.summary.apply(ev, seq);
            tc.facts.push(ev);
        } else {
            tc.refold = true;
        }
        tc.summary.events.push((seq, fp));
        Ok(Some(internal))
    }

    /// Whether the stored event `seq` (maybe stored by this transaction) has dedup key `key`.
    fn same_key(&self, seq: u64, key: &DedupKey) -> Result<bool> {
        let Some(v) = self.events.get(seq)? else { return Ok(false) };
        let bytes = v.value();
        Ok(match decode::<Record>(bytes, "event")? {
            Record::Conv(ev) => match (dedup_key(&ev, bytes), key) {
                (DedupKey::Message(a), DedupKey::Message(b)) => a == *b,
                (DedupKey::Content(a), DedupKey::Content(b)) => a == *b,
                _ => false,
            },
            _ => false,
        })
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

    /// Writes the summary of every touched conversation (refolding those that
    /// got events older than their last one) and its index rows.
    pub(crate) fn derive(&mut self, mut touched: Touched) -> Result<()> {
        // In key order: each table then fills its pages front to back instead of
        // touching a random page per row (a large import derives 300k rows at once).
        let mut order: Vec<u64> = touched.convs.iter().filter(|(_, tc)| tc.changed).map(|(k, _)| *k).collect();
        order.sort_unstable();
        let mut contact_moves: Vec<(Option<String>, Option<String>, u64)> = Vec::new();
        for internal in order {
            let tc = touched.convs.remove(&internal).expect("listed above");
            let (summary, facts) = if tc.refold { self.refold(internal, &tc.summary)? } else { (tc.summary, tc.facts) };
            self.d.facts.insert(internal, facts.encode().as_slice())?;
            if let Some((last_event, _)) = &tc.written {
                self.d.by_activity.remove((*last_event, internal))?;
            }
            self.d.by_activity.insert((summary.last_event, internal), ())?;
            let before = tc.written.as_ref().and_then(|w| w.1.as_ref());
            if before != summary.contact.as_ref() {
                contact_moves.push((before.cloned(), summary.contact.clone(), internal));
            }
            self.d.conversations.insert(internal, encode(&summary).as_slice())?;
        }
        contact_moves.sort_unstable_by(|a, b| (&a.1, a.2).cmp(&(&b.1, b.2)));
        for (old, new, internal) in contact_moves {
            if let Some(old) = old {
                self.d.contact_convs.remove((old.as_str(), internal))?;
            }
            if let Some(c) = new {
                self.d.contact_convs.insert((c.as_str(), internal), ())?;
            }
        }
        Ok(())
    }

    /// Folds a conversation again from all its (stored) events, in timeline order,
    /// and derives its facts again.
    fn refold(&self, internal: u64, current: &Conversation) -> Result<(Conversation, FactsBuf)> {
        let mut all: Vec<(i64, u64, ConvEvent)> = Vec::with_capacity(current.events.len());
        for &(seq, _) in &current.events {
            if let Some(v) = self.events.get(seq)?
                && let Record::Conv(ev) = decode::<Record>(v.value(), "event")?
            {
                all.push((ev.ts, seq, ev));
            }
        }
        all.sort_by_key(|(ts, seq, _)| (*ts, *seq));
        let mut s = Conversation::new(internal, &current.id);
        let mut facts = FactsBuf::default();
        for (_, seq, ev) in &all {
            s.apply(ev, *seq);
            facts.push(ev);
        }
        s.events = current.events.clone();
        Ok((s, facts))
    }
}

impl Store {
    /// Appends records in one transaction with one audit entry.
    pub fn append(&self, spec: super::AuditSpec, records: Vec<Record>) -> Result<AppendStats> {
        self.write(spec, |tx| tx.append(records))
    }
}
