//! One metrics query over the facts in memory: prepare the filters and
//! clocks once, run the rules on every conversation of the period on all
//! cores, add each item to the whole selection and to its groups.

use rayon::prelude::*;

use super::bucket::{Bucket, busy_hours};
use super::clock::{self, DAY_MS, HOUR_MS, LocalClock};
use super::compact::{Conv, Interner, NONE};
use super::items::{Item, ItemCtx, ItemKind, ItemSink, Scratch, collect};
use super::ledger::{BLOCK, Ledger};
use super::query::{GroupBy, Query};
use super::report::{Group, Metrics};
use super::schedule::{BusinessClock, Compiled};
use super::settings::SlaTargets;
use crate::domain::role::AgentRole;
use crate::domain::{AgentRecord, Channel};

const ROLES: [AgentRole; 3] = [AgentRole::Support, AgentRole::Sales, AgentRole::Ops];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A query made ready against one state of the ledger.
pub struct Prepared<'l> {
    pub ledger: &'l Ledger,
    pub query: &'l Query,
    pub clock: LocalClock,
    pub biz: Option<BusinessClock>,
    agent_ok: Vec<bool>,
    none_ok: bool,
    channel_ok: Vec<bool>,
    tag_filter: Option<Vec<u32>>,
    /// By interned agent: team number (NONE: no team), role number (NONE: none), SLA target.
    team_of: Vec<u32>,
    role_of: Vec<u32>,
    sla_of: Vec<i64>,
    default_sla: i64,
    teams: Interner,
    /// For time groupings: the number of the first bucket, and how many.
    base: i64,
    n_buckets: usize,
}

