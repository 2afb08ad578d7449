//! WhatsApp Business Cloud API webhooks (channels.md §2).
//!
//! Conversation key: the customer's `wa_id`. Messages, edits and revokes of
//! the customer; echoes (`smb_message_echoes`) of the business's own app;
//! statuses of the messages sent to the customer.

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, attachment, secs, str_of};

pub fn translate(ctx: &Ctx, body: &Value, out: &mut Out) {
    let Some(entries) = body["entry"].as_array() else {
        out.unknown("no `entry` array");
        return;
    };
    for entry in entries {
        for change in entry["changes"].as_array().into_iter().flatten() {
            let field = change["field"].as_str().unwrap_or("");
            let value = &change["value"];
            match field {
                "messages" => change_messages(ctx, value, out),
                "smb_message_echoes" => {
                    for echo in value["message_echoes"].as_array().into_iter().flatten() {
                        echo_message(ctx, value, echo, out);
                    }
                }
                other => out.unknown(format!("change field {other:?}")),
            }
        }
    }
}

fn change_messages(ctx: &Ctx, value: &Value, out: &mut Out) {
    let names: Vec<(String, Option<String>)> = value["contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| Some((str_of(&c["wa_id"])?, c["profile"]["name"].as_str().map(str::to_string))))
        .collect();
    for m in value["messages"].as_array().into_iter().flatten() {
        let Some(from) = str_of(&m["from"]) else {
            out.unknown("a message without `from`");
            continue;
        };
        let name = names.iter().find(|(id, _)| *id == from).and_then(|(_, n)| n.as_deref());
        customer_message(ctx, &from, name, m, out);
    }
    for s in value["statuses"].as_array().into_iter().flatten() {
        let (Some(id), Some(to), Some(ts)) = (str_of(&s["id"]), str_of(&s["recipient_id"]), secs(&s["timestamp"]))
        else {
            out.unknown("a status without id, recipient_id or timestamp");
            continue;
        };
        match s["status"].as_str() {
            Some(st @ ("sent" | "delivered" | "read" | "played" | "failed")) => out.status(ctx, &to, Some(&id), ts, st),
            other => out.unknown(format!("status {other:?}")),
        }
    }
    if value["messages"].is_null() && value["statuses"].is_null() {
        out.unknown("a `messages` change with neither messages nor statuses");
    }
}

fn customer_message(ctx: &Ctx, from: &str, name: Option<&str>, m: &Value, out: &mut Out) {
    let (Some(id), Some(ts)) = (str_of(&m["id"]), secs(&m["timestamp"])) else {
        out.unknown("a message without id or timestamp");
        return;
    };
    let contact = format!("whatsapp:{from}");
    let kind = m["type"].as_str().unwrap_or("");
    match kind {
        "revoke" => match str_of(&m["revoke"]["original_message_id"]) {
            Some(orig) => out.delete(ctx, from, &orig, ts, "customer"),
            None => out.unknown("a revoke without original_message_id"),
        },
        "edit" => match str_of(&m["edit"]["original_message_id"]) {
            Some(orig) => out.edit(ctx, from, &orig, ts, content(&m["edit"]["message"]).0),
            None => out.unknown("an edit without original_message_id"),
        },
        "reaction" => out.ignore(format!("reaction {} to {}", m["reaction"]["emoji"], m["reaction"]["message_id"])),
        "system" => out.ignore(format!("system notice: {}", m["system"]["body"].as_str().unwrap_or(""))),
        "request_welcome" => out.ignore("request_welcome"),
        _ => {
            out.contact(ctx, &contact, name, from);
            let (text, attachments) = content(m);
            let mut extra = context_extra(m);
            if kind == "unsupported" {
                let why = m["errors"][0]["title"].as_str().unwrap_or("unsupported message");
                extra.insert("unsupported".into(), why.into());
            }
            out.message(
                ctx,
                Msg { conv: from, id: &id, ts, from: From::Customer { contact: &contact }, text, attachments, extra },
            );
        }
    }
}

fn echo_message(ctx: &Ctx, value: &Value, e: &Value, out: &mut Out) {
    // The customer is whichever side is not the business's own number (the
    // published samples are not consistent about which of from/to that is).
    let own = str_of(&value["metadata"]["display_phone_number"]);
    let (from, to) = (str_of(&e["from"]), str_of(&e["to"]));
    let customer = if to.is_some() && to == own { from } else { to };
    let (Some(customer), Some(id), Some(ts)) = (customer, str_of(&e["id"]), secs(&e["timestamp"])) else {
        out.unknown("an echo without from/to, id or timestamp");
        return;
    };
    match e["type"].as_str().unwrap_or("") {
        "revoke" => match str_of(&e["revoke"]["original_message_id"]) {
            Some(orig) => out.delete(ctx, &customer, &orig, ts, "agent"),
            None => out.unknown("an echo revoke without original_message_id"),
        },
        "edit" => match str_of(&e["edit"]["original_message_id"]) {
            Some(orig) => out.edit(ctx, &customer, &orig, ts, content(&e["edit"]["message"]).0),
            None => out.unknown("an echo edit without original_message_id"),
        },
        _ => {
            let (text, attachments) = content(e);
            let extra = context_extra(e);
            out.message(ctx, Msg { conv: &customer, id: &id, ts, from: From::Business, text, attachments, extra });
        }
    }
}

/// The text and attachments of a message object of any type.
fn content(m: &Value) -> (Option<String>, Vec<Value>) {
    let kind = m["type"].as_str().unwrap_or("");
    let part = &m[kind];
    match kind {
        "text" => (part["body"].as_str().map(str::to_string), vec![]),
        "image" | "video" | "audio" | "document" | "sticker" => {
            let name = part["filename"].as_str().map(str::to_string).unwrap_or_else(|| {
                if kind == "audio" && part["voice"].as_bool() == Some(true) { "voice".into() } else { kind.into() }
            });
            // Media without a URL is fetched by id (GET /{media-id}); keep the id as a reference.
            let url = part["url"]
                .as_str()
                .map(str::to_string)
                .or_else(|| str_of(&part["id"]).map(|i| format!("whatsapp-media:{i}")));
            let a = attachment(Some(&name), part["mime_type"].as_str(), None, url.as_deref());
            (part["caption"].as_str().map(str::to_string), vec![a])
        }
        "location" => {
            let place =
                [part["name"].as_str(), part["address"].as_str()].into_iter().flatten().collect::<Vec<_>>().join(", ");
            let coords = format!("{}, {}", part["latitude"], part["longitude"]);
            (Some(if place.is_empty() { format!("📍 {coords}") } else { format!("📍 {place} ({coords})") }), vec![])
        }
        "contacts" => {
            let list: Vec<String> = part
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let name = c["name"]["formatted_name"].as_str().unwrap_or("");
                    let phones: Vec<&str> =
                        c["phones"].as_array().into_iter().flatten().filter_map(|p| p["phone"].as_str()).collect();
                    format!("{name} {}", phones.join(" ")).trim().to_string()
                })
                .collect();
            (Some(format!("👤 {}", list.join("; "))), vec![])
        }
        "button" => (part["text"].as_str().map(str::to_string), vec![]),
        "interactive" => {
            let r = if part["button_reply"].is_object() { &part["button_reply"] } else { &part["list_reply"] };
            (r["title"].as_str().map(str::to_string), vec![])
        }
        "order" => {
            let n = part["product_items"].as_array().map_or(0, Vec::len);
            let t = part["text"].as_str().filter(|t| !t.is_empty()).map(|t| format!(": {t}")).unwrap_or_default();
            (Some(format!("🛒 order of {n} item(s){t}")), vec![])
        }
        _ => (None, vec![]),
    }
}

/// Reply and forwarding context, kept as unknown fields of the message.
fn context_extra(m: &Value) -> Map<String, Value> {
    let mut x = Map::new();
    let c = &m["context"];
    if let Some(id) = str_of(&c["id"]) {
        x.insert("reply_to".into(), id.into());
    }
    if c["forwarded"].as_bool() == Some(true) || c["frequently_forwarded"].as_bool() == Some(true) {
        x.insert("forwarded".into(), true.into());
    }
    if m["referral"].is_object() {
        x.insert("referral".into(), m["referral"].clone());
    }
    x
}
