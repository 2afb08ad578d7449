//! The channel inbox: every webhook delivery (and e-mail, and pulled batch)
//! exactly as received, stored before it is acknowledged and translated into
//! events afterwards. A payload chatledger does not understand stays here,
//! raw, with the reason; nothing a channel sends is dropped.
//!
//! Seqs are handed out in order; `META["inbox_done"]` is the last seq whose
//! translation was committed (with its events, in the same transaction).

use redb::{ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::codec::{decode, encode};
use super::error::Result;
use super::{Store, Tx};
use crate::domain::time::Millis;

/// seq → encoded [`InboxItem`]. Append-only.
pub const INBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("inbox");
/// SHA-256(instance ‖ 0 ‖ body) → seq: an exact redelivery is stored once.
pub const INBOX_SEEN: TableDefinition<&[u8], u64> = TableDefinition::new("inbox_seen");
/// seq → encoded [`Outcome`], written with the events the item became.
pub const INBOX_OUTCOME: TableDefinition<u64, &[u8]> = TableDefinition::new("inbox_outcome");

const DONE_KEY: &str = "inbox_done";

/// One delivery, as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    /// The channel instance it came to.
    pub instance: String,
    /// What it is, for the translator: `webhook`, `email`, `kf_sync`, `widget`, ...
    pub kind: String,
    pub received: Millis,
    pub body: Vec<u8>,
}

/// What became of an item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Events stored.
    pub accepted: u64,
    /// Events already in the store (a redelivery).
    pub duplicates: u64,
    /// Parts understood but deliberately not made events (a reaction, a
    /// "user joined" notice, a status for a message chatledger never saw).
    pub ignored: Vec<String>,
    /// Parts chatledger does not understand: the item stays here, raw.
    pub unknown: Vec<String>,
    /// Why the item could not be read at all.
    pub error: Option<String>,
}

impl Outcome {
    /// `ok`, `partial` (something unknown), or `error`.
    pub fn state(&self) -> &'static str {
        if self.error.is_some() {
            "error"
        } else if !self.unknown.is_empty() {
            "unknown"
        } else {
            "ok"
        }
    }
}

/// What storing a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New(u64),
    /// The same bytes came to the same instance before, as this seq.
    Redelivery(u64),
}

fn seen_key(instance: &str, body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(instance.as_bytes());
    h.update([0u8]);
    h.update(body);
    h.finalize().into()
}

impl Store {
    /// Stores deliveries in one durable transaction (a group commit of every
    /// webhook waiting), skipping exact redeliveries. Not an audited write: the
    /// inbox is the raw evidence; the events it becomes are audited.
    pub fn inbox_put(&self, items: Vec<InboxItem>) -> Result<Vec<Stored>> {
        let txn = self.begin_write()?;
        let mut out = Vec::with_capacity(items.len());
        {
            let mut inbox = txn.open_table(INBOX)?;
            let mut seen = txn.open_table(INBOX_SEEN)?;
            let mut next = inbox.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            for item in items {
                let key = seen_key(&item.instance, &item.body);
                if let Some(seq) = seen.get(key.as_slice())?.map(|v| v.value()) {
                    out.push(Stored::Redelivery(seq));
                    continue;
                }
                inbox.insert(next, encode(&item).as_slice())?;
                seen.insert(key.as_slice(), next)?;
                out.push(Stored::New(next));
                next += 1;
            }
        }
        txn.commit()?;
        Ok(out)
    }

    /// Items not yet translated, oldest first, at most `limit`.
    pub fn inbox_pending(&self, limit: usize) -> Result<Vec<(u64, InboxItem)>> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(super::tables::META)?;
        let done = meta.get(DONE_KEY)?.map(|v| le_u64(v.value())).unwrap_or(0);
        let inbox = txn.open_table(INBOX)?;
        let mut out = Vec::new();
        for item in inbox.range(done + 1..)? {
            let (k, v) = item?;
            out.push((k.value(), decode(v.value(), "inbox item")?));
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// Items with their outcome (None while untranslated), newest first,
    /// before seq `before`, for `instance` if given, at most `limit`.
    pub fn inbox_list(
        &self,
        instance: Option<&str>,
        only_problems: bool,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<(u64, InboxItem, Option<Outcome>)>> {
        let txn = self.begin_read()?;
        let inbox = txn.open_table(INBOX)?;
        let outcomes = txn.open_table(INBOX_OUTCOME)?;
        let mut out = Vec::new();
        for item in inbox.range(..before.unwrap_or(u64::MAX))?.rev() {
            let (k, v) = item?;
            let it: InboxItem = decode(v.value(), "inbox item")?;
            if instance.is_some_and(|i| i != it.instance) {
                continue;
            }
            let oc = outcomes.get(k.value())?.map(|v| decode::<Outcome>(v.value(), "inbox outcome")).transpose()?;
            if only_problems && oc.as_ref().is_some_and(|o| o.state() == "ok") {
                continue;
            }
            out.push((k.value(), it, oc));
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// What item `seq` became, once translated.
    pub fn inbox_outcome(&self, seq: u64) -> Result<Option<Outcome>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(INBOX_OUTCOME)?;
        t.get(seq)?.map(|v| decode(v.value(), "inbox outcome")).transpose()
    }

    /// How many items are stored and how many are still untranslated.
    pub fn inbox_counts(&self) -> Result<(u64, u64)> {
        let txn = self.begin_read()?;
        let meta = txn.open_table(super::tables::META)?;
        let done = meta.get(DONE_KEY)?.map(|v| le_u64(v.value())).unwrap_or(0);
        let inbox = txn.open_table(INBOX)?;
        let last = inbox.last()?.map(|(k, _)| k.value()).unwrap_or(0);
        Ok((last, last.saturating_sub(done)))
    }
}

impl Tx<'_> {
    /// Records what item `seq` became, and that it is done, in this write.
    pub fn inbox_done(&mut self, seq: u64, outcome: &Outcome) -> Result<()> {
        let mut t = self.txn.open_table(INBOX_OUTCOME)?;
        t.insert(seq, encode(outcome).as_slice())?;
        let done = self.meta.get(DONE_KEY)?.map(|v| le_u64(v.value())).unwrap_or(0);
        if seq > done {
            self.meta.insert(DONE_KEY, seq.to_le_bytes().as_slice())?;
        }
        Ok(())
    }

    /// Whether a conversation with this external id exists.
    pub fn has_conversation(&self, id: &str) -> Result<bool> {
        Ok(self.d.conv_ids.get(id)?.is_some())
    }
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap_or([0; 8]))
}
