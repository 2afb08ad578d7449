//! Every conversation's facts in memory, kept in step with the store: a
//! query first catches up with the events written since the last one (by this
//! process or another), then scans flat memory.
//!
//! All facts live in one arena, in conversation order, so that a query
//! streams through memory instead of chasing a pointer per conversation. A
//! conversation that changes gets its new facts at the end of the arena; the
//! arena is compacted when half of it is stale.

use super::compact::{Conv, Fact, Names, OwnedConv};
use crate::domain::Channel;
use crate::store::{Result, Store};

/// More new events than this since the last catch-up: reload everything instead.
const MAX_DELTA_EVENTS: u64 = 200_000;

/// Where a conversation's facts are.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    pub start: i64,
    pub last: i64,
    pub offset: u64,
    pub len: u32,
    pub channel: Channel,
    pub present: bool,
}

const ABSENT: Head = Head { start: 0, last: -1, offset: 0, len: 0, channel: Channel::Other, present: false };

#[derive(Default)]
pub struct Ledger {
    /// The last event reflected here, and the derived generation it belongs to.
    pub seq: u64,
    pub generation: u64,
    /// By internal conversation id.
    pub heads: Vec<Head>,
    pub arena: Vec<Fact>,
    stale: usize,
    pub names: Names,
    /// The earliest fact of any conversation.
    pub earliest: Option<i64>,
}

impl Ledger {
    /// Reads every conversation's facts; `progress(done)` every 50,000.
    pub fn load(store: &Store, progress: &dyn Fn(u64)) -> Result<Ledger> {
        let mut l = Ledger::default();
        let mut done = 0u64;
        let (seq, generation) = store.for_each_facts(&mut |internal, facts| {
            let conv = Conv::from_stored(&facts, &mut l.names);
            l.put(internal, conv);
            done += 1;
            if done.is_multiple_of(50_000) {
                progress(done);
            }
        })?;
        l.seq = seq;
        l.generation = generation;
        progress(done);
        Ok(l)
    }

    fn put(&mut self, internal: u64, conv: OwnedConv) {
        let i = internal as usize;
        if self.heads.len() <= i {
            self.heads.resize(i + 1, ABSENT);
        }
        if !conv.facts.is_empty() {
            self.earliest = Some(self.earliest.map_or(conv.start, |e| e.min(conv.start)));
        }
        let old = self.heads[i];
        if old.present {
            self.stale += old.len as usize;
        }
        self.heads[i] = Head {
            start: conv.start,
            last: conv.last,
            offset: self.arena.len() as u64,
            len: conv.facts.len() as u32,
            channel: conv.channel,
            present: true,
        };
        self.arena.extend_from_slice(&conv.facts);
    }

    /// The conversation with this internal id.
    pub fn conv(&self, internal: usize) -> Option<Conv<'_>> {
        let h = self.heads.get(internal).filter(|h| h.present)?;
        Some(self.view(h))
    }

    pub fn view(&self, h: &Head) -> Conv<'_> {
        let facts = &self.arena[h.offset as usize..h.offset as usize + h.len as usize];
        Conv { channel: h.channel, start: h.start, last: h.last, facts }
    }

    /// Whether the store has moved on since this was read.
    pub fn is_current(&self, store: &Store) -> Result<bool> {
        Ok(store.facts_version()? == (self.seq, self.generation))
    }

    /// Catches up with the store: the changed conversations, or everything
    /// after a reindex or a large import.
    pub fn refresh(&mut self, store: &Store) -> Result<()> {
        match store.facts_since(self.seq, MAX_DELTA_EVENTS)? {
            Some(delta) if delta.generation == self.generation => {
                for (internal, facts) in delta.changed {
                    let conv = Conv::from_stored(&facts, &mut self.names);
                    self.put(internal, conv);
                }
                self.seq = delta.seq;
                if self.stale > 1_000_000 && self.stale * 2 > self.arena.len() {
                    self.compact();
                }
                Ok(())
            }
            _ => {
                *self = Ledger::load(store, &|_| {})?;
                Ok(())
            }
        }
    }

    /// Rewrites the arena without stale facts, in conversation order.
    fn compact(&mut self) {
        let mut arena = Vec::with_capacity(self.arena.len() - self.stale);
        for h in self.heads.iter_mut().filter(|h| h.present) {
            let from = h.offset as usize;
            h.offset = arena.len() as u64;
            arena.extend_from_slice(&self.arena[from..from + h.len as usize]);
        }
        self.arena = arena;
        self.stale = 0;
    }

    pub fn conversations(&self) -> usize {
        self.heads.iter().filter(|h| h.present).count()
    }

    /// Bytes held in memory (for the stats and the benchmark).
    pub fn bytes(&self) -> usize {
        self.arena.capacity() * std::mem::size_of::<Fact>() + self.heads.capacity() * std::mem::size_of::<Head>()
    }
}
