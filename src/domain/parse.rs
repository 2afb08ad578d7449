//! Validation of one line of the event format (metrics.md section 8).
//! A line is either fully accepted as a [`Record`] or rejected with a reason.

use serde_json::{Map, Value};

use super::event::*;
use super::role::AgentRole;
use super::time::parse_rfc3339;

/// Why a line was rejected: shown to the user with the line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn reject<T>(msg: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection(msg.into()))
}

const KNOWN_CONV: &[&str] = &["type", "conversation", "ts"];

/// Parses one non-blank line.
pub fn parse_line(line: &[u8]) -> Result<Record, Rejection> {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => return reject(format!("not valid UTF-8 (at byte {})", e.valid_up_to())),
    };
    if let Some(r) = super::parse_fast::parse_quick(text) {
        return Ok(r);
    }
    parse_full(text)
}

/// The full validation of a line's text, with a reason for every rejection.
fn parse_full(text: &str) -> Result<Record, Rejection> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if e.is_eof() => return reject(format!("truncated JSON: {e}")),
        Err(e) => return reject(format!("invalid JSON: {e}")),
    };
    let Value::Object(mut m) = value else {
        return reject("not a JSON object");
    };
    parse_object(&mut m)
}

/// Parses an already decoded JSON object (used by the API and channel adapters too).
pub fn parse_object(m: &mut Map<String, Value>) -> Result<Record, Rejection> {
    let ty = match m.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return reject("`type` is not a string"),
        None => return reject("missing `type`"),
    };
    match ty.as_str() {
        "agent" => parse_agent(m).map(Record::Agent),
        "contact" => parse_contact(m).map(Record::Contact),
        "message" | "edit" | "delete" | "assign" | "transfer" | "note" | "tag" | "untag" | "resolve" | "reopen"
        | "csat" | "status" => parse_conv(&ty, m).map(Record::Conv),
        other => reject(format!("unknown type {other:?}")),
    }
}

/// A required non-empty string field.
fn need(m: &Map<String, Value>, k: &str, ctx: &str) -> Result<String, Rejection> {
    match m.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => reject(format!("{ctx} `{k}` is empty")),
        Some(Value::Null) | None => reject(format!("{ctx} lacks `{k}`")),
        Some(_) => reject(format!("{ctx} `{k}` is not a string")),
    }
}

/// An optional string field (`null` counts as absent).
fn opt(m: &Map<String, Value>, k: &str) -> Result<Option<String>, Rejection> {
    match m.get(k) {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Null) | None => Ok(None),
        Some(_) => reject(format!("`{k}` is not a string")),
    }
}

/// The fields not named in `known`, as canonical JSON (keys sorted).
fn extra(m: &mut Map<String, Value>, known: &[&str]) -> Option<String> {
    let mut rest: Vec<(String, Value)> =
        std::mem::take(m).into_iter().filter(|(k, _)| !known.contains(&k.as_str())).collect();
    // Sorted, so that the same fields in another order make the same event.
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    let rest: Map<String, Value> = rest.into_iter().collect();
    if rest.is_empty() { None } else { Some(Value::Object(rest).to_string()) }
}

fn parse_agent(m: &mut Map<String, Value>) -> Result<AgentRecord, Rejection> {
    let id = need(m, "id", "agent record")?;
    let role = match opt(m, "role")? {
        None => None,
        Some(r) => match AgentRole::parse(&r) {
            Some(r) => Some(r),
            None => return reject(format!("agent `role` {r:?} is not support, sales or ops")),
        },
    };
    let active = match m.get("active") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Null) | None => None,
        Some(_) => return reject("agent `active` is not a boolean"),
    };
    Ok(AgentRecord {
        name: opt(m, "name")?,
        email: opt(m, "email")?,
        team: opt(m, "team")?,
        role,
        active,
        extra: extra(m, &["type", "id", "name", "email", "role", "team", "active"]),
        id,
    })
}

