//! Inbox → events: translates the items not yet done and appends their events
//! through the store's one path in, marking each item done in the same write.

use std::collections::HashMap;

use crate::domain::parse::parse_object;
use crate::domain::{Body, Record};
use crate::store::attachments::Attachment;
use crate::store::inbox::{InboxItem, Outcome};
use crate::store::{Actor, AuditSpec, Store};

use super::config::ChannelConfig;
use super::translate::{self, wecom_kf::Pull};

/// What one round did.
#[derive(Debug, Default)]
pub struct Round {
    pub items: usize,
    pub accepted: u64,
    pub duplicates: u64,
    /// WeCom pulls to make, per instance.
    pub pulls: Vec<(String, Pull)>,
    /// Conversations that got events (the web chat's live streams follow them).
    pub conversations: Vec<String>,
}

/// Translates and stores up to `limit` pending items; returns what it did.
pub fn process_pending(
    store: &Store,
    configs: &HashMap<String, ChannelConfig>,
    limit: usize,
) -> crate::store::Result<Round> {
    let pending = store.inbox_pending(limit)?;
    if pending.is_empty() {
        return Ok(Round::default());
    }
    let mut prepared: Vec<(u64, &str, Vec<Record>, Outcome)> = Vec::with_capacity(pending.len());
    let mut round = Round { items: pending.len(), ..Default::default() };
    for (seq, item) in &pending {
        let (records, outcome, pulls) = prepare(configs, *seq, item);
        for p in pulls {
            round.pulls.push((item.instance.clone(), p));
        }
        prepared.push((*seq, item.instance.as_str(), records, outcome));
    }
    let (first, last) = (pending[0].0, pending[pending.len() - 1].0);
    let spec = AuditSpec::new(&Actor::system(), "channels.ingest", format!("inbox {first}-{last}"));
    let mut touched: Vec<String> = Vec::new();
    let outcomes = store.write(spec, |tx| {
        let mut outcomes = Vec::with_capacity(prepared.len());
        for (seq, instance, records, mut outcome) in prepared {
            // A status of a message chatledger never saw would open an empty conversation.
            let mut kept = Vec::with_capacity(records.len());
            for r in records {
                if let Record::Conv(ev) = &r
                    && matches!(ev.body, Body::Status { .. })
                    && !tx.has_conversation(&ev.conversation)?
                {
                    outcome.ignored.push(format!("a status in {}, which holds no message", ev.conversation));
                    continue;
                }
                kept.push(r);
            }
            for r in &kept {
                if let Record::Conv(ev) = r
                    && !touched.contains(&ev.conversation)
                {
                    touched.push(ev.conversation.clone());
                }
            }
            for r in &kept {
                want_files(tx, instance, r)?;
            }
            let stats = tx.append(kept)?;
            outcome.accepted = stats.accepted;
            outcome.duplicates = stats.duplicates;
            tx.inbox_done(seq, &outcome)?;
            outcomes.push((seq, outcome));
        }
        Ok(outcomes)
    })?;
    round.conversations = touched;
    for (seq, o) in outcomes {
        round.accepted += o.accepted;
        round.duplicates += o.duplicates;
        if o.error.is_some() || !o.unknown.is_empty() {
            tracing::warn!(inbox = seq, error = ?o.error, unknown = ?o.unknown, "channel payload kept raw in the inbox");
        }
    }
    Ok(round)
}

/// Attachments a channel holds for us (a reference, not a URL) are fetched
/// into the data directory afterwards (`media.rs`).
fn want_files(tx: &mut crate::store::Tx<'_>, instance: &str, r: &Record) -> crate::store::Result<()> {
    let Record::Conv(ev) = r else { return Ok(()) };
    let Body::Message { attachments: Some(list), .. } = &ev.body else { return Ok(()) };
    for a in list {
        if let Some(url) = a.url.as_deref().filter(|u| super::media::fetchable(u)) {
            let want = Attachment {
                conversation: ev.conversation.clone(),
                name: a.name.clone(),
                mime: a.mime.clone(),
                sha256: None,
                size: None,
                attempts: 0,
                error: None,
            };
            tx.attachment_wanted(&format!("{instance}/{url}"), &want)?;
        }
    }
    Ok(())
}

/// One item's records and outcome (without the append's counts).
fn prepare(configs: &HashMap<String, ChannelConfig>, seq: u64, item: &InboxItem) -> (Vec<Record>, Outcome, Vec<Pull>) {
    let mut outcome = Outcome::default();
    let Some(cfg) = configs.get(&item.instance) else {
        outcome.error = Some(format!("no channel instance {:?} is configured", item.instance));
        return (vec![], outcome, vec![]);
    };
    let out = match translate::translate(cfg, seq, item) {
        Ok(o) => o,
        Err(e) => {
            outcome.error = Some(e);
            return (vec![], outcome, vec![]);
        }
    };
    let mut records = Vec::with_capacity(out.records.len());
    for v in out.records {
        let serde_json::Value::Object(mut m) = v else { continue };
        match parse_object(&mut m) {
            Ok(r) => records.push(r),
            // The translators build valid lines; if one does not, keep the item raw and say why.
            Err(e) => outcome.unknown.push(format!("an event the format rejects: {}", e.0)),
        }
    }
    outcome.ignored = out.ignored;
    outcome.unknown.extend(out.unknown);
    (records, outcome, out.pulls)
}
