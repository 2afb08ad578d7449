//! Drill-down: the samples and items behind any figure, one row each, so a
//! manager can open the conversation and recompute the number by hand.

use serde::Serialize;

use super::compact::NONE;
use super::engine::Prepared;
use super::items::{Item, ItemKind, Scratch, collect, tags_at};
use super::query::{GroupBy, QueryEcho};
use crate::domain::time::format_rfc3339;

/// The figures one can drill into, by their names in the metrics answer.
pub const METRICS: &[&str] = &[
    "first_response",
    "reply",
    "duration",
    "resolution",
    "post_transfer",
    "engagement_span_days",
    "sla",
    "csat",
    "unanswered",
    "new_conversations",
    "conversations_handled",
    "conversations_touched",
    "depth",
    "messages_in",
    "messages_out",
    "follow_ups",
    "transfers_made",
    "transfers_received",
    "notes_written",
];

fn kinds(metric: &str) -> Option<&'static [ItemKind]> {
    use ItemKind::*;
    Some(match metric {
        "first_response" | "sla" => &[FirstResponse],
        "reply" => &[Reply],
        "duration" => &[Duration],
        "resolution" => &[Resolution],
        "post_transfer" => &[PostTransfer],
        "engagement_span_days" => &[Engagement],
        "csat" => &[Csat],
        "unanswered" => &[Unanswered],
        "new_conversations" => &[New],
        "conversations_handled" | "depth" | "messages_out" => &[Response],
        "conversations_touched" => &[Response, Note, Assign, TransferMade, TransferReceived],
        "messages_in" => &[Customer],
        "follow_ups" => &[FollowUp],
        "transfers_made" => &[TransferMade],
        "transfers_received" => &[TransferReceived],
        "notes_written" => &[Note],
        _ => return None,
    })
}

/// One row of the drill-down.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SampleRow {
    pub conversation: String,
    /// The agent the item is attributed to (null: nobody).
    pub agent: Option<String>,
    /// Where a duration starts (for events, the event's time).
    pub start: String,
    /// The time that places the item in the period.
    pub end: String,
    /// Whole seconds, for durations.
    pub seconds: Option<i64>,
    /// Whole business seconds, when business variants are computed.
    pub business_seconds: Option<i64>,
    /// A rating's score, a conversation's depth, or whether a first response met its SLA (1/0).
    pub value: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SamplesPage {
    pub query: QueryEcho,
    pub metric: String,
    pub group: Option<String>,
    /// Rows in all pages.
    pub total: u64,
    pub samples: Vec<SampleRow>,
    /// Pass as `cursor` for the next page; null at the end.
    pub next: Option<String>,
}

/// A row before the conversation's external id is looked up.
pub struct RawRow {
    pub internal: u64,
    pub item: Item,
    pub value: Option<i64>,
}

impl Prepared<'_> {
    /// Every row of `metric` (restricted to the group labelled `group` when
    /// the query groups), ordered by time then conversation.
    pub fn sample_rows(&self, metric: &str, group: Option<&str>) -> Result<Vec<RawRow>, String> {
        let kinds = kinds(metric)
            .ok_or_else(|| format!("metric: unknown metric {metric:?} (one of {})", METRICS.join(", ")))?;
        let distinct = matches!(metric, "conversations_handled" | "conversations_touched" | "depth");
        let g = self.query.group_by;
        let want_key = match (g, group) {
            (Some(g), Some(label)) => {
                Some(self.key_of_label(g, label).ok_or_else(|| format!("group: no group {label:?}"))?)
            }
            (None, Some(_)) => return Err("group needs group_by".into()),
            _ => None,
        };
        let sla = metric == "sla";
        let mut rows = self
            .par_fold(
                || {
                    (
                        Vec::<RawRow>::new(),
                        Scratch::default(),
                        Vec::<Item>::new(),
                        Vec::<u32>::new(),
                        Vec::<(u32, u32)>::new(),
                    )
                },
                |(rows, scratch, items, keys, seen), internal, conv| {
                    items.clear();
                    let ctx = self.item_ctx();
                    if g == Some(GroupBy::Tag) {
                        tags_at(&conv, self.query.to, &mut scratch.tags);
                    }
                    let tags = std::mem::take(&mut scratch.tags);
                    let passed = collect(&ctx, &conv, scratch, false, items);
                    if passed {
                        seen.clear();
                        for it in items.iter().filter(|it| kinds.contains(&it.kind)) {
                            let key = match (g, want_key) {
                                (Some(g), Some(want)) => {
                                    self.keys(g, it.ts, it.agent, conv.channel, &tags, keys);
                                    if !keys.contains(&want) {
                                        continue;
                                    }
                                    want
                                }
                                _ => 0,
                            };
                            if distinct {
                                // One row per conversation and agent (and group).
                                if seen.contains(&(it.agent, key)) {
                                    continue;
                                }
                                seen.push((it.agent, key));
                            }
                            let value = match metric {
                                "csat" => Some(it.secs),
                                "depth" => Some(scratch.out.depth as i64),
                                _ if sla => Some((it.secs <= self.sla_target(it.agent)) as i64),
                                _ => None,
                            };
                            rows.push(RawRow { internal, item: *it, value });
                        }
                    }
                    scratch.tags = tags;
                },
                |mut a, b| {
                    a.0.extend(b.0);
                    a
                },
            )
            .0;
        rows.sort_unstable_by_key(|r| (r.item.ts, r.internal, r.item.start));
        Ok(rows)
    }

    /// Turns raw rows into answer rows, looking up conversation ids.
    pub fn render_rows(&self, rows: &[RawRow], ids: &[Option<String>], business: bool) -> Vec<SampleRow> {
        rows.iter()
            .zip(ids)
            .map(|(r, id)| {
                let it = &r.item;
                let is_duration = matches!(
                    it.kind,
                    ItemKind::FirstResponse
                        | ItemKind::Reply
                        | ItemKind::Duration
                        | ItemKind::Resolution
                        | ItemKind::PostTransfer
                        | ItemKind::Engagement
                );
                SampleRow {
                    conversation: id.clone().unwrap_or_default(),
                    agent: (it.agent != NONE)
                        .then(|| self.ledger.names.agents.name(it.agent).unwrap_or_default().to_string()),
                    start: format_rfc3339(it.start),
                    end: format_rfc3339(it.ts),
                    seconds: is_duration.then_some(it.secs),
                    business_seconds: (is_duration && business && it.biz >= 0).then_some(it.biz),
                    value: r.value,
                }
            })
            .collect()
    }
}
