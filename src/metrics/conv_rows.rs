//! The per-conversation export: one CSV row per conversation active in the
//! period, with its figures as of the period's end, written in batches so
//! that a year of data streams out in constant memory.

use super::bucket::stat3;
use super::compact::NONE;
use super::engine::Prepared;
use super::items::{Item, ItemCtx, ItemKind, Scratch, collect};
use crate::domain::time::format_rfc3339;

pub const HEADER: &[&str] = &[
    "conversation",
    "channel",
    "first_message",
    "last_message",
    "status",
    "home_agent",
    "holder",
    "agents",
    "tags",
    "first_response_s",
    "first_response_business_s",
    "replies",
    "reply_mean_s",
    "reply_median_s",
    "reply_p90_s",
    "reply_times_s",
    "duration_s",
    "duration_business_s",
    "resolution_s",
    "resolution_business_s",
    "depth",
    "messages_in",
    "messages_out",
    "transfers",
    "notes",
    "follow_ups",
    "csat_last",
    "csat_count",
];

impl Prepared<'_> {
    /// Internal ids of the conversations the export lists: with an event in
    /// the period, through the channel and tag filters, and (with an agent-level
    /// filter) involving one of the agents.
    pub fn export_ids(&self) -> Vec<u64> {
        let mut ids = self
            .par_fold(
                || (Vec::new(), Scratch::default(), Vec::<Item>::new()),
                |(ids, scratch, items), internal, conv| {
                    items.clear();
                    if collect(&self.whole_ctx(), &conv, scratch, false, items)
                        && (!self.query.filters.by_agent() || self.involves_filtered_agent(items, scratch))
                    {
                        ids.push(internal);
                    }
                },
                |mut a, b| {
                    a.0.extend(b.0);
                    a
                },
            )
            .0;
        ids.sort_unstable();
        ids
    }

    /// The whole timeline up to `to`, no agent filter: for per-conversation figures.
    fn whole_ctx(&self) -> ItemCtx<'_> {
        let mut c = self.item_ctx();
        c.from = i64::MIN;
        c.agent_ok = &[];
        c.none_ok = true;
        c.all_agents = true;
        c
    }

    fn involves_filtered_agent(&self, items: &[Item], s: &Scratch) -> bool {
        let o = s.out.head;
        items.iter().any(|it| it.kind == ItemKind::Response && self.agent_passes(it.agent))
            || self.agent_passes(o.home)
            || self.agent_passes(o.holder)
    }

    /// CSV records (without the header) for these conversations; `ids` are their external ids.
    pub fn export_rows(&self, internals: &[u64], ids: &[Option<String>], w: &mut csv::Writer<Vec<u8>>) {
        let mut scratch = Scratch::default();
        let mut items: Vec<Item> = Vec::new();
        let ctx = self.whole_ctx();
        let agent = |a: u32| {
            if a == NONE { String::new() } else { self.ledger.names.agents.name(a).unwrap_or_default().to_string() }
        };
        for (internal, id) in internals.iter().zip(ids) {
            let Some(conv) = self.ledger.conv(*internal as usize) else { continue };
            items.clear();
            collect(&ctx, &conv, &mut scratch, true, &mut items);
            let o = scratch.out.head;
            let of = |k: ItemKind| items.iter().filter(move |it| it.kind == k);
            let first = |k: ItemKind| of(k).next();
            let secs = |k: ItemKind| first(k).map_or(String::new(), |it| it.secs.to_string());
            let biz = |k: ItemKind| first(k).filter(|it| it.biz >= 0).map_or(String::new(), |it| it.biz.to_string());
            let mut agents: Vec<String> = Vec::new();
            for it in of(ItemKind::Response) {
                let a = agent(it.agent);
                if !agents.contains(&a) {
                    agents.push(a);
                }
            }
            let tags: Vec<&str> = scratch.tags.iter().filter_map(|&t| self.ledger.names.tags.name(t)).collect();
            let replies: Vec<i64> = of(ItemKind::Reply).map(|it| it.secs).collect();
            let reply_list = replies.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(";");
            let rs = stat3(replies.iter().map(|&s| s.clamp(0, u32::MAX as i64) as u32).collect());
            let status = if o.resolution.is_some() {
                "resolved"
            } else if o.pending_since.is_some() {
                "waiting"
            } else {
                "open"
            };
            let csat: Vec<i64> = of(ItemKind::Csat).map(|it| it.secs).collect();
            let count = |k: ItemKind| of(k).count().to_string();
            let opt = |v: Option<String>| v.unwrap_or_default();
            let rec: Vec<String> = vec![
                id.clone().unwrap_or_default(),
                conv.channel.as_str().to_string(),
                opt(o.first_message.map(format_rfc3339)),
                opt(o.last_message.map(|(t, _)| format_rfc3339(t))),
                status.to_string(),
                agent(o.home),
                agent(o.holder),
                agents.join(";"),
                tags.join(";"),
                secs(ItemKind::FirstResponse),
                biz(ItemKind::FirstResponse),
                replies.len().to_string(),
                opt(rs.mean.map(|m| format!("{m:.1}"))),
                opt(rs.median.map(|m| m.to_string())),
                opt(rs.p90.map(|m| m.to_string())),
                reply_list,
                secs(ItemKind::Duration),
                biz(ItemKind::Duration),
                secs(ItemKind::Resolution),
                biz(ItemKind::Resolution),
                scratch.out.depth.to_string(),
                count(ItemKind::Customer),
                count(ItemKind::Response),
                count(ItemKind::TransferMade),
                count(ItemKind::Note),
                count(ItemKind::FollowUp),
                opt(csat.last().map(|s| s.to_string())),
                csat.len().to_string(),
            ];
            let _ = w.write_record(&rec);
        }
    }
}