impl<'l> Prepared<'l> {
    pub fn new(
        ledger: &'l Ledger,
        query: &'l Query,
        agents: &[AgentRecord],
        schedule: Option<&Compiled>,
        sla: &SlaTargets,
    ) -> Prepared<'l> {
        let names = &ledger.names;
        let n = names.agents.len();
        let (mut team_of, mut role_of) = (vec![NONE; n], vec![NONE; n]);
        let mut sla_of = vec![sla.default_seconds; n];
        let mut teams = Interner::default();
        for a in agents {
            if let Some(i) = names.agents.get(&a.id) {
                let i = i as usize;
                if let Some(t) = &a.team {
                    team_of[i] = teams.intern(t);
                }
                if let Some(r) = a.role {
                    role_of[i] = ROLES.iter().position(|x| *x == r).map_or(NONE, |p| p as u32);
                }
                sla_of[i] = sla.for_team(a.team.as_deref());
            }
        }
        let f = &query.filters;
        let agent_ok = (0..n)
            .map(|i| {
                let name = names.agents.name(i as u32).unwrap_or_default();
                (f.agent.is_empty() || f.agent.iter().any(|a| a == name))
                    && (f.team.is_empty() || teams.name(team_of[i]).is_some_and(|t| f.team.iter().any(|x| x == t)))
                    && (f.role.is_empty() || f.role.iter().any(|r| ROLES.get(role_of[i] as usize) == Some(r)))
            })
            .collect();
        let channel_ok = (0..16).map(|c| f.channel.is_empty() || f.channel.iter().any(|x| *x as usize == c)).collect();
        let tag_filter = (!f.tag.is_empty()).then(|| f.tag.iter().filter_map(|t| names.tags.get(t)).collect());
        // Exact local time from the earliest fact to the period's end.
        let lo = ledger.earliest.unwrap_or(query.from).min(query.from);
        let clock = LocalClock::new(query.tz, lo, query.to);
        let biz = schedule.map(|s| BusinessClock::new(s, lo, query.to));
        let mut p = Prepared {
            ledger,
            query,
            clock,
            biz,
            agent_ok,
            none_ok: !f.by_agent(),
            channel_ok,
            tag_filter,
            team_of,
            role_of,
            sla_of,
            default_sla: sla.default_seconds,
            teams,
            base: 0,
            n_buckets: 0,
        };
        if let Some(g) = query.group_by {
            let (first, last) = (p.time_number(g, query.from), p.time_number(g, query.to - 1));
            (p.base, p.n_buckets) = match g {
                GroupBy::HourOfDay => (0, 24),
                GroupBy::Weekday => (0, 7),
                GroupBy::WeekdayHour => (0, 168),
                GroupBy::Hour | GroupBy::Day | GroupBy::Week | GroupBy::Month => (first, (last - first + 1) as usize),
                _ => (0, 0),
            };
        }
        p
    }

    pub fn item_ctx(&self) -> ItemCtx<'_> {
        ItemCtx {
            from: self.query.from,
            to: self.query.to,
            clock: &self.clock,
            biz: self.biz.as_ref(),
            agent_ok: &self.agent_ok,
            none_ok: self.none_ok,
            all_agents: !self.query.filters.by_agent(),
            channel_ok: &self.channel_ok,
            tag_filter: self.tag_filter.as_deref(),
        }
    }

    #[inline(always)]
    fn time_number(&self, g: GroupBy, t: i64) -> i64 {
        let local = self.clock.local(t);
        let day = local.div_euclid(DAY_MS);
        let weekday = (day + 3).rem_euclid(7);
        let hour_of_day = local.rem_euclid(DAY_MS) / HOUR_MS;
        match g {
            GroupBy::Hour => local.div_euclid(HOUR_MS),
            GroupBy::Day => day,
            GroupBy::Week => (day + 3).div_euclid(7),
            GroupBy::Month => self.clock.month(t),
            GroupBy::HourOfDay => hour_of_day,
            GroupBy::Weekday => weekday,
            GroupBy::WeekdayHour => weekday * 24 + hour_of_day,
            _ => 0,
        }
    }

    /// Team busy hours are needed for agent groups, and for a selection of one agent.
    #[inline(always)]
    fn team_hours_needed(&self) -> bool {
        self.query.group_by == Some(GroupBy::Agent) || self.query.filters.agent.len() == 1
    }

    /// The busy hours of an agent's team (None: it has no team, or the team had no waits).
    fn team_busy(&self, team_hours: &[[u64; 24]], agent: Option<u32>) -> Option<Vec<u8>> {
        let team = self.team_of(agent?);
        team_hours.get(team as usize).map(busy_hours)
    }

    /// Whether an agent passes the agent, team and role filters (nobody never does).
    pub fn agent_passes(&self, agent: u32) -> bool {
        self.agent_ok.get(agent as usize).copied().unwrap_or(false)
    }

    /// The first-response target of an agent's team, seconds.
    pub fn sla_target(&self, agent: u32) -> i64 {
        self.sla(agent)
    }

    /// The dense key of a group label (as [`Prepared::label`] gives it; "" or "null" is "none").
    pub fn key_of_label(&self, g: GroupBy, label: &str) -> Option<u32> {
        let none = label.is_empty() || label == "null";
        let names = &self.ledger.names;
        match g {
            GroupBy::Agent if none => Some(0),
            GroupBy::Agent => names.agents.get(label).map(|i| i + 1),
            GroupBy::Team if none => Some(0),
            GroupBy::Team => self.teams.get(label).map(|i| i + 1),
            GroupBy::Role if none => Some(0),
            GroupBy::Role => ROLES.iter().position(|r| r.as_str() == label).map(|i| i as u32 + 1),
            GroupBy::Channel => Channel::parse(label).map(|c| c as u32),
            GroupBy::Tag if none => Some(0),
            GroupBy::Tag => names.tags.get(label).map(|i| i + 1),
            _ => (0..self.n_buckets as u32).find(|&k| self.label(g, k).as_deref() == Some(label)),
        }
    }

    #[inline(always)]
    fn sla(&self, agent: u32) -> i64 {
        self.sla_of.get(agent as usize).copied().unwrap_or(self.default_sla)
    }

    pub fn team_of(&self, agent: u32) -> u32 {
        self.team_of.get(agent as usize).copied().unwrap_or(NONE)
    }

    /// The one dense key (0 = none) of an item under a grouping other than by tag.
    #[inline(always)]
    fn key1(&self, g: GroupBy, ts: i64, agent: u32, channel: Channel) -> u32 {
        let plus1 = |x: u32| if x == NONE { 0 } else { x + 1 };
        match g {
            GroupBy::Agent => plus1(agent),
            GroupBy::Team => plus1(self.team_of(agent)),
            GroupBy::Role => plus1(self.role_of.get(agent as usize).copied().unwrap_or(NONE)),
            GroupBy::Channel => channel as u32,
            _ => (self.time_number(g, ts) - self.base) as u32,
        }
    }

    #[inline(always)]
    /// The dense keys (0 = none) of the groups an item at `ts` attributed to `agent` falls in.
    pub fn keys(&self, g: GroupBy, ts: i64, agent: u32, channel: Channel, tags: &[u32], out: &mut Vec<u32>) {
        out.clear();
        let plus1 = |x: u32| if x == NONE { 0 } else { x + 1 };
        match g {
            GroupBy::Agent => out.push(plus1(agent)),
            GroupBy::Team => out.push(plus1(self.team_of(agent))),
            GroupBy::Role => out.push(plus1(self.role_of.get(agent as usize).copied().unwrap_or(NONE))),
            GroupBy::Channel => out.push(channel as u32),
            GroupBy::Tag if tags.is_empty() => out.push(0),
            GroupBy::Tag => out.extend(tags.iter().map(|t| t + 1)),
            _ => out.push((self.time_number(g, ts) - self.base) as u32),
        }
    }

    /// The label of a dense key.
    pub fn label(&self, g: GroupBy, key: u32) -> Option<String> {
        let minus1 = |k: u32| k.checked_sub(1);
        match g {
            GroupBy::Agent => minus1(key).and_then(|i| self.ledger.names.agents.name(i)).map(str::to_string),
            GroupBy::Team => minus1(key).and_then(|i| self.teams.name(i)).map(str::to_string),
            GroupBy::Role => minus1(key).and_then(|i| ROLES.get(i as usize)).map(|r| r.as_str().to_string()),
            GroupBy::Channel => Channel::ALL.iter().find(|c| **c as u32 == key).map(|c| c.as_str().to_string()),
            GroupBy::Tag => minus1(key).and_then(|i| self.ledger.names.tags.name(i)).map(str::to_string),
            GroupBy::HourOfDay => Some(format!("{key:02}")),
            GroupBy::Weekday => Some(WEEKDAYS[key as usize % 7].to_string()),
            GroupBy::WeekdayHour => Some(format!("{}-{:02}", WEEKDAYS[(key / 24) as usize % 7], key % 24)),
            GroupBy::Hour => {
                let h = self.base + key as i64;
                Some(format!("{}T{:02}:00", clock::date_of_day(h.div_euclid(24)), h.rem_euclid(24)))
            }
            GroupBy::Day => Some(clock::date_of_day(self.base + key as i64).to_string()),
            GroupBy::Week => {
                let monday = clock::date_of_day((self.base + key as i64) * 7 - 3);
                let w = chrono::Datelike::iso_week(&monday);
                Some(format!("{}-W{:02}", w.year(), w.week()))
            }
            GroupBy::Month => {
                let m = self.base + key as i64;
                Some(format!("{}-{:02}", 1970 + m.div_euclid(12), m.rem_euclid(12) + 1))
            }
        }
    }

    /// Conversations in parallel chunks, `f` folding each chunk into its own accumulator.
    pub fn par_fold<A: Send>(
        &self,
        init: impl Fn() -> A + Sync + Send,
        f: impl Fn(&mut A, u64, Conv<'_>) + Sync + Send,
        merge: impl Fn(A, A) -> A + Sync + Send,
    ) -> A {
        let heads = &self.ledger.heads;
        let (from, to) = (self.query.from, self.query.to);
        // Blocks balance the threads (a period's conversations sit together), and
        // a block whose conversations all lie outside the period is skipped unread;
        // fold keeps one accumulator per thread's run of blocks.
        let blocks = &self.ledger.blocks;
        heads
            .par_chunks(BLOCK)
            .enumerate()
            .fold(&init, |mut acc, (bi, part)| {
                if blocks.get(bi).is_some_and(|&(start, last)| start >= to || last < from) {
                    return acc;
                }
                for (j, h) in part.iter().enumerate() {
                    // Only a conversation with a fact in [from, to) can count in it.
                    if h.present && h.start < to && h.last >= from {
                        f(&mut acc, (bi * BLOCK + j) as u64, self.ledger.view(h));
                    }
                }
                acc
            })
            .reduce(&init, merge)
    }
}

