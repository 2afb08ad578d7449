//! From one conversation's facts to the items a period counts: every sample,
//! count and rating that falls inside [from, to), attributed as metrics.md
//! section 4 says and passed through the query's filters.

use super::clock::{HOUR_MS, LocalClock};
use super::compact::{Conv, Kind, NONE};
use super::rules::{Observer, Outcome, run};
use super::schedule::BusinessClock;
use super::stats::whole_seconds;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A human response (messages out; handled; touched).
    Response,
    /// A customer message (messages in), attributed to the holder at it.
    Customer,
    FirstResponse,
    Reply,
    FollowUp,
    PostTransfer,
    /// A transfer, attributed to its `from`.
    TransferMade,
    /// A transfer, attributed to its `to`.
    TransferReceived,
    Note,
    Assign,
    Csat,
    /// A conversation whose first message is in the period, attributed to the home agent.
    New,
    Duration,
    Resolution,
    /// A wait that started in the period and is still pending at `to`, attributed to the holder at `to`.
    Unanswered,
    /// An agent's first to last human response in a conversation, counted where the last one falls.
    Engagement,
}

/// One thing a period counts.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub kind: ItemKind,
    /// The time that places it in a period and a time bucket.
    pub ts: i64,
    /// Where a duration starts (= `ts` for events).
    pub start: i64,
    pub agent: u32,
    /// Whole seconds of a duration; the score of a rating.
    pub secs: i64,
    /// Whole business seconds of a duration (when a schedule is used), else -1.
    pub biz: i64,
    /// For replies: the hour of day (query time zone) the wait started in.
    pub hour: u8,
}

/// What the item pass needs of the query, prepared once.
pub struct ItemCtx<'a> {
    pub from: i64,
    pub to: i64,
    pub clock: &'a LocalClock,
    pub biz: Option<&'a BusinessClock>,
    /// Which agents pass the agent, team and role filters (by interned number).
    pub agent_ok: &'a [bool],
    /// Whether items attributed to nobody pass (only without an agent-level filter).
    pub none_ok: bool,
    /// Every agent passes (the per-conversation export).
    pub all_agents: bool,
    pub channel_ok: &'a [bool],
    /// The tags (interned) one of which the conversation must carry at `to`.
    pub tag_filter: Option<&'a [u32]>,
}

impl ItemCtx<'_> {
    #[inline(always)]
    fn agent_passes(&self, a: u32) -> bool {
        if self.all_agents && self.none_ok {
            true
        } else if a == NONE {
            self.none_ok
        } else {
            self.all_agents || self.agent_ok.get(a as usize).copied().unwrap_or(false)
        }
    }
}

/// Where the items of a conversation go, as they are found. Generic, so that
/// each call site compiles to the few additions its kind of item needs.
pub trait ItemSink {
    /// An item inside the period that passed every filter.
    fn item(&mut self, it: Item);
    /// Any reply sample of the period, before the agent filters (for team busy hours).
    #[inline]
    fn any_reply(&mut self, _agent: u32, _hour: u8) {}
}

impl ItemSink for Vec<Item> {
    fn item(&mut self, it: Item) {
        self.push(it);
    }
}

/// Reused buffers for one conversation at a time.
#[derive(Default)]
pub struct Scratch {
    pub out: Outcome,
    /// Per agent: (agent, first response, last response).
    spans: Vec<(u32, i64, i64)>,
    /// The tags at `to`, when a filter or the grouping needs them before the items.
    pub tags: Vec<u32>,
}

struct Collector<'c, 'a, S> {
    ctx: &'c ItemCtx<'a>,
    spans: &'c mut Vec<(u32, i64, i64)>,
    sink: &'c mut S,
}

impl<S: ItemSink> Collector<'_, '_, S> {
    #[inline(always)]
    fn push(&mut self, kind: ItemKind, ts: i64, start: i64, agent: u32, secs: i64, hour: u8) {
        if ts < self.ctx.from || !self.ctx.agent_passes(agent) {
            return;
        }
        let biz = match self.ctx.biz {
            Some(b) if start < ts => b.open_ms(start, ts).div_euclid(1000),
            Some(_) => 0,
            None => -1,
        };
        self.sink.item(Item { kind, ts, start, agent, secs, biz, hour });
    }
    #[inline(always)]
    fn event(&mut self, kind: ItemKind, ts: i64, agent: u32) {
        self.push(kind, ts, ts, agent, 0, 0);
    }
    #[inline(always)]
    fn duration(&mut self, kind: ItemKind, start: i64, end: i64, agent: u32, hour: u8) {
        self.push(kind, end, start, agent, whole_seconds(start, end), hour);
    }
}

