//! One conversation's figures with names, for reading and for tests: the
//! rules of [`super::rules`] collected into an [`Analysis`].

use serde::Serialize;

use super::compact::{Conv, NONE, Names};
use super::rules::{Observer, Outcome, run};
use super::stats::whole_seconds;
use crate::domain::{Channel, ConvEvent};
use crate::store::facts::Facts;

/// One measured duration: from `start` to `end`, attributed to `agent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub start: i64,
    pub end: i64,
    pub agent: Option<String>,
    pub seconds: i64,
}

/// Everything the metrics need of one conversation as of the end of its timeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// That of the first message in the timeline.
    pub channel: Option<Channel>,
    pub first_message: Option<i64>,
    pub last_message: Option<i64>,
    /// The agent of the first routing event (an assign's agent, a transfer's from), else the first responder.
    pub home: Option<String>,
    /// The holder after the last event.
    pub holder: Option<String>,
    /// The first wait, when a human response ended it.
    pub first_response: Option<Sample>,
    /// Every wait a human response ended (the first included), attributed to the responder.
    pub replies: Vec<Sample>,
    /// A wait still open at the end: when it started.
    pub pending_since: Option<i64>,
    /// Last message minus first message, attributed to the holder at the last message.
    pub duration: Option<Sample>,
    /// From the first message to the resolve that left it resolved, attributed to that resolve's agent.
    pub resolution: Option<Sample>,
    /// Turns: maximal runs of messages by the same side, bots skipped.
    pub depth: u32,
    /// Human responses: (ts, agent).
    pub responses: Vec<(i64, String)>,
    /// Customer messages: (ts, holder at the message).
    pub customer_messages: Vec<(i64, Option<String>)>,
    /// Human responses at least 24 h after a previous non-bot message that was a human response.
    pub follow_ups: Vec<(i64, String)>,
    /// From a transfer to the next human response by its `to` agent.
    pub post_transfer: Vec<Sample>,
    /// (ts, from, to).
    pub transfers: Vec<(i64, String, String)>,
    /// (ts, agent).
    pub notes: Vec<(i64, String)>,
    /// (ts, agent).
    pub assigns: Vec<(i64, String)>,
    /// (ts, score, holder at the rating).
    pub csat: Vec<(i64, u8, Option<String>)>,
    /// Tags carried at the end.
    pub tags: Vec<String>,
}

impl Analysis {
    /// Engagement spans: per agent, (agent, first response, last response).
    pub fn engagement(&self) -> Vec<(String, i64, i64)> {
        let mut out: Vec<(String, i64, i64)> = Vec::new();
        for (ts, a) in &self.responses {
            match out.iter_mut().find(|(x, _, _)| x == a) {
                Some(e) => e.2 = *ts,
                None => out.push((a.clone(), *ts, *ts)),
            }
        }
        out
    }
}

struct Collect<'n> {
    names: &'n Names,
    a: Analysis,
}

impl Collect<'_> {
    fn name(&self, agent: u32) -> Option<String> {
        (agent != NONE).then(|| self.names.agents.name(agent).unwrap_or_default().to_string())
    }
    fn sample(&self, start: i64, end: i64, agent: u32) -> Sample {
        Sample { start, end, agent: self.name(agent), seconds: whole_seconds(start, end) }
    }
}

impl Observer for Collect<'_> {
    fn customer(&mut self, ts: i64, holder: u32) {
        let h = self.name(holder);
        self.a.customer_messages.push((ts, h));
    }
    fn response(&mut self, ts: i64, agent: u32) {
        let n = self.name(agent).unwrap_or_default();
        self.a.responses.push((ts, n));
    }
    fn answered(&mut self, start: i64, end: i64, agent: u32, first: bool) {
        let s = self.sample(start, end, agent);
        if first {
            self.a.first_response = Some(s.clone());
        }
        self.a.replies.push(s);
    }
    fn follow_up(&mut self, ts: i64, agent: u32) {
        let n = self.name(agent).unwrap_or_default();
        self.a.follow_ups.push((ts, n));
    }
    fn post_transfer(&mut self, start: i64, end: i64, agent: u32) {
        let s = self.sample(start, end, agent);
        self.a.post_transfer.push(s);
    }
    fn transfer(&mut self, ts: i64, from: u32, to: u32) {
        let (f, t) = (self.name(from).unwrap_or_default(), self.name(to).unwrap_or_default());
        self.a.transfers.push((ts, f, t));
    }
    fn note(&mut self, ts: i64, agent: u32) {
        let n = self.name(agent).unwrap_or_default();
        self.a.notes.push((ts, n));
    }
    fn assign(&mut self, ts: i64, agent: u32) {
        let n = self.name(agent).unwrap_or_default();
        self.a.assigns.push((ts, n));
    }
    fn csat(&mut self, ts: i64, score: u32, holder: u32) {
        let h = self.name(holder);
        self.a.csat.push((ts, score as u8, h));
    }
}

/// Applies the rules to `events`, which must be the conversation's timeline
/// (ordered by `ts`, ties by arrival) cut at the period's end (`ts < to`).
/// Goes through the stored facts, exactly as the queries do.
pub fn analyze(events: &[ConvEvent]) -> Analysis {
    let mut stored = Facts::default();
    for ev in events {
        stored.push(ev);
    }
    let mut names = Names::default();
    let conv = Conv::from_stored(&stored, &mut names);
    let mut c = Collect { names: &names, a: Analysis::default() };
    let mut out = Outcome::default();
    run(&conv.facts, i64::MAX, &mut c, &mut out);
    let mut a = c.a;
    let head = out.head;
    a.channel = stored.channel;
    a.first_message = head.first_message;
    if let (Some(first), Some((last, holder))) = (head.first_message, head.last_message) {
        a.last_message = Some(last);
        a.duration = Some(Sample {
            start: first,
            end: last,
            agent: (holder != NONE).then(|| names.agents.name(holder).unwrap_or_default().to_string()),
            seconds: whole_seconds(first, last),
        });
        if let Some((ts, agent)) = head.resolution {
            let name = (agent != NONE).then(|| names.agents.name(agent).unwrap_or_default().to_string());
            a.resolution = Some(Sample { start: first, end: ts, agent: name, seconds: whole_seconds(first, ts) });
        }
    }
    a.pending_since = head.pending_since;
    a.depth = out.depth;
    let name = |i: u32| (i != NONE).then(|| names.agents.name(i).unwrap_or_default().to_string());
    a.holder = name(head.holder);
    a.home = name(head.home);
    a.tags = out.tags.iter().map(|&t| names.tags.name(t).unwrap_or_default().to_string()).collect();
    a
}