/// The accumulated buckets of part of the conversations.
#[derive(Default)]
struct Acc {
    overall: Bucket,
    groups: Vec<Bucket>,
    present: Vec<bool>,
    /// Per team: reply samples by wait-start hour (for agents' busy hours).
    team_hours: Vec<[u64; 24]>,
}

impl Acc {
    #[inline(always)]
    fn bucket(&mut self, k: u32) -> &mut Bucket {
        let k = k as usize;
        if self.groups.len() <= k {
            self.groups.resize_with(k + 1, Bucket::default);
            self.present.resize(k + 1, false);
        }
        self.present[k] = true;
        &mut self.groups[k]
    }

    fn merge(mut self, o: Acc) -> Acc {
        self.overall.merge(o.overall);
        for (k, b) in o.groups.into_iter().enumerate() {
            if o.present[k] {
                self.bucket(k as u32).merge(b);
            }
        }
        if self.team_hours.len() < o.team_hours.len() {
            self.team_hours.resize(o.team_hours.len(), [0; 24]);
        }
        for (t, h) in o.team_hours.iter().enumerate() {
            for (mine, theirs) in self.team_hours[t].iter_mut().zip(h) {
                *mine += theirs;
            }
        }
        self
    }
}

/// Reused per-thread state.
#[derive(Default)]
struct Work {
    acc: Acc,
    scratch: Scratch,
    /// The conversation's tags at `to` (for tag groups).
    tags: Vec<u32>,
    keys: Keys,
}