impl<S: ItemSink> Observer for Collector<'_, '_, S> {
    #[inline]
    fn customer(&mut self, ts: i64, holder: u32) {
        self.event(ItemKind::Customer, ts, holder);
    }
    #[inline]
    fn response(&mut self, ts: i64, agent: u32) {
        match self.spans.iter_mut().find(|s| s.0 == agent) {
            Some(s) => s.2 = ts,
            None => self.spans.push((agent, ts, ts)),
        }
        self.event(ItemKind::Response, ts, agent);
    }
    #[inline]
    fn answered(&mut self, start: i64, end: i64, agent: u32, first: bool) {
        if first {
            self.duration(ItemKind::FirstResponse, start, end, agent, 0);
        }
        let hour = ((self.ctx.clock.local(start)).div_euclid(HOUR_MS).rem_euclid(24)) as u8;
        if end >= self.ctx.from {
            self.sink.any_reply(agent, hour);
        }
        self.duration(ItemKind::Reply, start, end, agent, hour);
    }
    #[inline]
    fn follow_up(&mut self, ts: i64, agent: u32) {
        self.event(ItemKind::FollowUp, ts, agent);
    }
    #[inline]
    fn post_transfer(&mut self, start: i64, end: i64, agent: u32) {
        self.duration(ItemKind::PostTransfer, start, end, agent, 0);
    }
    #[inline]
    fn transfer(&mut self, ts: i64, from: u32, to: u32) {
        self.event(ItemKind::TransferMade, ts, from);
        self.event(ItemKind::TransferReceived, ts, to);
    }
    #[inline]
    fn note(&mut self, ts: i64, agent: u32) {
        self.event(ItemKind::Note, ts, agent);
    }
    #[inline]
    fn assign(&mut self, ts: i64, agent: u32) {
        self.event(ItemKind::Assign, ts, agent);
    }
    #[inline]
    fn csat(&mut self, ts: i64, score: u32, holder: u32) {
        self.push(ItemKind::Csat, ts, ts, holder, score as i64, 0);
    }
}

/// The tags a conversation carries at `to`.
pub fn tags_at(conv: &Conv<'_>, to: i64, out: &mut Vec<u32>) {
    out.clear();
    for f in conv.facts.iter().take_while(|f| f.ts() < to) {
        match f.kind() {
            Kind::Tag if !out.contains(&f.a) => out.push(f.a),
            Kind::Untag => out.retain(|&t| t != f.a),
            _ => {}
        }
    }
}

/// Sends to `sink` what `conv` contributes to the period; false when the
/// conversation is filtered out. `s.out` keeps its state at `to` (depth,
/// tags), and `s.tags` its tags at `to` when `need_tags`.
pub fn collect<S: ItemSink>(
    ctx: &ItemCtx<'_>,
    conv: &Conv<'_>,
    s: &mut Scratch,
    need_tags: bool,
    sink: &mut S,
) -> bool {
    if !conv.overlaps(ctx.from, ctx.to) || !ctx.channel_ok[conv.channel as usize] {
        return false;
    }
    if need_tags || ctx.tag_filter.is_some() {
        tags_at(conv, ctx.to, &mut s.tags);
        if let Some(want) = ctx.tag_filter
            && !s.tags.iter().any(|t| want.contains(t))
        {
            return false;
        }
    }
    s.spans.clear();
    let mut c = Collector { ctx, spans: &mut s.spans, sink };
    run(conv.facts, ctx.to, &mut c, &mut s.out);
    let out = s.out.head;
    if let Some(first) = out.first_message {
        c.event(ItemKind::New, first, out.home);
        if let Some((last, holder)) = out.last_message {
            c.duration(ItemKind::Duration, first, last, holder, 0);
        }
        if let Some((ts, agent)) = out.resolution {
            c.duration(ItemKind::Resolution, first, ts, agent, 0);
        }
    }
    if let Some(start) = out.pending_since {
        c.event(ItemKind::Unanswered, start, out.holder);
    }
    for i in 0..c.spans.len() {
        let (agent, first, last) = c.spans[i];
        c.duration(ItemKind::Engagement, first, last, agent, 0);
    }
    true
}
