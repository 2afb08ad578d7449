//! Telegram Bot API updates (channels.md §3).
//!
//! Conversation key: the chat id (and the forum topic, when there is one).
//! `message_id` is unique only within a chat, which the key already scopes.

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, attachment, secs, str_of};

pub fn translate(ctx: &Ctx, u: &Value, out: &mut Out) {
    if let Some(m) = first(u, &["message", "channel_post", "business_message"]) {
        message(ctx, m, out);
    } else if let Some(m) = first(u, &["edited_message", "edited_channel_post", "edited_business_message"]) {
        let (Some(key), Some(id)) = (chat_key(m), str_of(&m["message_id"])) else {
            out.unknown("an edited message without chat or message_id");
            return;
        };
        let ts = secs(&m["edit_date"]).or_else(|| secs(&m["date"])).unwrap_or(ctx.received);
        out.edit(ctx, &key, &id, ts, content(m).0);
    } else if let Some(d) = u.get("deleted_business_messages").filter(|d| d.is_object()) {
        // No author and no time in the update: recorded as deleted by the system, when received.
        let Some(key) = str_of(&d["chat"]["id"]) else {
            out.unknown("deleted_business_messages without chat");
            return;
        };
        for id in d["message_ids"].as_array().into_iter().flatten().filter_map(str_of) {
            out.delete(ctx, &key, &id, ctx.received, "system");
        }
    } else if u.get("callback_query").is_some() {
        out.ignore(format!("callback query (button press): {}", u["callback_query"]["data"]));
    } else if let Some(k) = [
        "message_reaction",
        "message_reaction_count",
        "my_chat_member",
        "chat_member",
        "business_connection",
        "inline_query",
        "chosen_inline_result",
        "poll",
        "poll_answer",
        "chat_join_request",
    ]
    .iter()
    .find(|k| u.get(**k).is_some())
    {
        out.ignore(format!("{k} update"));
    } else {
        let keys: Vec<&str> = u.as_object().into_iter().flat_map(|o| o.keys().map(String::as_str)).collect();
        out.unknown(format!("an update with {}", keys.join(", ")));
    }
}

fn first<'a>(u: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| u.get(*k).filter(|m| m.is_object()))
}

fn chat_key(m: &Value) -> Option<String> {
    let chat = str_of(&m["chat"]["id"])?;
    Some(match str_of(&m["message_thread_id"]) {
        Some(t) if m["is_topic_message"].as_bool() == Some(true) => format!("{chat}:{t}"),
        _ => chat,
    })
}

fn message(ctx: &Ctx, m: &Value, out: &mut Out) {
    let (Some(key), Some(id), Some(ts)) = (chat_key(m), str_of(&m["message_id"]), secs(&m["date"])) else {
        out.unknown("a message without chat, message_id or date");
        return;
    };
    let user = str_of(&m["from"]["id"]);
    // In a private chat the customer's user id is the chat id; a business message
    // from anyone else there is the business answering from its own app.
    let private = m["chat"]["type"].as_str().unwrap_or("private") == "private";
    let own = m["from"]["is_bot"].as_bool() == Some(true)
        || (private && user.is_some() && user != str_of(&m["chat"]["id"]) && m.get("business_connection_id").is_some());
    let (text, attachments) = content(m);
    let mut extra = Map::new();
    if let Some(r) = str_of(&m["reply_to_message"]["message_id"]) {
        extra.insert("reply_to".into(), r.into());
    }
    if m.get("forward_origin").is_some() || m.get("forward_from").is_some() || m.get("forward_date").is_some() {
        extra.insert("forwarded".into(), true.into());
    }
    let contact = format!("telegram:{}", user.as_deref().unwrap_or(&key));
    let from = if own {
        From::Business
    } else {
        let f = &m["from"];
        let name =
            [f["first_name"].as_str(), f["last_name"].as_str()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        let handle = f["username"].as_str().map(|u| format!("@{u}")).or_else(|| user.clone()).unwrap_or_default();
        out.contact(ctx, &contact, Some(&name), &handle);
        From::Customer { contact: &contact }
    };
    out.message(ctx, Msg { conv: &key, id: &id, ts, from, text, attachments, extra });
}

fn content(m: &Value) -> (Option<String>, Vec<Value>) {
    let text = m["text"].as_str().or(m["caption"].as_str()).map(str::to_string);
    let mut files = Vec::new();
    // Files are fetched with getFile(file_id); the id is kept as the reference.
    let file = |kind: &str, f: &Value| {
        let url = str_of(&f["file_id"]).map(|i| format!("telegram-file:{i}"));
        attachment(
            Some(f["file_name"].as_str().unwrap_or(kind)),
            f["mime_type"].as_str(),
            f["file_size"].as_u64(),
            url.as_deref(),
        )
    };
    for kind in ["document", "voice", "audio", "video", "video_note", "sticker", "animation"] {
        if m[kind].is_object() {
            files.push(file(kind, &m[kind]));
        }
    }
    if let Some(largest) = m["photo"].as_array().and_then(|p| p.last()) {
        files.push(file("photo", largest));
    }
    let text = text.or_else(|| {
        if m["location"].is_object() {
            Some(format!("📍 {}, {}", m["location"]["latitude"], m["location"]["longitude"]))
        } else if m["contact"].is_object() {
            Some(format!(
                "👤 {} {}",
                m["contact"]["first_name"].as_str().unwrap_or(""),
                m["contact"]["phone_number"].as_str().unwrap_or("")
            ))
        } else {
            None
        }
    });
    (text, files)
}