/// Per conversation: the groups it was handled and touched in, and a buffer.
#[derive(Default)]
struct Keys {
    handled: Vec<u32>,
    touched: Vec<u32>,
    tmp: Vec<u32>,
}

fn touches(k: ItemKind) -> bool {
    matches!(
        k,
        ItemKind::Response | ItemKind::Note | ItemKind::Assign | ItemKind::TransferMade | ItemKind::TransferReceived
    )
}

/// Adds each item of one conversation to the whole selection and its groups.
struct Adder<'w, 'p> {
    p: &'w Prepared<'p>,
    acc: &'w mut Acc,
    channel: Channel,
    tags: &'w [u32],
    handled: bool,
    touched: bool,
    keys: &'w mut Keys,
}

impl Keys {
    /// Notes that the conversation was handled and/or touched in group `k`, once.
    #[inline(always)]
    fn mark(&mut self, k: u32, handled: bool, touched: bool) {
        if handled && !self.handled.contains(&k) {
            self.handled.push(k);
        }
        if touched && !self.touched.contains(&k) {
            self.touched.push(k);
        }
    }
}

impl ItemSink for Adder<'_, '_> {
    #[inline(always)]
    fn item(&mut self, it: Item) {
        let sla = if it.kind == ItemKind::FirstResponse { self.p.sla(it.agent) } else { 0 };
        let resp = it.kind == ItemKind::Response;
        let touch = touches(it.kind);
        self.handled |= resp;
        self.touched |= touch;
        match self.p.query.group_by {
            // One group per item: the whole selection is the sum of the groups, added up at the end.
            Some(g) if g != GroupBy::Tag => {
                let k = self.p.key1(g, it.ts, it.agent, self.channel);
                self.acc.bucket(k).add(&it, self.channel, sla);
                self.keys.mark(k, resp, touch);
                return;
            }
            _ => self.acc.overall.add(&it, self.channel, sla),
        }
        if let Some(g) = self.p.query.group_by {
            let mut tmp = std::mem::take(&mut self.keys.tmp);
            self.p.keys(g, it.ts, it.agent, self.channel, self.tags, &mut tmp);
            for &k in &tmp {
                self.acc.bucket(k).add(&it, self.channel, sla);
                self.keys.mark(k, resp, touch);
            }
            self.keys.tmp = tmp;
        }
    }

