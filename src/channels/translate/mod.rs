//! Channel payloads → lines of the event format. Each channel has one file;
//! they all build events with [`Out`], which writes exactly what an import
//! line would hold, so a webhook and an import end in the same append path.
//!
//! Ids: a conversation is `{instance}:{customer or chat key}`; a contact is
//! `{channel}:{the channel's user id}`; a message keeps the channel's id.

pub mod email;
pub mod line;
pub mod meta;
pub mod telegram;
pub mod webchat;
pub mod wechat;
pub mod wecom_kf;
pub mod whatsapp;

use serde_json::{Map, Value, json};

use super::config::{ChannelConfig, Kind};
use crate::domain::time::{Millis, format_rfc3339};
use crate::store::inbox::InboxItem;

/// What one inbox item became.
#[derive(Debug, Default)]
pub struct Out {
    /// Event-format objects, in order.
    pub records: Vec<Value>,
    /// Parts deliberately not made events, with why.
    pub ignored: Vec<String>,
    /// Parts not understood (the raw item stays in the inbox).
    pub unknown: Vec<String>,
    /// WeCom pulls the item asks for (its messages come with them).
    pub pulls: Vec<wecom_kf::Pull>,
}

/// The instance and item being translated.
pub struct Ctx<'a> {
    pub cfg: &'a ChannelConfig,
    /// The item's inbox seq, kept on every event (`inbox`) to find the raw payload.
    pub seq: u64,
    pub received: Millis,
}

/// Who sent a message.
pub enum From<'a> {
    Customer {
        contact: &'a str,
    },
    /// The business, from outside chatledger (an echo): recorded as the instance's echo agent.
    Business,
    /// A named agent of the business, from outside chatledger (a WeCom servicer).
    Agent(&'a str),
}

/// A message to record.
pub struct Msg<'a> {
    pub conv: &'a str,
    pub id: &'a str,
    pub ts: Millis,
    pub from: From<'a>,
    pub text: Option<String>,
    pub attachments: Vec<Value>,
    /// Channel details worth keeping (reply-to, forwarded, ...), as unknown fields.
    pub extra: Map<String, Value>,
}

impl Ctx<'_> {
    pub fn conversation(&self, key: &str) -> String {
        format!("{}:{}", self.cfg.id, key)
    }

    fn frame(&self, ty: &str, conv_key: &str, ts: Millis) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), ty.into());
        m.insert("conversation".into(), self.conversation(conv_key).into());
        m.insert("ts".into(), format_rfc3339(ts).into());
        m.insert("via".into(), self.cfg.id.clone().into());
        m.insert("inbox".into(), self.seq.into());
        m
    }
}

impl Out {
    pub fn message(&mut self, ctx: &Ctx, msg: Msg) {
        let mut m = ctx.frame("message", msg.conv, msg.ts);
        m.insert("id".into(), msg.id.into());
        m.insert("channel".into(), ctx.cfg.kind().channel().as_str().into());
        match msg.from {
            From::Customer { contact } => {
                m.insert("sender".into(), "customer".into());
                // Empty when the channel does not say who (a LINE room member who has not added the bot).
                if !contact.is_empty() {
                    m.insert("contact".into(), contact.into());
                }
            }
            From::Business => {
                m.insert("sender".into(), "agent".into());
                m.insert("agent".into(), ctx.cfg.echo_agent().into());
                m.insert("echo".into(), true.into());
            }
            From::Agent(agent) => {
                m.insert("sender".into(), "agent".into());
                m.insert("agent".into(), agent.into());
                m.insert("echo".into(), true.into());
            }
        }
        if let Some(t) = msg.text.filter(|t| !t.is_empty()) {
            m.insert("text".into(), t.into());
        }
        if !msg.attachments.is_empty() {
            m.insert("attachments".into(), msg.attachments.into());
        }
        for (k, v) in msg.extra {
            m.entry(k).or_insert(v);
        }
        self.records.push(Value::Object(m));
    }

