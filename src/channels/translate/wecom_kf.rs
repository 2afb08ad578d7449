//! WeCom customer service (微信客服) and other WeCom callbacks (channels.md §7).
//!
//! The `kf_msg_or_event` callback carries no message: it tells chatledger to
//! pull with `sync_msg`. Each pulled page is stored in the inbox as it came
//! (`kf_sync`) and translated here. Conversation key: `{open_kfid}:{external_userid}`.

use serde_json::{Map, Value};

use super::{Ctx, From, Msg, Out, attachment, secs, str_of};

/// A pull `sync_msg` must make after a callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Pull {
    pub token: String,
    pub open_kfid: String,
}

pub fn translate_callback(ctx: &Ctx, body: &[u8], out: &mut Out) -> Result<(), String> {
    let x = super::wechat::open(ctx, body)?;
    let get = |k: &str| x.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match (get("Event"), get("InfoType"), get("MsgType")) {
        (Some("kf_msg_or_event"), _, _) => match (get("Token"), get("OpenKfId")) {
            (Some(t), Some(k)) => {
                out.pulls.push(Pull { token: t.into(), open_kfid: k.into() });
                out.ignore(format!("kf_msg_or_event for {k}: messages are pulled with sync_msg"));
            }
            _ => out.unknown("kf_msg_or_event without Token or OpenKfId"),
        },
        (_, Some("change_external_contact") | Some("change_external_chat"), _)
        | (Some("change_external_contact") | Some("change_external_chat"), _, _) => out.ignore(format!(
            "{} by {} for {} (an event without message content)",
            get("ChangeType").unwrap_or("change"),
            get("UserID").unwrap_or("?"),
            get("ExternalUserID").unwrap_or("?")
        )),
        (_, Some("conversation_new_message"), _) | (Some("msgaudit_notify"), _, _) => out.ignore(
            "conversation archive notice: the archive is read with WeCom's native SDK, which chatledger does not include",
        ),
        (_, _, Some(k)) if k != "event" => super::wechat::message(ctx, &x, out),
        (e, i, _) => out.unknown(format!("WeCom callback Event={e:?} InfoType={i:?}")),
    }
    Ok(())
}

/// One `sync_msg` response page.
pub fn translate_sync(ctx: &Ctx, page: &Value, out: &mut Out) {
    if page["errcode"].as_i64().unwrap_or(0) != 0 {
        out.unknown(format!("sync_msg error {}: {}", page["errcode"], page["errmsg"]));
        return;
    }
    for m in page["msg_list"].as_array().into_iter().flatten() {
        item(ctx, m, out);
    }
}

fn item(ctx: &Ctx, m: &Value, out: &mut Out) {
    let kind = m["msgtype"].as_str().unwrap_or("");
    if kind == "event" {
        let e = &m["event"];
        let key = match (str_of(&e["open_kfid"]), str_of(&e["external_userid"])) {
            (Some(k), Some(u)) => format!("{k}:{u}"),
            _ => {
                out.unknown("a kf event without open_kfid or external_userid");
                return;
            }
        };
        let ts = secs(&m["send_time"]).unwrap_or(ctx.received);
        match (e["event_type"].as_str().unwrap_or(""), str_of(&e["recall_msgid"])) {
            ("user_recall_msg", Some(id)) => out.delete(ctx, &key, &id, ts, "customer"),
            ("servicer_recall_msg", Some(id)) => out.delete(ctx, &key, &id, ts, "agent"),
            (t, _) => out.ignore(format!("kf event {t}")),
        }
        return;
    }
    let (Some(id), Some(kf), Some(user), Some(ts)) =
        (str_of(&m["msgid"]), str_of(&m["open_kfid"]), str_of(&m["external_userid"]), secs(&m["send_time"]))
    else {
        out.unknown(format!("a {kind:?} kf message without msgid, open_kfid, external_userid or send_time"));
        return;
    };
    let key = format!("{kf}:{user}");
    let part = &m[kind];
    let media = |name: &str| {
        let url = str_of(&part["media_id"]).map(|i| format!("wecom-media:{i}"));
        vec![attachment(Some(name), None, None, url.as_deref())]
    };
    let (text, attachments) = match kind {
        "text" => (part["content"].as_str().map(str::to_string), vec![]),
        "image" | "voice" | "video" | "file" => (None, media(kind)),
        "location" => (
            Some(format!(
                "📍 {} {} ({}, {})",
                part["name"].as_str().unwrap_or(""),
                part["address"].as_str().unwrap_or(""),
                part["latitude"],
                part["longitude"]
            )),
            vec![],
        ),
        "link" => (
            Some(format!("🔗 {} {}", part["title"].as_str().unwrap_or(""), part["url"].as_str().unwrap_or(""))),
            vec![],
        ),
        "business_card" => (Some(format!("👤 {}", part["userid"].as_str().unwrap_or(""))), vec![]),
        "miniprogram" => (Some(format!("▶ {}", part["title"].as_str().unwrap_or(""))), vec![]),
        "channels_shop_product" => (Some(format!("🛒 {}", part["title"].as_str().unwrap_or(""))), vec![]),
        "channels_shop_order" => (
            Some(format!(
                "🛒 order {} {}",
                part["order_id"].as_str().unwrap_or(""),
                part["product_titles"].as_str().unwrap_or("")
            )),
            vec![],
        ),
        "channels" => (Some(format!("▶ {}", part["title"].as_str().unwrap_or(""))), vec![]),
        "msgmenu" => (part["head_content"].as_str().map(str::to_string), vec![]),
        other => {
            out.unknown(format!("kf msgtype {other:?}"));
            return;
        }
    };
    let contact = format!("wechat:{user}");
    let mut extra = Map::new();
    extra.insert("open_kfid".into(), kf.into());
    // origin: 3 the customer, 4 the system, 5 a servicer (agent) in WeCom.
    match m["origin"].as_i64() {
        Some(5) => {
            let servicer = str_of(&m["servicer_userid"]);
            let from = servicer.as_deref().map_or(From::Business, From::Agent);
            out.message(ctx, Msg { conv: &key, id: &id, ts, from, text, attachments, extra });
        }
        Some(4) => out.ignore(format!("system message {id}")),
        _ => {
            out.contact(ctx, &contact, None, &user);
            out.message(
                ctx,
                Msg { conv: &key, id: &id, ts, from: From::Customer { contact: &contact }, text, attachments, extra },
            );
        }
    }
}
