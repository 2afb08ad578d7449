//! What the index cannot hold because it changes over a conversation's life:
//! which agents took part, its current tags, which messages were recalled.
//! Kept in memory, loaded from the store at start and kept current by the
//! indexer, and checked for each candidate hit by `collect::Filtered`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::domain::{Body, Channel, ConvEvent};
use crate::store::Conversation;

use super::normalize::fold_str;

/// A set of conversation internal ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvSet {
    words: Vec<u64>,
}

impl ConvSet {
    pub fn insert(&mut self, i: u64) {
        let w = (i / 64) as usize;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (i % 64);
    }

    pub fn remove(&mut self, i: u64) {
        if let Some(w) = self.words.get_mut((i / 64) as usize) {
            *w &= !(1 << (i % 64));
        }
    }

    #[inline]
    pub fn contains(&self, i: u64) -> bool {
        self.words.get((i / 64) as usize).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn union_with(&mut self, other: &ConvSet) {
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn intersect_with(&mut self, other: &ConvSet) {
        self.words.truncate(other.words.len());
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn subtract(&mut self, other: &ConvSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Every id below `n`.
    pub fn all(n: u64) -> ConvSet {
        let mut s = ConvSet { words: vec![u64::MAX; n.div_ceil(64) as usize] };
        if let Some(last) = s.words.last_mut()
            && !n.is_multiple_of(64)
        {
            *last = (1u64 << (n % 64)) - 1;
        }
        s
    }
}

#[derive(Debug, Default)]
pub struct ConvSets {
    /// Folded agent id → conversations it took part in.
    pub agents: HashMap<String, ConvSet>,
    /// Folded tag → conversations that carry it now.
    pub tags: HashMap<String, ConvSet>,
    /// Sequence numbers of the message events of deleted or recalled messages.
    pub deleted: Arc<HashSet<u64>>,
    /// Each conversation's channel (for notes, which have none of their own).
    pub channels: Vec<Option<Channel>>,
    /// One past the highest internal id seen.
    pub conversations: u64,
}

impl ConvSets {
    /// Takes a conversation's current agents, tags and channel.
    pub fn load(&mut self, c: &Conversation) {
        for a in &c.agents {
            self.agents.entry(fold_str(a)).or_default().insert(c.internal);
        }
        self.set_tags(c.internal, &c.tags);
        self.set_channel(c.internal, c.channel);
    }

    pub fn set_channel(&mut self, conv: u64, channel: Option<Channel>) {
        let i = conv as usize;
        if self.channels.len() <= i {
            self.channels.resize(i + 1, None);
        }
        if channel.is_some() {
            self.channels[i] = channel;
        }
        self.conversations = self.conversations.max(conv + 1);
    }

    pub fn channel(&self, conv: u64) -> Option<Channel> {
        self.channels.get(conv as usize).copied().flatten()
    }

    /// Replaces a conversation's tags.
    pub fn set_tags(&mut self, conv: u64, tags: &[String]) {
        for set in self.tags.values_mut() {
            set.remove(conv);
        }
        for t in tags {
            self.tags.entry(fold_str(t)).or_default().insert(conv);
        }
    }

    /// What an event adds: agents who took part, the channel. (Tags come
    /// from the conversation's summary and recalls from its events, see the
    /// indexer.)
    pub fn apply(&mut self, conv: u64, ev: &ConvEvent) {
        for a in ev.body.agents() {
            self.agents.entry(fold_str(a)).or_default().insert(conv);
        }
        if let Body::Message { channel, .. } = &ev.body
            && self.channel(conv).is_none()
        {
            self.set_channel(conv, Some(*channel));
        }
        self.conversations = self.conversations.max(conv + 1);
    }

    /// Marks a message (by its event's sequence number) deleted.
    pub fn mark_deleted(&mut self, message_seq: u64) {
        Arc::make_mut(&mut self.deleted).insert(message_seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_algebra() {
        let mut a = ConvSet::default();
        a.insert(3);
        a.insert(130);
        let mut b = ConvSet::all(131);
        assert!(b.contains(130) && !b.contains(131));
        b.subtract(&a);
        assert!(!b.contains(3) && b.contains(4));
        let mut c = a.clone();
        c.intersect_with(&ConvSet::all(64));
        assert!(c.contains(3) && !c.contains(130));
        c.union_with(&a);
        assert_eq!(c, a);
        a.remove(3);
        assert!(!a.contains(3));
    }
}
