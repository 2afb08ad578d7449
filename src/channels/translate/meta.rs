//! Messenger and Instagram webhooks (channels.md §4, §5): `entry[].messaging[]`
//! (or, from the dashboard's Test button, `entry[].changes[].value`).
//!
//! Conversation key: the customer's page- or Instagram-scoped id (PSID/IGSID).
//! An echo (`is_echo`) is the business's own message: the customer is its recipient.

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, attachment, millis, str_of};

pub fn translate(ctx: &Ctx, body: &Value, out: &mut Out) {
    let Some(entries) = body["entry"].as_array() else {
        out.unknown("no `entry` array");
        return;
    };
    for entry in entries {
        let entry_time = millis(&entry["time"]);
        let items = entry["messaging"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(entry["changes"].as_array().into_iter().flatten().map(|c| &c["value"]));
        for item in items {
            messaging(ctx, item, entry_time, out);
        }
    }
}

fn messaging(ctx: &Ctx, item: &Value, entry_time: Option<i64>, out: &mut Out) {
    let (Some(sender), Some(recipient)) = (str_of(&item["sender"]["id"]), str_of(&item["recipient"]["id"])) else {
        out.unknown("a messaging item without sender or recipient");
        return;
    };
    let Some(ts) = millis(&item["timestamp"]).or(entry_time) else {
        out.unknown("a messaging item without timestamp");
        return;
    };
    let channel = ctx.cfg.kind().channel().as_str();
    if let Some(m) = item.get("message").filter(|m| m.is_object()) {
        let echo = m["is_echo"].as_bool() == Some(true);
        let customer = if echo { &recipient } else { &sender };
        let Some(mid) = str_of(&m["mid"]) else {
            out.unknown("a message without mid");
            return;
        };
        if m["is_deleted"].as_bool() == Some(true) {
            out.delete(ctx, customer, &mid, ts, if echo { "agent" } else { "customer" });
            return;
        }
        let attachments: Vec<Value> = m["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                let kind = a["type"].as_str().unwrap_or("file");
                let name = a["payload"]["title"].as_str().unwrap_or(kind);
                attachment(Some(name), None, None, a["payload"]["url"].as_str())
            })
            .collect();
        let mut extra = Map::new();
        if let Some(r) = str_of(&m["reply_to"]["mid"]) {
            extra.insert("reply_to".into(), r.into());
        }
        if let Some(p) = m["quick_reply"]["payload"].as_str() {
            extra.insert("quick_reply".into(), p.into());
        }
        if m["is_unsupported"].as_bool() == Some(true) {
            extra.insert("unsupported".into(), "unsupported message".into());
        }
        let contact = format!("{channel}:{customer}");
        let from = if echo {
            From::Business
        } else {
            out.contact(ctx, &contact, None, customer);
            From::Customer { contact: &contact }
        };
        let text = m["text"].as_str().map(str::to_string);
        out.message(ctx, Msg { conv: customer, id: &mid, ts, from, text, attachments, extra });
    } else if let Some(e) = item.get("message_edit").filter(|e| e.is_object()) {
        match str_of(&e["mid"]) {
            Some(mid) => out.edit(ctx, &sender, &mid, ts, e["text"].as_str().map(str::to_string)),
            None => out.unknown("a message_edit without mid"),
        }
    } else if let Some(d) = item.get("delivery").filter(|d| d.is_object()) {
        let mids: Vec<String> = d["mids"].as_array().into_iter().flatten().filter_map(str_of).collect();
        if mids.is_empty() {
            let at = millis(&d["watermark"]).unwrap_or(ts);
            out.status(ctx, &sender, None, at, "delivered");
        }
        for mid in mids {
            out.status(ctx, &sender, Some(&mid), ts, "delivered");
        }
    } else if let Some(r) = item.get("read").filter(|r| r.is_object()) {
        // Messenger: a watermark (everything up to it); Instagram: the last message seen.
        match str_of(&r["mid"]) {
            Some(mid) => out.status(ctx, &sender, Some(&mid), ts, "read"),
            None => out.status(ctx, &sender, None, millis(&r["watermark"]).unwrap_or(ts), "read"),
        }
    } else if let Some(p) = item.get("postback").filter(|p| p.is_object()) {
        // A button the customer pressed: it is their turn in the conversation.
        let id = str_of(&p["mid"]).unwrap_or_else(|| format!("postback-{ts}"));
        let contact = format!("{channel}:{sender}");
        let text = p["title"].as_str().or(p["payload"].as_str()).map(str::to_string);
        let mut extra = Map::new();
        extra.insert("postback".into(), p["payload"].clone());
        out.message(
            ctx,
            Msg {
                conv: &sender,
                id: &id,
                ts,
                from: From::Customer { contact: &contact },
                text,
                attachments: vec![],
                extra,
            },
        );
    } else if item.get("reaction").is_some() {
        out.ignore(format!("reaction {}", item["reaction"]["emoji"]));
    } else if let Some(k) =
        ["optin", "referral", "account_linking", "policy_enforcement"].iter().find(|k| item.get(**k).is_some())
    {
        out.ignore(format!("{k} notice"));
    } else {
        let keys: Vec<&str> = item.as_object().into_iter().flat_map(|o| o.keys().map(String::as_str)).collect();
        out.unknown(format!("a messaging item with {}", keys.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::config::{ChannelConfig, Kind};
    use serde_json::json;

    /// Instagram's shapes as channels.md §5 describes them (no published sample is in the fixtures).
    #[test]
    fn instagram_unsend_seen_echo_and_the_dashboard_test_form() {
        let cfg = ChannelConfig { id: "ig".into(), kind: Some(Kind::Instagram), ..Default::default() };
        let ctx = Ctx { cfg: &cfg, seq: 1, received: 0 };
        let body = json!({"object": "instagram", "entry": [{"id": "IGID", "time": 1733300000000i64, "messaging": [
            {"sender": {"id": "IGSID1"}, "recipient": {"id": "IGID"}, "timestamp": 1733300000000i64, "message": {"mid": "aWdf1", "text": "oi"}},
            {"sender": {"id": "IGID"}, "recipient": {"id": "IGSID1"}, "timestamp": 1733300001000i64, "message": {"mid": "aWdf2", "text": "Olá!", "is_echo": true}},
            {"sender": {"id": "IGSID1"}, "recipient": {"id": "IGID"}, "timestamp": 1733300002000i64, "message": {"mid": "aWdf1", "is_deleted": true}},
            {"sender": {"id": "IGSID1"}, "recipient": {"id": "IGID"}, "timestamp": 1733300003000i64, "read": {"mid": "aWdf2"}}
        ]}, {"id": "IGID", "time": 1733300004000i64, "changes": [{"field": "messages", "value":
            {"sender": {"id": "IGSID2"}, "recipient": {"id": "IGID"}, "timestamp": "1733300004000", "message": {"mid": "aWdf3", "text": "test"}}}]}]});
        let mut out = Out::default();
        translate(&ctx, &body, &mut out);
        let kinds: Vec<(String, String)> = out
            .records
            .iter()
            .map(|r| (r["type"].as_str().unwrap().to_string(), r["conversation"].as_str().unwrap_or("").to_string()))
            .collect();
        let want = [
            ("contact", ""),
            ("message", "ig:IGSID1"),
            ("message", "ig:IGSID1"),
            ("delete", "ig:IGSID1"),
            ("status", "ig:IGSID1"),
            ("contact", ""),
            ("message", "ig:IGSID2"),
        ];
        assert_eq!(kinds, want.map(|(a, b)| (a.to_string(), b.to_string())));
        assert_eq!(out.records[2]["sender"], "agent");
        assert_eq!(out.records[2]["agent"], "ig-app");
        assert_eq!(out.records[3]["by"], "customer");
        assert_eq!(
            (out.records[4]["message"].as_str(), out.records[4]["status"].as_str()),
            (Some("aWdf2"), Some("read"))
        );
        assert_eq!(out.records[1]["channel"], "instagram");
        assert!(out.unknown.is_empty(), "{:?}", out.unknown);
    }
}
