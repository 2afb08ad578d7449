//! Messages from the web chat widget (stored in the inbox as the widget sent them).
//!
//! Conversation key: the visitor key (a hash of the visitor's cookie, never the cookie itself).

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, millis};

pub fn translate(ctx: &Ctx, v: &Value, out: &mut Out) {
    let (Some(key), Some(id), Some(ts)) = (v["visitor_key"].as_str(), v["id"].as_str(), millis(&v["ts"])) else {
        out.unknown("a widget message without visitor_key, id or ts");
        return;
    };
    let contact = format!("webchat:{key}");
    let name = v["name"].as_str().filter(|n| !n.trim().is_empty());
    out.contact(ctx, &contact, name, key);
    let mut extra = Map::new();
    if let Some(p) = v["page"].as_str() {
        extra.insert("page".into(), p.into());
    }
    let text = v["text"].as_str().map(str::to_string);
    out.message(
        ctx,
        Msg { conv: key, id, ts, from: From::Customer { contact: &contact }, text, attachments: vec![], extra },
    );
}
