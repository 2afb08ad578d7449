//! A conversation's facts while the append path builds them, kept in their
//! stored encoding: a few bytes a fact, where a [`Fact`] in memory takes 56
//! and a heap string. A large import holds the facts of hundreds of
//! thousands of conversations between two durable commits.

use serde::Serialize;

use super::codec::encode;
use super::facts::{Fact, Facts, fact_of};
use crate::domain::{Channel, ConvEvent, time::Millis};

#[derive(Debug, Default)]
pub struct FactsBuf {
    channel: Option<Channel>,
    start: Millis,
    last: Millis,
    count: usize,
    /// The postcard encoding of each fact, one after another.
    items: Vec<u8>,
}

fn append<T: Serialize>(out: &mut Vec<u8>, v: &T) {
    postcard::to_io(v, out).expect("postcard encodes into a Vec");
}

impl FactsBuf {
    pub fn from_facts(f: &Facts) -> FactsBuf {
        let mut items = Vec::new();
        for fact in &f.items {
            append(&mut items, fact);
        }
        FactsBuf { channel: f.channel, start: f.start, last: f.last, count: f.items.len(), items }
    }

    /// As [`Facts::push`].
    pub fn push(&mut self, ev: &ConvEvent) {
        if let Some(fact) = fact_of(ev, self.count > 0, self.last, &mut self.channel) {
            if self.count == 0 {
                self.start = ev.ts;
            }
            self.last = ev.ts;
            self.count += 1;
            append::<Fact>(&mut self.items, &fact);
        }
    }

    /// The stored value: exactly `encode(&Facts)` of the same facts (postcard
    /// writes a struct as its fields in order, and a sequence as its length then its items).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = encode(&(self.channel, self.start, self.last, self.count));
        out.extend_from_slice(&self.items);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::test_events;

    #[test]
    fn the_buffer_encodes_exactly_as_the_facts_do() {
        let events = test_events(&[
            r#"{"type":"tag","conversation":"c","ts":"2026-01-01T00:00:00Z","tag":"vip"}"#,
            r#"{"type":"message","conversation":"c","id":"m1","ts":"2026-01-01T00:00:01Z","channel":"line","sender":"customer","text":"hi"}"#,
            r#"{"type":"edit","conversation":"c","ts":"2026-01-01T00:00:02Z","message":"m1","text":"hello"}"#,
            r#"{"type":"assign","conversation":"c","ts":"2026-01-01T00:00:03Z","agent":"a-07"}"#,
            r#"{"type":"message","conversation":"c","id":"m2","ts":"2026-01-01T00:05:00Z","channel":"line","sender":"agent","agent":"a-07","text":"yes"}"#,
            r#"{"type":"transfer","conversation":"c","ts":"2026-01-01T00:06:00Z","from":"a-07","to":"a-08"}"#,
            r#"{"type":"note","conversation":"c","ts":"2026-01-01T00:06:30Z","agent":"a-08","text":"n"}"#,
            r#"{"type":"resolve","conversation":"c","ts":"2026-01-01T01:00:00Z"}"#,
            r#"{"type":"reopen","conversation":"c","ts":"2026-01-02T01:00:00Z"}"#,
            r#"{"type":"csat","conversation":"c","ts":"2026-01-02T02:00:00Z","score":4}"#,
        ]);
        let (mut facts, mut buf) = (Facts::default(), FactsBuf::default());
        assert_eq!(buf.encode(), encode(&facts), "empty");
        for (i, (_, ev)) in events.iter().enumerate() {
            facts.push(ev);
            buf.push(ev);
            assert_eq!(buf.encode(), encode(&facts), "after event {i}");
            // Picking up from stored facts continues the same way.
            assert_eq!(FactsBuf::from_facts(&facts).encode(), encode(&facts));
        }
        assert_eq!(facts.items.len(), 9, "the edit leaves no fact");
    }
}
