//! LINE Messaging API webhooks (channels.md §6).
//!
//! Conversation key: the group, room or user id (in that order). Messages,
//! `messageEdited` and `unsend` become events; the console's "Verify" POST
//! (no events) is acknowledged and changes nothing.

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, attachment, millis, str_of};

pub fn translate(ctx: &Ctx, body: &Value, out: &mut Out) {
    let Some(events) = body["events"].as_array() else {
        out.unknown("no `events` array");
        return;
    };
    if events.is_empty() {
        out.ignore("the console's verification request (no events)");
    }
    for ev in events {
        event(ctx, ev, out);
    }
}

fn event(ctx: &Ctx, ev: &Value, out: &mut Out) {
    let src = &ev["source"];
    let key = str_of(&src["groupId"]).or_else(|| str_of(&src["roomId"])).or_else(|| str_of(&src["userId"]));
    let ty = ev["type"].as_str().unwrap_or("");
    let (Some(key), Some(ts)) = (key, millis(&ev["timestamp"])) else {
        out.unknown(format!("a {ty:?} event without source or timestamp"));
        return;
    };
    let user = str_of(&src["userId"]);
    match ty {
        "message" => {
            let m = &ev["message"];
            let Some(id) = str_of(&m["id"]) else {
                out.unknown("a message without id");
                return;
            };
            // In a group, a message without a userId is from someone who has not added the bot.
            let contact = user.as_ref().map(|u| format!("line:{u}")).unwrap_or_default();
            if let Some(u) = &user {
                out.contact(ctx, &contact, None, u);
            }
            let (text, attachments) = content(m, &id);
            let mut extra = Map::new();
            if let Some(q) = str_of(&m["quotedMessageId"]) {
                extra.insert("reply_to".into(), q.into());
            }
            if let Some(t) = ev["replyToken"].as_str() {
                // Replying with it is free (within about a minute); kept for the reply path.
                extra.insert("reply_token".into(), t.into());
            }
            out.message(
                ctx,
                Msg { conv: &key, id: &id, ts, from: From::Customer { contact: &contact }, text, attachments, extra },
            );
        }
        "messageEdited" => match str_of(&ev["message"]["id"]) {
            Some(id) => out.edit(ctx, &key, &id, ts, content(&ev["message"], &id).0),
            None => out.unknown("a messageEdited without message id"),
        },
        "unsend" => match str_of(&ev["unsend"]["messageId"]) {
            Some(id) => out.delete(ctx, &key, &id, ts, "customer"),
            None => out.unknown("an unsend without messageId"),
        },
        "follow" | "unfollow" | "join" | "leave" | "memberJoined" | "memberLeft" | "postback" | "beacon"
        | "accountLink" | "videoPlayComplete" | "things" | "membership" => out.ignore(format!("{ty} event")),
        other => out.unknown(format!("event type {other:?}")),
    }
}

fn content(m: &Value, id: &str) -> (Option<String>, Vec<Value>) {
    let kind = m["type"].as_str().unwrap_or("");
    match kind {
        "text" => (m["text"].as_str().map(str::to_string), vec![]),
        "image" | "video" | "audio" | "file" => {
            let url = match m["contentProvider"]["type"].as_str() {
                Some("external") => m["contentProvider"]["originalContentUrl"].as_str().map(str::to_string),
                // Content held by LINE: GET https://api-data.line.me/v2/bot/message/{id}/content.
                _ => Some(format!("line-content:{id}")),
            };
            let name = m["fileName"].as_str().unwrap_or(kind);
            let size = m["fileSize"].as_u64();
            (None, vec![attachment(Some(name), None, size, url.as_deref())])
        }
        "location" => {
            let place =
                [m["title"].as_str(), m["address"].as_str()].into_iter().flatten().collect::<Vec<_>>().join(", ");
            (Some(format!("📍 {place} ({}, {})", m["latitude"], m["longitude"])), vec![])
        }
        "sticker" => {
            let words: Vec<&str> =
                m["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).take(3).collect();
            (Some(format!("[sticker {}]", words.join(" ")).replace(" ]", "]")), vec![])
        }
        _ => (None, vec![]),
    }
}
