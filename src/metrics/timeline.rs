//! The metric rules for one conversation (metrics.md sections 1, 2 and 5):
//! from its timeline, as of the end of a period, to the samples and facts
//! that the aggregates of section 4 count.

use serde::Serialize;

use super::stats::whole_seconds;
use crate::domain::routing::Routing;
use crate::domain::{Body, Channel, ConvEvent, Sender};

/// 24 hours, the follow-up threshold.
const DAY_MS: i64 = 86_400_000;

/// One measured duration: from `start` to `end`, attributed to `agent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub start: i64,
    pub end: i64,
    pub agent: Option<String>,
    pub seconds: i64,
}

impl Sample {
    fn new(start: i64, end: i64, agent: Option<String>) -> Self {
        Sample { start, end, agent, seconds: whole_seconds(start, end) }
    }
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

#[derive(PartialEq, Clone, Copy)]
enum Side {
    Customer,
    Agent,
}

/// Applies the rules to `events`, which must be the conversation's timeline
/// (ordered by `ts`, ties by arrival) cut at the period's end (`ts < to`).
pub fn analyze(events: &[ConvEvent]) -> Analysis {
    let mut a = Analysis::default();
    let mut routing = Routing::default();
    // The open wait: its start and whether it is the conversation's first.
    let mut wait: Option<(i64, bool)> = None;
    let mut first_wait_seen = false;
    let mut resolved = false;
    let mut resolve: Option<(i64, Option<String>)> = None;
    let mut last_side: Option<Side> = None;
    // The previous non-bot message: (ts, was a human response).
    let mut prev_non_bot: Option<(i64, bool)> = None;
    let mut open_transfers: Vec<(i64, String)> = Vec::new();
    let holder = |r: &Routing| r.holder().map(str::to_string);

    for ev in events {
        let ts = ev.ts;
        match &ev.body {
            Body::Message { channel, sender, agent, .. } => {
                if a.first_message.is_none() {
                    a.first_message = Some(ts);
                    a.channel = Some(*channel);
                }
                a.last_message = Some(ts);
                match sender {
                    Sender::Customer => {
                        a.customer_messages.push((ts, holder(&routing)));
                        if wait.is_none() {
                            wait = Some((ts, !first_wait_seen));
                            first_wait_seen = true;
                        }
                        resolved = false;
                        if last_side != Some(Side::Customer) {
                            a.depth += 1;
                            last_side = Some(Side::Customer);
                        }
                        prev_non_bot = Some((ts, false));
                    }
                    Sender::Agent => {
                        let who = agent.clone().unwrap_or_default();
                        if let Some((start, first)) = wait.take() {
                            let s = Sample::new(start, ts, Some(who.clone()));
                            if first {
                                a.first_response = Some(s.clone());
                            }
                            a.replies.push(s);
                        }
                        if let Some((prev, true)) = prev_non_bot
                            && ts - prev >= DAY_MS
                        {
                            a.follow_ups.push((ts, who.clone()));
                        }
                        open_transfers.retain(|(t, to)| {
                            if *to == who {
                                a.post_transfer.push(Sample::new(*t, ts, Some(who.clone())));
                                false
                            } else {
                                true
                            }
                        });
                        routing.human_response(&who);
                        a.responses.push((ts, who));
                        if last_side != Some(Side::Agent) {
                            a.depth += 1;
                            last_side = Some(Side::Agent);
                        }
                        prev_non_bot = Some((ts, true));
                    }
                    Sender::Bot => {}
                }
                let h = holder(&routing);
                a.duration = a.first_message.map(|f| Sample::new(f, ts, h));
            }
            Body::Assign { agent } => {
                a.assigns.push((ts, agent.clone()));
                routing.assign(agent);
            }
            Body::Transfer { from, to, .. } => {
                a.transfers.push((ts, from.clone(), to.clone()));
                open_transfers.push((ts, to.clone()));
                routing.transfer(from, to);
            }
            Body::Note { agent, .. } => a.notes.push((ts, agent.clone())),
            Body::Resolve { agent } => {
                // A resolve while a wait is open discards it: nothing was owed.
                wait = None;
                if !resolved {
                    resolved = true;
                    resolve = Some((ts, agent.clone()));
                }
            }
            Body::Reopen => resolved = false,
            Body::Csat { score, .. } => a.csat.push((ts, *score, holder(&routing))),
            Body::Tag { tag } => {
                if !a.tags.contains(tag) {
                    a.tags.push(tag.clone());
                }
            }
            Body::Untag { tag } => a.tags.retain(|t| t != tag),
            Body::Edit { .. } | Body::Delete { .. } => {}
        }
    }
    a.pending_since = wait.map(|(start, _)| start);
    a.holder = holder(&routing);
    a.home = routing.home().map(str::to_string);
    if resolved && let (Some((ts, agent)), Some(first)) = (resolve, a.first_message) {
        a.resolution = Some(Sample::new(first, ts, agent));
    }
    a
}