    #[inline]
    fn any_reply(&mut self, agent: u32, hour: u8) {
        if self.p.team_hours_needed() {
            let t = self.p.team_of(agent);
            if t != NONE {
                let t = t as usize;
                if self.acc.team_hours.len() <= t {
                    self.acc.team_hours.resize(t + 1, [0; 24]);
                }
                self.acc.team_hours[t][hour as usize] += 1;
            }
        }
    }
}

impl Prepared<'_> {
    fn add_conv(&self, w: &mut Work, conv: Conv<'_>) {
        let ctx = self.item_ctx();
        // Tag groups need the tags at `to` before the first item.
        if self.query.group_by == Some(GroupBy::Tag) {
            super::items::tags_at(&conv, self.query.to, &mut w.tags);
        }
        w.keys.handled.clear();
        w.keys.touched.clear();
        let mut adder = Adder {
            p: self,
            acc: &mut w.acc,
            channel: conv.channel,
            tags: &w.tags,
            handled: false,
            touched: false,
            keys: &mut w.keys,
        };
        let passed = collect(&ctx, &conv, &mut w.scratch, false, &mut adder);
        let (handled, touched) = (adder.handled, adder.touched);
        if !passed {
            return;
        }
        let depth = w.scratch.out.depth;
        if handled {
            w.acc.overall.add_handled(conv.channel, depth);
        }
        w.acc.overall.touched += touched as u64;
        for &k in &w.keys.handled {
            w.acc.groups[k as usize].add_handled(conv.channel, depth);
        }
        for &k in &w.keys.touched {
            w.acc.groups[k as usize].touched += 1;
        }
    }

    /// The figures of the whole selection and of each group.
    pub fn run(&self, business: bool) -> (Metrics, Vec<Group>) {
        let work = self.par_fold(
            Work::default,
            |w, _, c| self.add_conv(w, c),
            |mut a, b| {
                a.acc = std::mem::take(&mut a.acc).merge(b.acc);
                a
            },
        );
        let mut acc = work.acc;
        let f = &self.query.filters;
        // A selection of one agent is judged like that agent's group.
        let overall_by_agent = f.agent.len() == 1;
        let team_hours = std::mem::take(&mut acc.team_hours);
        let overall_busy = if overall_by_agent {
            self.team_busy(&team_hours, self.ledger.names.agents.get(&f.agent[0]))
        } else {
            None
        };
        let mut overall_bucket = std::mem::take(&mut acc.overall);
        if let Some(g) = self.query.group_by
            && g != GroupBy::Tag
        {
            overall_bucket.reserve_like(acc.groups.iter());
            for (k, b) in acc.groups.iter().enumerate() {
                if acc.present[k] {
                    overall_bucket.merge_items(b);
                }
            }
        }
        let Some(g) = self.query.group_by else {
            return (overall_bucket.finish(overall_by_agent, overall_busy, business), Vec::new());
        };
        let time = self.n_buckets > 0;
        if time && acc.groups.len() < self.n_buckets {
            acc.groups.resize_with(self.n_buckets, Bucket::default);
            acc.present.resize(self.n_buckets, false);
        }
        let present = std::mem::take(&mut acc.present);
        let buckets = std::mem::take(&mut acc.groups);
        let finish_groups = || -> Vec<Group> {
            buckets
                .into_par_iter()
                .enumerate()
                .filter(|(k, _)| time || present[*k])
                .map(|(k, b)| {
                    // An agent uses its team's busy hours; the "nobody" group is not an agent.
                    let agent = (g == GroupBy::Agent && k > 0).then(|| k as u32 - 1);
                    let busy = agent.and_then(|a| self.team_busy(&team_hours, Some(a)));
                    Group { group: self.label(g, k as u32), metrics: b.finish(agent.is_some(), busy, business) }
                })
                .collect()
        };
        let (overall, mut groups) =
            rayon::join(|| overall_bucket.finish(overall_by_agent, overall_busy, business), finish_groups);
        if !time {
            // By name, "none" last.
            groups.sort_by(|a, b| match (&a.group, &b.group) {
                (Some(x), Some(y)) => x.cmp(y),
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        (overall, groups)
    }
}
