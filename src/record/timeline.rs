//! Builds the timeline of one conversation from its ordered events.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::domain::{Body, ConvEvent, Record, time::format_rfc3339};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revision {
    pub ts: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Deletion {
    pub ts: String,
    pub by: Option<String>,
}

/// One entry of the timeline: the event as in the event format, plus, for a
/// message, what became of it later.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineItem {
    pub seq: u64,
    /// The event in the event format (`type`, `ts`, and its fields).
    #[schema(value_type = Object)]
    pub event: Value,
    /// For a message: its text now, after any edits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_text: Option<String>,
    /// For a message: every earlier text, oldest first (the original is the first).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    /// For a message: when and by whom it was deleted or recalled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Deletion>,
    /// True when content was withheld from this viewer (deleted content, agent users).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

/// `show_deleted`: whether the viewer may see the content of deleted messages.
pub fn build(events: &[(u64, ConvEvent)], show_deleted: bool) -> Vec<TimelineItem> {
    // First pass: what happened to each message later.
    let mut edits: HashMap<&str, Vec<(i64, Option<&String>)>> = HashMap::new();
    let mut deletes: HashMap<&str, (i64, Option<&'static str>)> = HashMap::new();
    for (_, ev) in events {
        match &ev.body {
            Body::Edit { message, text } => edits.entry(message).or_default().push((ev.ts, text.as_ref())),
            Body::Delete { message, by } => {
                deletes.entry(message).or_insert((ev.ts, by.map(|b| b.as_str())));
            }
            _ => {}
        }
    }
    events
        .iter()
        .map(|(seq, ev)| {
            let mut item = TimelineItem {
                seq: *seq,
                event: Record::Conv(ev.clone()).to_json(),
                current_text: None,
                revisions: vec![],
                deleted: None,
                redacted: false,
            };
            if let Body::Message { id, text, .. } = &ev.body {
                let mut current = text.clone();
                if let Some(list) = edits.get(id.as_str()) {
                    item.revisions.push(Revision { ts: format_rfc3339(ev.ts), text: text.clone() });
                    for (i, (ts, t)) in list.iter().enumerate() {
                        if i + 1 < list.len() {
                            item.revisions.push(Revision { ts: format_rfc3339(*ts), text: t.cloned() });
                        }
                        current = t.cloned();
                    }
                }
                item.current_text = current;
                if let Some((ts, by)) = deletes.get(id.as_str()) {
                    item.deleted = Some(Deletion { ts: format_rfc3339(*ts), by: by.map(str::to_string) });
                    if !show_deleted {
                        redact(&mut item);
                    }
                }
            }
            if let Body::Edit { message, .. } = &ev.body
                && deletes.contains_key(message.as_str())
                && !show_deleted
            {
                redact(&mut item);
            }
            item
        })
        .collect()
}

fn redact(item: &mut TimelineItem) {
    item.redacted = true;
    item.current_text = None;
    item.revisions.clear();
    // Only the event's frame stays: unknown fields (a subject, a caption) may hold content.
    const KEEP: &[&str] =
        &["type", "conversation", "id", "message", "ts", "channel", "sender", "agent", "contact", "by"];
    if let Some(m) = item.event.as_object_mut() {
        m.retain(|k, _| KEEP.contains(&k.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::test_events;

    #[test]
    fn edits_keep_the_original_and_recalls_keep_the_content_for_those_allowed() {
        let e = test_events(&[
            r#"{"type":"message","conversation":"c","id":"m1","channel":"wechat","ts":"2026-11-02T09:00:00Z","sender":"customer","text":"订单 1"}"#,
            r#"{"type":"edit","conversation":"c","message":"m1","ts":"2026-11-02T09:01:00Z","text":"订单 12"}"#,
            r#"{"type":"edit","conversation":"c","message":"m1","ts":"2026-11-02T09:02:00Z","text":"订单 123"}"#,
            r#"{"type":"message","conversation":"c","id":"m2","channel":"wechat","ts":"2026-11-02T09:03:00Z","sender":"customer","text":"秘密"}"#,
            r#"{"type":"delete","conversation":"c","message":"m2","ts":"2026-11-02T09:04:00Z","by":"customer"}"#,
        ]);
        let t = build(&e, true);
        assert_eq!(t[0].current_text.as_deref(), Some("订单 123"));
        let revs: Vec<_> = t[0].revisions.iter().map(|r| r.text.clone().unwrap()).collect();
        assert_eq!(revs, vec!["订单 1", "订单 12"]);
        assert_eq!(t[3].deleted.as_ref().unwrap().by.as_deref(), Some("customer"));
        assert_eq!(t[3].event["text"], "秘密");
        let agent_view = build(&e, false);
        assert!(agent_view[3].redacted);
        assert!(agent_view[3].event.get("text").is_none());
        assert_eq!(agent_view[0].current_text.as_deref(), Some("订单 123"));
    }
}
