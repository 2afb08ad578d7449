//! One conversation's events as they are written, with a clock that only moves forward.
//!
//! The clock guarantees the spec's ordering (strictly increasing `ts` within a
//! conversation, so no tie needs the arrival order) and the cut at the end of the demo
//! window: events at or after `end_ms` are dropped, as if they had not happened yet.

use serde_json::{Map, Value, json};

use super::clock::format_ts;

/// An event with what the global sort needs: time, then conversation, then position.
pub struct Stamped {
    pub ms: i64,
    pub conv: u32,
    pub seq: u32,
    pub value: Value,
}

/// Who sends a message.
#[derive(Clone, Copy, Debug)]
pub enum Sender<'a> {
    Customer,
    Agent(&'a str),
    Bot,
}

/// Who deletes (recalls) a message.
#[derive(Clone, Copy, Debug)]
pub enum By {
    Customer,
    Agent,
}

/// The event writer of one conversation.
pub struct Timeline<'a> {
    out: &'a mut Vec<Stamped>,
    conv_no: u32,
    conversation: String,
    channel: &'static str,
    contact: String,
    offset_s: i32,
    end_ms: i64,
    clock: i64,
    messages: u32,
    seq: u32,
}

impl<'a> Timeline<'a> {
    /// `offset_s` is the offset the timestamps are written with (the customer's, or 0 for
    /// e-mail, whose headers are usually shown in UTC).
    pub fn new(
        out: &'a mut Vec<Stamped>,
        conv_no: u32,
        channel: &'static str,
        contact: String,
        offset_s: i32,
        start_ms: i64,
        end_ms: i64,
    ) -> Timeline<'a> {
        Timeline {
            out,
            conv_no,
            conversation: format!("demo-{conv_no:06}"),
            channel,
            contact,
            offset_s,
            end_ms,
            clock: start_ms - 1,
            messages: 0,
            seq: 0,
        }
    }

    /// The conversation id (`demo-000123`).
    pub fn conversation(&self) -> &str {
        &self.conversation
    }

    /// The time of the last event written (or about to be: cut events move it too).
    pub fn now(&self) -> i64 {
        self.clock
    }

    /// True once the clock has reached the end of the window: nothing more will be kept.
    pub fn is_over(&self) -> bool {
        self.clock >= self.end_ms
    }

    /// Writes an event at `at`, or 1 ms after the previous one if `at` is not later.
    /// Returns the time actually used.
    fn push(&mut self, at: i64, ty: &str, fields: Value) -> i64 {
        self.clock = at.max(self.clock + 1);
        if self.clock < self.end_ms {
            let mut m = Map::new();
            m.insert("type".into(), ty.into());
            m.insert("conversation".into(), self.conversation.clone().into());
            m.insert("ts".into(), format_ts(self.clock, self.offset_s).into());
            if let Value::Object(f) = fields {
                m.extend(f);
            }
            self.out.push(Stamped { ms: self.clock, conv: self.conv_no, seq: self.seq, value: Value::Object(m) });
            self.seq += 1;
        }
        self.clock
    }

    /// A message; returns its id (`m1`, `m2`, ...), for edits and deletes.
    pub fn message(&mut self, at: i64, from: Sender, text: &str, attachments: Option<Value>) -> String {
        self.messages += 1;
        let id = format!("m{}", self.messages);
        let mut f = json!({"id": id, "channel": self.channel, "text": text});
        match from {
            Sender::Customer => {
                f["sender"] = "customer".into();
                f["contact"] = self.contact.clone().into();
            }
            Sender::Agent(agent) => {
                f["sender"] = "agent".into();
                f["agent"] = agent.into();
            }
            Sender::Bot => f["sender"] = "bot".into(),
        }
        if let Some(a) = attachments {
            f["attachments"] = a;
        }
        self.push(at, "message", f);
        id
    }

    pub fn edit(&mut self, at: i64, message: &str, text: &str) {
        self.push(at, "edit", json!({"message": message, "text": text}));
    }

    pub fn delete(&mut self, at: i64, message: &str, by: By) {
        let by = match by {
            By::Customer => "customer",
            By::Agent => "agent",
        };
        self.push(at, "delete", json!({"message": message, "by": by}));
    }

    pub fn assign(&mut self, at: i64, agent: &str) {
        self.push(at, "assign", json!({"agent": agent}));
    }

    pub fn transfer(&mut self, at: i64, from: &str, to: &str, reason: &str) {
        self.push(at, "transfer", json!({"from": from, "to": to, "reason": reason}));
    }

    pub fn note(&mut self, at: i64, agent: &str, text: &str) {
        self.push(at, "note", json!({"agent": agent, "text": text}));
    }

    pub fn tag(&mut self, at: i64, tag: &str) {
        self.push(at, "tag", json!({"tag": tag}));
    }

    pub fn untag(&mut self, at: i64, tag: &str) {
        self.push(at, "untag", json!({"tag": tag}));
    }

    /// A resolve by `agent`, or by the system's auto-close when `None`.
    pub fn resolve(&mut self, at: i64, agent: Option<&str>) {
        let f = match agent {
            Some(a) => json!({"agent": a}),
            None => json!({}),
        };
        self.push(at, "resolve", f);
    }

    pub fn reopen(&mut self, at: i64) {
        self.push(at, "reopen", json!({}));
    }

    pub fn csat(&mut self, at: i64, score: u8, comment: Option<&str>) {
        let mut f = json!({"score": score});
        if let Some(c) = comment {
            f["comment"] = c.into();
        }
        self.push(at, "csat", f);
    }
}