    pub fn edit(&mut self, ctx: &Ctx, conv: &str, message: &str, ts: Millis, text: Option<String>) {
        let mut m = ctx.frame("edit", conv, ts);
        m.insert("message".into(), message.into());
        if let Some(t) = text {
            m.insert("text".into(), t.into());
        }
        self.records.push(Value::Object(m));
    }

    /// `by`: `customer`, `agent` or `system`.
    pub fn delete(&mut self, ctx: &Ctx, conv: &str, message: &str, ts: Millis, by: &str) {
        let mut m = ctx.frame("delete", conv, ts);
        m.insert("message".into(), message.into());
        m.insert("by".into(), by.into());
        self.records.push(Value::Object(m));
    }

    /// A delivery report; `message: None` covers everything sent up to `ts`.
    pub fn status(&mut self, ctx: &Ctx, conv: &str, message: Option<&str>, ts: Millis, status: &str) {
        let mut m = ctx.frame("status", conv, ts);
        if let Some(id) = message {
            m.insert("message".into(), id.into());
        }
        m.insert("status".into(), status.into());
        self.records.push(Value::Object(m));
    }

    /// A contact record naming the customer (merged with what is known).
    pub fn contact(&mut self, ctx: &Ctx, id: &str, name: Option<&str>, handle: &str) {
        let channel = ctx.cfg.kind().channel().as_str();
        let mut m = Map::new();
        m.insert("type".into(), "contact".into());
        m.insert("id".into(), id.into());
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            m.insert("name".into(), n.into());
        }
        m.insert("handles".into(), json!({ channel: handle }));
        self.records.push(Value::Object(m));
    }

    pub fn ignore(&mut self, why: impl Into<String>) {
        self.ignored.push(why.into());
    }

    pub fn unknown(&mut self, what: impl Into<String>) {
        self.unknown.push(what.into());
    }
}

/// An attachment in the event format.
pub fn attachment(name: Option<&str>, mime: Option<&str>, size: Option<u64>, url: Option<&str>) -> Value {
    let mut m = Map::new();
    for (k, v) in [("name", name), ("mime", mime), ("url", url)] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            m.insert(k.into(), v.into());
        }
    }
    if let Some(s) = size {
        m.insert("size".into(), s.into());
    }
    Value::Object(m)
}

/// Translates one inbox item of a channel instance.
pub fn translate(cfg: &ChannelConfig, seq: u64, item: &InboxItem) -> Result<Out, String> {
    let ctx = Ctx { cfg, seq, received: item.received };
    let mut out = Out::default();
    match (cfg.kind(), item.kind.as_str()) {
        (Kind::Whatsapp, "webhook") => whatsapp::translate(&ctx, &json_body(&item.body)?, &mut out),
        (Kind::Messenger | Kind::Instagram, "webhook") => meta::translate(&ctx, &json_body(&item.body)?, &mut out),
        (Kind::Line, "webhook") => line::translate(&ctx, &json_body(&item.body)?, &mut out),
        (Kind::Telegram, "webhook") => telegram::translate(&ctx, &json_body(&item.body)?, &mut out),
        (Kind::Wechat, "webhook") => wechat::translate(&ctx, &item.body, &mut out)?,
        (Kind::WecomKf, "webhook") => wecom_kf::translate_callback(&ctx, &item.body, &mut out)?,
        (Kind::WecomKf, "kf_sync") => wecom_kf::translate_sync(&ctx, &json_body(&item.body)?, &mut out),
        (Kind::Email, "email") => email::translate(&ctx, &item.body, &mut out)?,
        (Kind::Webchat, "widget") => webchat::translate(&ctx, &json_body(&item.body)?, &mut out),
        (k, other) => return Err(format!("a {other:?} item cannot come to a {k:?} channel")),
    }
    Ok(out)
}

fn json_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))
}

/// A JSON value as a string, whether it came as a string or a number (ids, timestamps).
pub fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Unix seconds (string or number) → ms.
pub fn secs(v: &Value) -> Option<Millis> {
    str_of(v)?.parse::<i64>().ok().map(|s| s * 1000)
}

/// Unix ms (number) → ms.
pub fn millis(v: &Value) -> Option<Millis> {
    str_of(v)?.parse::<i64>().ok()
}
