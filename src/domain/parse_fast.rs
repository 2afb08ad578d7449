//! The quick road for the common line: a conversation event whose fields are
//! all known to its type, read straight into its record with borrowed
//! strings, without building a JSON tree first. Anything else (agent and
//! contact records, unknown or misplaced fields, nulls where a value is
//! needed, a value out of range, escapes are fine) answers `None`, and the
//! full validation of `parse.rs` decides, with its reasons. So this path
//! never accepts what that one would reject, and builds the same record.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};

use super::event::*;
use super::time::parse_rfc3339;

/// A string field as the line has it.
#[derive(Default)]
enum Str<'a> {
    #[default]
    Absent,
    Null,
    Val(Cow<'a, str>),
}

impl<'a> Str<'a> {
    fn present(&self) -> bool {
        !matches!(self, Str::Absent)
    }

    /// A required field: a non-empty string.
    fn need(self) -> Option<String> {
        match self {
            Str::Val(s) if !s.is_empty() => Some(s.into_owned()),
            _ => None,
        }
    }

    /// An optional field: `Some(None)` when absent or null.
    fn opt(self) -> Option<Option<String>> {
        match self {
            Str::Val(s) => Some(Some(s.into_owned())),
            Str::Null | Str::Absent => Some(None),
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Str::Val(s) => Some(s),
            _ => None,
        }
    }
}

struct StrVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
    type Value = Str<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Str::Null)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Str::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(StrVisitor(std::marker::PhantomData))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Str::Val(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Str::Val(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Str::Val(Cow::Owned(s)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(StrVisitor(std::marker::PhantomData))
    }
}

/// A number field as the line has it: absent, null, or a whole number
/// (anything else fails the quick road).
#[derive(Default)]
enum Num {
    #[default]
    Absent,
    Null,
    Val(u64),
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number or null")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Num::Null)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Num::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_u64(NumVisitor)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Num::Val(v))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(NumVisitor)
    }
}

/// Every field a conversation event may have; any other one fails the quick road.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Str<'a>,
    #[serde(borrow, default)]
    conversation: Str<'a>,
    #[serde(borrow, default)]
    ts: Str<'a>,
    #[serde(borrow, default)]
    id: Str<'a>,
    #[serde(borrow, default)]
    channel: Str<'a>,
    #[serde(borrow, default)]
    sender: Str<'a>,
    #[serde(borrow, default)]
    agent: Str<'a>,
    #[serde(borrow, default)]
    contact: Str<'a>,
    #[serde(borrow, default)]
    text: Str<'a>,
    #[serde(borrow, default)]
    message: Str<'a>,
    #[serde(borrow, default)]
    by: Str<'a>,
    #[serde(borrow, default)]
    from: Str<'a>,
    #[serde(borrow, default)]
    to: Str<'a>,
    #[serde(borrow, default)]
    reason: Str<'a>,
    #[serde(borrow, default)]
    tag: Str<'a>,
    #[serde(borrow, default)]
    comment: Str<'a>,
    #[serde(borrow, default)]
    status: Str<'a>,
    #[serde(default)]
    score: Num,
}

// One bit per field a type may carry besides type, conversation and ts.
const ID: u32 = 1;
const CHANNEL: u32 = 1 << 1;
const SENDER: u32 = 1 << 2;
const AGENT: u32 = 1 << 3;
const CONTACT: u32 = 1 << 4;
const TEXT: u32 = 1 << 5;
const MESSAGE: u32 = 1 << 6;
const BY: u32 = 1 << 7;
const FROM: u32 = 1 << 8;
const TO: u32 = 1 << 9;
const REASON: u32 = 1 << 10;
const TAG: u32 = 1 << 11;
const COMMENT: u32 = 1 << 12;
const STATUS: u32 = 1 << 13;
const SCORE: u32 = 1 << 14;

impl Line<'_> {
    fn present(&self) -> u32 {
        let bits = [
            (self.id.present(), ID),
            (self.channel.present(), CHANNEL),
            (self.sender.present(), SENDER),
            (self.agent.present(), AGENT),
            (self.contact.present(), CONTACT),
            (self.text.present(), TEXT),
            (self.message.present(), MESSAGE),
            (self.by.present(), BY),
            (self.from.present(), FROM),
            (self.to.present(), TO),
            (self.reason.present(), REASON),
            (self.tag.present(), TAG),
            (self.comment.present(), COMMENT),
            (self.status.present(), STATUS),
            (!matches!(self.score, Num::Absent), SCORE),
        ];
        bits.iter().filter(|(p, _)| *p).fold(0, |acc, (_, b)| acc | b)
    }
}

/// The record of `text` when it is a clean conversation event, else `None`
/// (then the full validation decides).
pub fn parse_quick(text: &str) -> Option<Record> {
    // A derived struct would also take a JSON array, field by position.
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let l: Line = serde_json::from_str(text).ok()?;
    let present = l.present();
    let only = |allowed: u32| present & !allowed == 0;
    let ty = l.ty.as_str()?.to_owned();
    let conversation = l.conversation.need()?;
    let ts = parse_rfc3339(l.ts.as_str()?)?;
    let body = match ty.as_str() {
        "message" => {
            let sender = Sender::parse(l.sender.as_str()?)?;
            let is_agent = sender == Sender::Agent;
            // On another sender, `agent` is an unknown field, which the full road keeps.
            if !only(ID | CHANNEL | SENDER | CONTACT | TEXT | if is_agent { AGENT } else { 0 }) {
                return None;
            }
            Body::Message {
                channel: Channel::parse(l.channel.as_str()?)?,
                id: l.id.need()?,
                sender,
                agent: if is_agent { Some(l.agent.need()?) } else { None },
                contact: l.contact.opt()?,
                text: l.text.opt()?,
                attachments: None,
            }
        }
        "edit" if only(MESSAGE | TEXT) => Body::Edit { message: l.message.need()?, text: l.text.opt()? },
        "delete" if only(MESSAGE | BY) => {
            let by = match l.by.opt()? {
                Some(b) => Some(DeletedBy::parse(&b)?),
                None => None,
            };
            Body::Delete { message: l.message.need()?, by }
        }
        "assign" if only(AGENT) => Body::Assign { agent: l.agent.need()? },
        "transfer" if only(FROM | TO | REASON) => {
            Body::Transfer { from: l.from.need()?, to: l.to.need()?, reason: l.reason.opt()? }
        }
        "note" if only(AGENT | TEXT) => Body::Note { agent: l.agent.need()?, text: l.text.opt()? },
        "tag" if only(TAG) => Body::Tag { tag: l.tag.need()? },
        "untag" if only(TAG) => Body::Untag { tag: l.tag.need()? },
        "resolve" if only(AGENT) => Body::Resolve { agent: l.agent.opt()?.filter(|a| !a.is_empty()) },
        "reopen" if only(0) => Body::Reopen,
        "csat" if only(SCORE | COMMENT) => match l.score {
            Num::Val(s @ 1..=5) => Body::Csat { score: s as u8, comment: l.comment.opt()? },
            _ => return None,
        },
        "status" if only(MESSAGE | STATUS) => {
            Body::Status { message: l.message.opt()?, status: DeliveryStatus::parse(l.status.as_str()?)? }
        }
        _ => return None,
    };
    Some(Record::Conv(ConvEvent { conversation, ts, body, extra: None }))
}
