//! WeChat Official Account pushes (channels.md §7): flat XML, plain or
//! wrapped in `<Encrypt>` (safe mode). The inbox keeps what came; it is
//! decrypted here.
//!
//! Conversation key: the user's OpenID. Subscribe, menu and other events are
//! acknowledged and noted, not made messages.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Map;

use super::{Ctx, From, Msg, Out, attachment};
use crate::channels::wechat_crypto;

/// The children of the root element, by name (text and CDATA joined).
pub fn parse_xml(body: &[u8]) -> Result<HashMap<String, String>, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body).map_err(|_| "the XML is not UTF-8".to_string())?;
    let mut r = Reader::from_str(text);
    let mut out = HashMap::new();
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut value = String::new();
    loop {
        match r.read_event().map_err(|e| format!("bad XML: {e}"))? {
            Event::Start(e) => {
                depth += 1;
                if depth == 2 {
                    current = Some(e.name().as_ref().to_string());
                    value.clear();
                }
            }
            Event::End(_) => {
                if depth == 2
                    && let Some(k) = current.take()
                {
                    out.insert(k, value.trim().to_string());
                }
                depth = depth.saturating_sub(1);
            }
            Event::Empty(e) if depth == 1 => {
                out.insert(e.name().as_ref().to_string(), String::new());
            }
            Event::Text(t) if depth == 2 => {
                value.push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) if depth == 2 => {
                if let Ok(Some(c)) = g.resolve_char_ref() {
                    value.push(c);
                } else {
                    value.push_str(match g.into_inner().as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::CData(c) if depth == 2 => value.push_str(&c.into_inner()),
            Event::Eof => break,
            _ => {}
        }
    }
    if out.is_empty() {
        return Err("the XML has no fields".into());
    }
    Ok(out)
}

/// Opens a safe-mode envelope (or returns a plain message as it is).
pub fn open(ctx: &Ctx, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let x = parse_xml(body)?;
    match x.get("Encrypt") {
        None => Ok(x),
        Some(enc) => {
            let key = ctx.cfg.aes_key.as_deref().ok_or("an encrypted message came, but no aes_key is set")?;
            let (plain, receiver) = wechat_crypto::decrypt(key, enc)?;
            if let Some(own) = &ctx.cfg.account_id
                && *own != receiver
            {
                return Err(format!("the message is for {receiver:?}, not this account"));
            }
            parse_xml(&plain)
        }
    }
}

pub fn translate(ctx: &Ctx, body: &[u8], out: &mut Out) -> Result<(), String> {
    let x = open(ctx, body)?;
    message(ctx, &x, out);
    Ok(())
}

/// An OA (or WeCom app) message in its decrypted XML form.
pub fn message(ctx: &Ctx, x: &HashMap<String, String>, out: &mut Out) {
    let get = |k: &str| x.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let kind = get("MsgType").unwrap_or("");
    let (Some(user), Some(ts)) = (get("FromUserName"), get("CreateTime").and_then(|t| t.parse::<i64>().ok())) else {
        out.unknown(format!("a {kind:?} message without FromUserName or CreateTime"));
        return;
    };
    let ts = ts * 1000;
    if kind == "event" {
        out.ignore(format!("{} event", get("Event").unwrap_or("unnamed")));
        return;
    }
    let Some(id) = get("MsgId") else {
        out.unknown(format!("a {kind:?} message without MsgId"));
        return;
    };
    let media = |name: &str| {
        let url = get("PicUrl").map(str::to_string).or_else(|| get("MediaId").map(|m| format!("wechat-media:{m}")));
        attachment(Some(name), None, None, url.as_deref())
    };
    let (text, attachments) = match kind {
        "text" => (get("Content").map(str::to_string), vec![]),
        "image" => (None, vec![media("image")]),
        "voice" => {
            (get("Recognition").map(str::to_string), vec![media(&format!("voice.{}", get("Format").unwrap_or("amr")))])
        }
        "video" | "shortvideo" => (None, vec![media(kind)]),
        "location" => (
            Some(format!(
                "📍 {} ({}, {})",
                get("Label").unwrap_or(""),
                get("Location_X").unwrap_or(""),
                get("Location_Y").unwrap_or("")
            )),
            vec![],
        ),
        "link" => (Some(format!("🔗 {} {}", get("Title").unwrap_or(""), get("Url").unwrap_or(""))), vec![]),
        other => {
            out.unknown(format!("MsgType {other:?}"));
            return;
        }
    };
    let contact = format!("wechat:{user}");
    out.contact(ctx, &contact, None, user);
    let mut extra = Map::new();
    if let Some(a) = get("AgentID") {
        extra.insert("wecom_agent_id".into(), a.into());
    }
    out.message(ctx, Msg { conv: user, id, ts, from: From::Customer { contact: &contact }, text, attachments, extra });
}
