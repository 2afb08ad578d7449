//! Every conversation's facts in memory, kept in step with the store: a
//! query first catches up with the events written since the last one (by this
//! process or another), then scans flat memory.
//!
//! All facts live in an arena of large segments, in conversation order, so
//! that a query streams through memory instead of chasing a pointer per
//! conversation, and growing never copies what is there (a single vector
//! would double, and briefly hold twice the facts). A conversation that
//! changes gets its new facts at the end; the arena is rewritten when half of
//! it is stale.

use super::compact::{Conv, Fact, Names, OwnedConv};
use crate::domain::Channel;
use crate::store::{Result, Store};

/// Facts per arena segment (16 MiB).
const SEGMENT: usize = 1 << 20;

/// Stale facts before a rewrite is worth it (and half of all).
#[cfg(not(test))]
const COMPACT_MIN_STALE: usize = 1_000_000;
#[cfg(test)]
const COMPACT_MIN_STALE: usize = 4;

/// Conversations per block of [`Ledger::blocks`].
pub const BLOCK: usize = 16_384;

/// More new events than this since the last catch-up: reload everything instead.
const MAX_DELTA_EVENTS: u64 = 200_000;

/// Where a conversation's facts are.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    pub start: i64,
    pub last: i64,
    /// Arena segment, and position in it.
    pub segment: u32,
    pub offset: u32,
    pub len: u32,
    pub channel: Channel,
    pub present: bool,
}

const ABSENT: Head =
    Head { start: 0, last: -1, segment: 0, offset: 0, len: 0, channel: Channel::Other, present: false };

#[derive(Default)]
pub struct Ledger {
    /// The last event reflected here, and the derived generation it belongs to.
    pub seq: u64,
    pub generation: u64,
    /// By internal conversation id.
    pub heads: Vec<Head>,
    arena: Vec<Vec<Fact>>,
    /// Facts in the arena, stale ones included.
    facts: usize,
    /// Per block of BLOCK conversations: the earliest start and latest last
    /// fact in it, so that a query skips blocks outside its period unread
    /// (conversations arrive roughly in time order). Only ever widened.
    pub blocks: Vec<(i64, i64)>,
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
        let b = i / BLOCK;
        if self.blocks.len() <= b {
            self.blocks.resize(b + 1, (i64::MAX, i64::MIN));
        }
        let block = &mut self.blocks[b];
        *block = (block.0.min(conv.start), block.1.max(conv.last));
        let old = self.heads[i];
        if old.present {
            self.stale += old.len as usize;
        }
        let n = conv.facts.len();
        if self.arena.last().is_none_or(|seg| seg.len() + n > seg.capacity()) {
            self.arena.push(Vec::with_capacity(SEGMENT.max(n)));
        }
        let segment = self.arena.len() - 1;
        let seg = &mut self.arena[segment];
        self.heads[i] = Head {
            start: conv.start,
            last: conv.last,
            segment: segment as u32,
            offset: seg.len() as u32,
            len: n as u32,
            channel: conv.channel,
            present: true,
        };
        seg.extend_from_slice(&conv.facts);
        self.facts += n;
    }

    /// The conversation with this internal id.
    pub fn conv(&self, internal: usize) -> Option<Conv<'_>> {
        let h = self.heads.get(internal).filter(|h| h.present)?;
        Some(self.view(h))
    }

    pub fn view(&self, h: &Head) -> Conv<'_> {
        let from = h.offset as usize;
        let facts = &self.arena[h.segment as usize][from..from + h.len as usize];
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
                if self.stale > COMPACT_MIN_STALE && self.stale * 2 > self.facts {
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
        let old = std::mem::take(&mut self.arena);
        let heads = std::mem::take(&mut self.heads);
        self.blocks.clear();
        self.facts = 0;
        self.stale = 0;
        self.heads = vec![ABSENT; heads.len()];
        for (i, h) in heads.iter().enumerate().filter(|(_, h)| h.present) {
            let from = h.offset as usize;
            let facts = old[h.segment as usize][from..from + h.len as usize].to_vec();
            self.put(i as u64, OwnedConv { channel: h.channel, start: h.start, last: h.last, facts });
        }
    }

    pub fn conversations(&self) -> usize {
        self.heads.iter().filter(|h| h.present).count()
    }

    /// Bytes held in memory (for the stats and the benchmark).
    pub fn bytes(&self) -> usize {
        self.arena.iter().map(|s| s.capacity()).sum::<usize>() * std::mem::size_of::<Fact>()
            + self.heads.capacity() * std::mem::size_of::<Head>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::parse_line;
    use crate::store::{Actor, AuditSpec, OpenOptions};

    fn msg(conv: &str, id: &str, minute: u32) -> crate::domain::Record {
        let line = format!(
            r#"{{"type":"message","conversation":"{conv}","id":"{id}","channel":"line","ts":"2026-11-02T09:{minute:02}:00Z","sender":"customer","text":"q"}}"#
        );
        parse_line(line.as_bytes()).unwrap()
    }

    #[test]
    fn catching_up_and_rewriting_keep_every_conversation_intact() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path(), &OpenOptions::default()).unwrap();
        let spec = || AuditSpec::new(&Actor::system(), "test.import", "events");
        store.append(spec(), vec![msg("a", "1", 0), msg("b", "1", 0)]).unwrap();
        let mut l = Ledger::load(&store, &|_| {}).unwrap();
        assert_eq!(l.conversations(), 2);
        let internal = |id: &str| store.conversation(id).unwrap().unwrap().internal as usize;
        let (a, b) = (internal("a"), internal("b"));
        // Conversation a grows one message at a time: each catch-up leaves its old facts stale,
        // until more than half are stale and the arena is rewritten.
        for m in 1..8u32 {
            store.append(spec(), vec![msg("a", &format!("m{m}"), m)]).unwrap();
            assert!(!l.is_current(&store).unwrap());
            l.refresh(&store).unwrap();
            assert!(l.is_current(&store).unwrap());
            let ca = l.conv(a).unwrap();
            assert_eq!(ca.facts.len(), m as usize + 1);
            assert_eq!(ca.facts.last().unwrap().ts() - ca.facts[0].ts(), m as i64 * 60_000);
            assert_eq!(l.conv(b).unwrap().facts.len(), 1);
        }
        // 1+2+…+7 = 28 stale facts would be there without the rewrites.
        assert!(l.stale <= COMPACT_MIN_STALE.max(l.facts / 2), "stale {} of {}", l.stale, l.facts);
        assert!(l.facts < 20, "{}", l.facts);
    }
}
