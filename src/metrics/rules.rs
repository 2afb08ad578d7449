//! The metric rules for one conversation (metrics.md sections 1, 2 and 5),
//! run over its compact facts up to the end of a period. The rules are
//! written once, here; what is done with each observation (aggregate it, list
//! it as a sample, collect it for a test) is the observer's business.

use super::compact::{Fact, Kind, NONE};
use crate::domain::routing::Routing;

/// 24 hours, the follow-up threshold.
pub const DAY_MS: i64 = 86_400_000;

/// What the rules see happen, in timeline order. Agents are interned numbers;
/// NONE is nobody.
pub trait Observer {
    /// A customer message, with the holder at that moment.
    fn customer(&mut self, _ts: i64, _holder: u32) {}
    /// A human response.
    fn response(&mut self, _ts: i64, _agent: u32) {}
    /// A wait that a human response ended: a reply sample, and the first response when `first`.
    fn answered(&mut self, _start: i64, _end: i64, _agent: u32, _first: bool) {}
    /// A human response at least 24 h after a previous non-bot message that was a human response.
    fn follow_up(&mut self, _ts: i64, _agent: u32) {}
    /// From a transfer to the next human response by its `to` agent.
    fn post_transfer(&mut self, _start: i64, _end: i64, _agent: u32) {}
    fn transfer(&mut self, _ts: i64, _from: u32, _to: u32) {}
    fn note(&mut self, _ts: i64, _agent: u32) {}
    fn assign(&mut self, _ts: i64, _agent: u32) {}
    /// A rating, with the holder at that moment.
    fn csat(&mut self, _ts: i64, _score: u32, _holder: u32) {}
}

/// The conversation-level state at the end of the period.
#[derive(Debug, Clone, Copy, Default)]
pub struct Head {
    pub first_message: Option<i64>,
    /// The last message and the holder at it (for the duration).
    pub last_message: Option<(i64, u32)>,
    /// The resolve that left the conversation resolved: its time and agent.
    pub resolution: Option<(i64, u32)>,
    /// A wait still open at the end: when it started.
    pub pending_since: Option<i64>,
    /// The holder after the last event before the end.
    pub holder: u32,
    pub home: u32,
}

/// The state of the conversation at the end of the period. Reused between
/// conversations so that a query allocates nothing per conversation.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub head: Head,
    /// Turns: maximal runs of messages by the same side, bots skipped.
    pub depth: u32,
    /// The tags carried at the end.
    pub tags: Vec<u32>,
    open_transfers: Vec<(i64, u32)>,
}

#[derive(PartialEq, Clone, Copy)]
enum Side {
    Customer,
    Agent,
}

/// Applies the rules to `facts` (one conversation's timeline), seeing only the
/// facts with `ts < to`, telling `obs` what happens and leaving the final state in `out`.
pub fn run<O: Observer>(facts: &[Fact], to: i64, obs: &mut O, out: &mut Outcome) {
    let mut head = Head::default();
    out.depth = 0;
    out.tags.clear();
    out.open_transfers.clear();
    let mut routing: Routing<u32> = Routing::default();
    // The open wait: its start and whether it is the conversation's first.
    let mut wait: Option<(i64, bool)> = None;
    let mut first_wait_seen = false;
    let mut resolved = false;
    let mut resolve: Option<(i64, u32)> = None;
    let mut last_side: Option<Side> = None;
    // The previous non-bot message: (ts, was a human response).
    let mut prev_non_bot: Option<(i64, bool)> = None;
    let holder = |r: &Routing<u32>| r.holder().copied().unwrap_or(NONE);

    for f in facts {
        let ts = f.ts();
        if ts >= to {
            break;
        }
        match f.kind() {
            Kind::Customer | Kind::Human | Kind::Bot => {
                head.first_message.get_or_insert(ts);
                match f.kind() {
                    Kind::Customer => {
                        obs.customer(ts, holder(&routing));
                        if wait.is_none() {
                            wait = Some((ts, !first_wait_seen));
                            first_wait_seen = true;
                        }
                        // A customer message reopens a resolved conversation.
                        resolved = false;
                        if last_side != Some(Side::Customer) {
                            out.depth += 1;
                            last_side = Some(Side::Customer);
                        }
                        prev_non_bot = Some((ts, false));
                    }
                    Kind::Human => {
                        let who = f.a;
                        if let Some((start, first)) = wait.take() {
                            obs.answered(start, ts, who, first);
                        }
                        if let Some((prev, true)) = prev_non_bot
                            && ts - prev >= DAY_MS
                        {
                            obs.follow_up(ts, who);
                        }
                        out.open_transfers.retain(|&(t, to_agent)| {
                            if to_agent == who {
                                obs.post_transfer(t, ts, who);
                                false
                            } else {
                                true
                            }
                        });
                        routing.human_response(&who);
                        obs.response(ts, who);
                        if last_side != Some(Side::Agent) {
                            out.depth += 1;
                            last_side = Some(Side::Agent);
                        }
                        prev_non_bot = Some((ts, true));
                    }
                    _ => {}
                }
                head.last_message = Some((ts, holder(&routing)));
            }
            Kind::Assign => {
                obs.assign(ts, f.a);
                routing.assign(&f.a);
            }
            Kind::Transfer => {
                obs.transfer(ts, f.a, f.b);
                out.open_transfers.push((ts, f.b));
                routing.transfer(&f.a, &f.b);
            }
            Kind::Note => obs.note(ts, f.a),
            Kind::Resolve => {
                // A resolve while a wait is open discards it: nothing was owed.
                wait = None;
                if !resolved {
                    resolved = true;
                    resolve = Some((ts, f.a));
                }
            }
            Kind::Reopen => resolved = false,
            Kind::Csat => obs.csat(ts, f.a, holder(&routing)),
            Kind::Tag => {
                if !out.tags.contains(&f.a) {
                    out.tags.push(f.a);
                }
            }
            Kind::Untag => out.tags.retain(|&t| t != f.a),
        }
    }
    head.pending_since = wait.map(|(start, _)| start);
    head.holder = holder(&routing);
    head.home = routing.home().copied().unwrap_or(NONE);
    head.resolution = if resolved { resolve } else { None };
    out.head = head;
}