fn parse_contact(m: &mut Map<String, Value>) -> Result<ContactRecord, Rejection> {
    let id = need(m, "id", "contact record")?;
    let handles = match m.get("handles") {
        Some(Value::Object(h)) => {
            let mut out = Vec::with_capacity(h.len());
            for (k, v) in h {
                match v {
                    Value::String(s) => out.push((k.clone(), s.clone())),
                    _ => return reject(format!("contact handle `{k}` is not a string")),
                }
            }
            Some(out)
        }
        Some(Value::Null) | None => None,
        Some(_) => return reject("contact `handles` is not an object"),
    };
    let tags = match m.get("tags") {
        Some(Value::Array(a)) => {
            let mut out = Vec::with_capacity(a.len());
            for t in a {
                match t {
                    Value::String(s) => out.push(s.clone()),
                    _ => return reject("contact `tags` must be strings"),
                }
            }
            Some(out)
        }
        Some(Value::Null) | None => None,
        Some(_) => return reject("contact `tags` is not an array"),
    };
    Ok(ContactRecord {
        name: opt(m, "name")?,
        handles,
        tags,
        extra: extra(m, &["type", "id", "name", "handles", "tags"]),
        id,
    })
}

fn parse_conv(ty: &str, m: &mut Map<String, Value>) -> Result<ConvEvent, Rejection> {
    let conversation = need(m, "conversation", ty)?;
    let ts = match m.get("ts") {
        Some(Value::String(s)) => match parse_rfc3339(s) {
            Some(ts) => ts,
            None => return reject(format!("`ts` {s:?} is not RFC 3339 with an offset")),
        },
        None | Some(Value::Null) => return reject(format!("{ty} lacks `ts`")),
        Some(_) => return reject("`ts` is not a string"),
    };
    let (body, known): (Body, &[&str]) = match ty {
        "message" => {
            let id = need(m, "id", "message")?;
            let channel = match m.get("channel") {
                Some(Value::String(c)) => match Channel::parse(c) {
                    Some(c) => c,
                    None => return reject(format!("message `channel` {c:?} is not a known channel")),
                },
                _ => return reject("message lacks `channel`"),
            };
            let sender = match m.get("sender") {
                Some(Value::String(s)) => match Sender::parse(s) {
                    Some(s) => s,
                    None => {
                        return reject(format!("message `sender` {s:?} is not customer, agent or bot"));
                    }
                },
                _ => return reject("message lacks `sender`"),
            };
            // Only an agent's message names its agent; on another sender the field is kept
            // as an unknown field, so it can never make an agent a party to the conversation.
            let agent = if sender == Sender::Agent { Some(need(m, "agent", "agent message")?) } else { None };
            let attachments = match m.get("attachments") {
                None | Some(Value::Null) => None,
                Some(v @ Value::Array(_)) => match serde_json::from_value::<Vec<Attachment>>(v.clone()) {
                    Ok(a) => Some(a),
                    Err(e) => return reject(format!("message `attachments` are malformed: {e}")),
                },
                Some(_) => return reject("message `attachments` is not an array"),
            };
            (
                Body::Message {
                    id,
                    channel,
                    sender,
                    agent,
                    contact: opt(m, "contact")?,
                    text: opt(m, "text")?,
                    attachments,
                },
                if sender == Sender::Agent {
                    &["id", "channel", "sender", "agent", "contact", "text", "attachments"]
                } else {
                    &["id", "channel", "sender", "contact", "text", "attachments"]
                },
            )
        }
        "edit" => (Body::Edit { message: need(m, "message", "edit")?, text: opt(m, "text")? }, &["message", "text"]),
        "delete" => {
            let by = match opt(m, "by")? {
                None => None,
                Some(b) => match DeletedBy::parse(&b) {
                    Some(b) => Some(b),
                    None => return reject(format!("delete `by` {b:?} is not customer, agent or system")),
                },
            };
            (Body::Delete { message: need(m, "message", "delete")?, by }, &["message", "by"])
        }
        "assign" => (Body::Assign { agent: need(m, "agent", "assign")? }, &["agent"]),
        "transfer" => (
            Body::Transfer {
                from: need(m, "from", "transfer")?,
                to: need(m, "to", "transfer")?,
                reason: opt(m, "reason")?,
            },
            &["from", "to", "reason"],
        ),
        "note" => (Body::Note { agent: need(m, "agent", "note")?, text: opt(m, "text")? }, &["agent", "text"]),
        "tag" => (Body::Tag { tag: need(m, "tag", "tag")? }, &["tag"]),
        "untag" => (Body::Untag { tag: need(m, "tag", "untag")? }, &["tag"]),
        "resolve" => (Body::Resolve { agent: opt(m, "agent")?.filter(|a| !a.is_empty()) }, &["agent"]),
        "reopen" => (Body::Reopen, &[]),
        "csat" => {
            let score = match m.get("score") {
                Some(Value::Number(n)) => match n.as_u64() {
                    Some(s @ 1..=5) => s as u8,
                    _ => return reject(format!("csat `score` {n} is not an integer 1-5")),
                },
                _ => return reject("csat `score` is not an integer 1-5"),
            };
            (Body::Csat { score, comment: opt(m, "comment")? }, &["score", "comment"])
        }
        "status" => {
            let status = match opt(m, "status")? {
                Some(s) => match DeliveryStatus::parse(&s) {
                    Some(s) => s,
                    None => {
                        return reject(format!("status `status` {s:?} is not sent, delivered, read, played or failed"));
                    }
                },
                None => return reject("status lacks `status`"),
            };
            (Body::Status { message: opt(m, "message")?, status }, &["message", "status"])
        }
        _ => unreachable!("type checked by the caller"),
    };
    let mut all: Vec<&str> = KNOWN_CONV.to_vec();
    all.extend_from_slice(known);
    Ok(ConvEvent { conversation, ts, body, extra: extra(m, &all) })
}

