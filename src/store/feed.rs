//! The event feed the search indexer follows: events in sequence order after
//! a given one, with their conversation's internal id, and every
//! conversation's summary once at start.

use std::collections::HashMap;

use redb::ReadableTable;

use super::codec::decode;
use super::facts::read_u64;
use super::tables::*;
use super::{Conversation, Result, Store};
use crate::domain::{ConvEvent, Record};

/// Events after some sequence number, from one snapshot.
#[derive(Debug, Default)]
pub struct EventBatch {
    /// The last sequence number read (also of records that are not
    /// conversation events); the next batch starts after it.
    pub last_seq: u64,
    /// The newest sequence number in the store at the time of reading.
    pub head_seq: u64,
    pub generation: u64,
    /// (seq, conversation internal id, event), in sequence order.
    pub events: Vec<(u64, u64, ConvEvent)>,
}

impl Store {
    /// Up to `limit` records after `seq`; `last_seq == seq` when there are none.
    pub fn events_after(&self, seq: u64, limit: usize) -> Result<EventBatch> {
        let txn = self.begin_read()?;
        let events = txn.open_table(EVENTS)?;
        let ids = txn.open_table(CONV_IDS)?;
        let head_seq = events.last()?.map_or(0, |(k, _)| k.value());
        let generation = txn.open_table(META)?.get("derived_generation")?.map_or(0, |v| read_u64(v.value()));
        let mut batch = EventBatch { last_seq: seq, head_seq, generation, events: Vec::new() };
        // Events of one conversation tend to come together: remember the ids.
        let mut known: HashMap<String, u64> = HashMap::new();
        for row in events.range(seq + 1..)?.take(limit) {
            let (k, v) = row?;
            batch.last_seq = k.value();
            if let Record::Conv(ev) = decode::<Record>(v.value(), "event")? {
                let internal = match known.get(&ev.conversation) {
                    Some(&i) => Some(i),
                    None => {
                        let i = ids.get(ev.conversation.as_str())?.map(|v| v.value());
                        if let Some(i) = i {
                            if known.len() > 4096 {
                                known.clear();
                            }
                            known.insert(ev.conversation.clone(), i);
                        }
                        i
                    }
                };
                if let Some(i) = internal {
                    batch.events.push((k.value(), i, ev));
                }
            }
        }
        Ok(batch)
    }

    /// Every conversation's summary from one snapshot; answers the snapshot's
    /// newest sequence number and derived generation.
    pub fn for_each_conversation(&self, f: &mut dyn FnMut(Conversation)) -> Result<(u64, u64)> {
        let txn = self.begin_read()?;
        let seq = txn.open_table(EVENTS)?.last()?.map_or(0, |(k, _)| k.value());
        let generation = txn.open_table(META)?.get("derived_generation")?.map_or(0, |v| read_u64(v.value()));
        for row in txn.open_table(CONVERSATIONS)?.iter()? {
            let (_, v) = row?;
            f(decode(v.value(), "conversation")?);
        }
        Ok((seq, generation))
    }

    /// Conversation summaries by internal id, from one snapshot.
    pub fn conversations_by_internal(&self, internals: &[u64]) -> Result<Vec<Option<Conversation>>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(CONVERSATIONS)?;
        internals.iter().map(|&i| t.get(i)?.map(|v| decode(v.value(), "conversation")).transpose()).collect()
    }

    /// One stored record by its sequence number.
    pub fn event(&self, seq: u64) -> Result<Option<Record>> {
        let txn = self.begin_read()?;
        let events = txn.open_table(EVENTS)?;
        events.get(seq)?.map(|v| decode(v.value(), "event")).transpose()
    }
}
