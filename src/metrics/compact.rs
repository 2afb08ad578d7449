//! The in-memory form of a conversation's facts: 16 bytes a fact, agents and
//! tags interned as numbers, so a query over a million conversations scans
//! flat memory instead of decoding strings.

use std::collections::HashMap;

use crate::domain::Channel;
use crate::store::facts::{Fact as StoredFact, Facts};

/// "Nobody": no agent (an unassigned holder, a resolve without an agent).
pub const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Customer,
    /// A human response; `a` is the agent.
    Human,
    Bot,
    /// `a` is the agent.
    Assign,
    /// `a` is `from`, `b` is `to`.
    Transfer,
    /// `a` is the agent.
    Note,
    /// `a` is the tag.
    Tag,
    Untag,
    /// `a` is the agent, or NONE.
    Resolve,
    Reopen,
    /// `a` is the score.
    Csat,
}

const KINDS: [Kind; 11] = [
    Kind::Customer,
    Kind::Human,
    Kind::Bot,
    Kind::Assign,
    Kind::Transfer,
    Kind::Note,
    Kind::Tag,
    Kind::Untag,
    Kind::Resolve,
    Kind::Reopen,
    Kind::Csat,
];

/// One fact: its time and kind packed in one word (times are far inside 56 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    word: i64,
    pub a: u32,
    pub b: u32,
}

impl Fact {
    pub fn new(ts: i64, kind: Kind, a: u32, b: u32) -> Fact {
        Fact { word: (ts << 8) | kind as i64, a, b }
    }

    pub fn ts(&self) -> i64 {
        self.word >> 8
    }

    pub fn kind(&self) -> Kind {
        KINDS[(self.word & 0xff) as usize]
    }
}

/// Interned names: number ↔ string.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.into());
        self.ids.insert(name.into(), i);
        i
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The name of `i`; NONE has none.
    pub fn name(&self, i: u32) -> Option<&str> {
        self.names.get(i as usize).map(|s| &**s)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The numbering of agents and tags shared by every conversation in memory.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub agents: Interner,
    pub tags: Interner,
}

/// One conversation's facts in timeline order.
#[derive(Debug, Clone, Copy)]
pub struct Conv<'a> {
    pub channel: Channel,
    /// Time of the first fact and of the last.
    pub start: i64,
    pub last: i64,
    pub facts: &'a [Fact],
}

/// A conversation converted from its stored facts, before it joins the ledger.
#[derive(Debug, Clone)]
pub struct OwnedConv {
    pub channel: Channel,
    pub start: i64,
    pub last: i64,
    pub facts: Vec<Fact>,
}

impl OwnedConv {
    pub fn as_conv(&self) -> Conv<'_> {
        Conv { channel: self.channel, start: self.start, last: self.last, facts: &self.facts }
    }
}

impl Conv<'_> {
    /// Whether any fact lies in [from, to): only then can it count in that period.
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        self.start < to && self.last >= from
    }

    pub fn from_stored(f: &Facts, names: &mut Names) -> OwnedConv {
        let mut ts = f.start;
        let facts = f
            .items
            .iter()
            .map(|item| {
                let (dt, kind, a, b) = match item {
                    StoredFact::Customer(dt) => (dt, Kind::Customer, NONE, NONE),
                    StoredFact::Human(dt, ag) => (dt, Kind::Human, names.agents.intern(ag), NONE),
                    StoredFact::Bot(dt) => (dt, Kind::Bot, NONE, NONE),
                    StoredFact::Assign(dt, ag) => (dt, Kind::Assign, names.agents.intern(ag), NONE),
                    StoredFact::Transfer(dt, from, to) => {
                        (dt, Kind::Transfer, names.agents.intern(from), names.agents.intern(to))
                    }
                    StoredFact::Note(dt, ag) => (dt, Kind::Note, names.agents.intern(ag), NONE),
                    StoredFact::Tag(dt, t) => (dt, Kind::Tag, names.tags.intern(t), NONE),
                    StoredFact::Untag(dt, t) => (dt, Kind::Untag, names.tags.intern(t), NONE),
                    StoredFact::Resolve(dt, ag) => {
                        (dt, Kind::Resolve, ag.as_deref().map_or(NONE, |x| names.agents.intern(x)), NONE)
                    }
                    StoredFact::Reopen(dt) => (dt, Kind::Reopen, NONE, NONE),
                    StoredFact::Csat(dt, s) => (dt, Kind::Csat, *s as u32, NONE),
                };
                ts += *dt as i64;
                Fact::new(ts, kind, a, b)
            })
            .collect();
        OwnedConv { channel: f.channel.unwrap_or(Channel::Other), start: f.start, last: f.last, facts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_keeps_time_and_kind() {
        for (ts, kind) in [(1_790_000_000_123, Kind::Csat), (0, Kind::Customer), (-86_400_000, Kind::Reopen)] {
            let f = Fact::new(ts, kind, 7, NONE);
            assert_eq!((f.ts(), f.kind(), f.a, f.b), (ts, kind, 7, NONE));
        }
        assert_eq!(std::mem::size_of::<Fact>(), 16);
    }
}