/// Conversation events from event-format lines, numbered from 1 as if stored
/// in that order (for the tests of the layers that read timelines).
#[cfg(test)]
pub(crate) fn test_events(lines: &[&str]) -> Vec<(u64, ConvEvent)> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| match parse_line(l.as_bytes()).expect("a valid test line") {
            Record::Conv(e) => (i as u64 + 1, e),
            other => panic!("not a conversation event: {other:?}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(line: &str) -> String {
        parse_line(line.as_bytes()).unwrap_err().0
    }

    #[test]
    fn every_rule_of_section_8_has_its_own_reason() {
        assert!(why("[1,2]").contains("not a JSON object"));
        assert!(why(r#"{"type":"wave","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#).contains("unknown type"));
        assert!(why(r#"{"type":"tag","ts":"2026-01-01T00:00:00Z","tag":"x"}"#).contains("lacks `conversation`"));
        assert!(why(r#"{"type":"tag","conversation":"c","ts":"2026-01-01T00:00:00","tag":"x"}"#).contains("offset"));
        assert!(why(r#"{"type":"message","conversation":"c","ts":"2026-01-01T00:00:00Z","channel":"whatsapp","sender":"customer"}"#).contains("`id`"));
        assert!(why(r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"fax","sender":"customer"}"#).contains("channel"));
        assert!(why(r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"robot"}"#).contains("sender"));
        assert!(why(r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"agent"}"#).contains("`agent`"));
        assert!(why(r#"{"type":"assign","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#).contains("`agent`"));
        assert!(
            why(r#"{"type":"note","conversation":"c","ts":"2026-01-01T00:00:00Z","text":"x"}"#).contains("`agent`")
        );
        assert!(
            why(r#"{"type":"transfer","conversation":"c","ts":"2026-01-01T00:00:00Z","from":"a"}"#).contains("`to`")
        );
        assert!(
            why(r#"{"type":"edit","conversation":"c","ts":"2026-01-01T00:00:00Z","text":"x"}"#).contains("`message`")
        );
        assert!(why(r#"{"type":"delete","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#).contains("`message`"));
        assert!(why(r#"{"type":"untag","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#).contains("`tag`"));
        assert!(why(r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":6}"#).contains("1-5"));
        assert!(why(r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":4.5}"#).contains("1-5"));
        assert!(why(r#"{"type":"agent","name":"x"}"#).contains("`id`"));
        assert!(why(r#"{"type":"message","conversation":"c""#).contains("truncated"));
        assert!(parse_line(b"{\"type\":\"tag\",\"conversation\":\"c\xff\"}").unwrap_err().0.contains("UTF-8"));
    }

    /// The quick road must build exactly what the full one builds, or step aside.
    fn same_on_both_roads(line: &str) -> bool {
        let quick = super::super::parse_fast::parse_quick(line);
        let full = parse_full(line);
        if let Some(q) = &quick {
            assert_eq!(Ok(q), full.as_ref(), "the quick road differs on {line}");
        }
        quick.is_some()
    }

    #[test]
    fn the_quick_road_builds_the_same_records_or_steps_aside() {
        let files = [
            include_str!("../../tests/fixtures/sample.ndjson"),
            include_str!("../../tests/fixtures/search_corpus.ndjson"),
        ];
        let mut lines: Vec<String> = files.iter().flat_map(|f| f.lines()).map(str::to_string).collect();
        crate::demo::generate(7, 60, 1_790_000_000_000, &mut |v| lines.push(v.to_string()));
        let conv_lines = lines.iter().filter(|l| l.contains("\"conversation\"")).count();
        let quick = lines.iter().filter(|l| same_on_both_roads(l)).count();
        assert!(quick * 10 >= conv_lines * 9, "the quick road took only {quick} of {conv_lines} event lines");
        // Lines the quick road must leave to the full one (which accepts some, rejects others).
        let aside = [
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer","agent":"a-1"}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"agent","agent":null}"#,
            r#"{"type":"message","conversation":"c","id":"","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer"}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"fax","sender":"customer"}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer","zeta":1}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer","text":5}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer","attachments":[]}"#,
            r#"{"type":"message","conversation":"c","id":"m","id":"n","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer"}"#,
            r#"{"type":"assign","conversation":"c","ts":"2026-01-01T00:00:00Z","agent":"a","text":null}"#,
            r#"{"type":"assign","conversation":null,"ts":"2026-01-01T00:00:00Z","agent":"a"}"#,
            r#"{"type":"tag","conversation":"c","ts":"2026-01-01T00:00:00","tag":"x"}"#,
            r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":6}"#,
            r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":4.5}"#,
            r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":null}"#,
            r#"{"type":"delete","conversation":"c","ts":"2026-01-01T00:00:00Z","message":"m","by":"robot"}"#,
            r#"{"type":"status","conversation":"c","ts":"2026-01-01T00:00:00Z","status":"lost"}"#,
            r#"{"type":"agent","id":"a-1","name":"x"}"#,
            r#"{"type":"wave","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#,
            r#"[1,2]"#,
            r#"["reopen","c","2026-01-01T00:00:00Z"]"#,
            r#"["message","c","2026-01-01T00:00:00Z","m","line","customer"]"#,
            r#"{"type":"tag","conversation":"c","ts":"2026-01-01T00:00:00Z","tag":"x","score":null}"#,
            r#"{"type":"tag","conversation":"c","ts":"2026-01-01T00:00:00Z","tag":"x","score":3}"#,
        ];
        for l in aside {
            assert!(!same_on_both_roads(l), "the quick road took {l}");
        }
        // Clean lines of every type, with nulls and escapes, take the quick road.
        let clean = [
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00Z","channel":"line","sender":"customer","contact":null,"text":"a \"quoted\" \u4f60\u597d"}"#,
            r#"{"type":"message","conversation":"c","id":"m","ts":"2026-01-01T00:00:00+08:00","channel":"email","sender":"agent","agent":"a-1","text":""}"#,
            r#"{"type":"edit","conversation":"c","ts":"2026-01-01T00:00:00Z","message":"m","text":null}"#,
            r#"{"type":"delete","conversation":"c","ts":"2026-01-01T00:00:00Z","message":"m","by":"system"}"#,
            r#"{"type":"transfer","conversation":"c","ts":"2026-01-01T00:00:00Z","from":"a","to":"b","reason":"vip"}"#,
            r#"{"type":"note","conversation":"c","ts":"2026-01-01T00:00:00Z","agent":"a","text":"x"}"#,
            r#"{"type":"untag","conversation":"c","ts":"2026-01-01T00:00:00Z","tag":"x"}"#,
            r#"{"type":"resolve","conversation":"c","ts":"2026-01-01T00:00:00Z","agent":""}"#,
            r#"{"type":"reopen","conversation":"c","ts":"2026-01-01T00:00:00Z"}"#,
            r#"{"type":"csat","conversation":"c","ts":"2026-01-01T00:00:00Z","score":5,"comment":"ok"}"#,
            r#"{"type":"status","conversation":"c","ts":"2026-01-01T00:00:00Z","status":"read"}"#,
        ];
        for l in clean {
            assert!(same_on_both_roads(l), "the quick road left {l}");
        }
    }

    #[test]
    fn unknown_fields_are_kept_and_rendered_back() {
        let line = r#"{"type":"message","conversation":"c-1","id":"m1","channel":"whatsapp","ts":"2026-11-02T09:00:00+08:00","sender":"customer","contact":"k-1","text":"你好","zeta":1,"alpha":{"b":2}}"#;
        let rec = parse_line(line.as_bytes()).unwrap();
        let Record::Conv(ev) = &rec else { panic!() };
        assert_eq!(ev.extra.as_deref(), Some(r#"{"alpha":{"b":2},"zeta":1}"#));
        let back = rec.to_json();
        assert_eq!(back["zeta"], 1);
        assert_eq!(back["ts"], "2026-11-02T01:00:00.000Z");
        assert_eq!(parse_object(&mut back.as_object().unwrap().clone()).unwrap(), rec);
    }
}
