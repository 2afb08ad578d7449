//! Table-driven: every published payload in tests/fixtures/channels (copied
//! from ../shared/fixtures/channels, see its SOURCES.md) goes through its
//! adapter, and what it becomes is compared with tests/fixtures/channel_events.txt,
//! a file written and checked by hand: one `## file#case` section per example.
//!
//! `CHATLEDGER_PRINT_CHANNEL_EVENTS=1` prints what the adapters produce now.

use std::collections::BTreeMap;

use chatledger::channels::config::{ChannelConfig, Kind};
use chatledger::channels::translate::{self, email::split_mbox};
use chatledger::channels::wechat_crypto;
use chatledger::store::inbox::InboxItem;
use serde_json::Value;

use crate::common::fixture;

fn cfg(kind: Kind) -> ChannelConfig {
    ChannelConfig {
        id: "ch".into(),
        kind: Some(kind),
        secret: Some("s".into()),
        account_id: Some("support@example.com".into()),
        ..Default::default()
    }
}

/// One line per event: what a reader of the transcript would check.
fn summary(v: &Value) -> String {
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let extra: Vec<&str> = v
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| {
            ![
                "type",
                "conversation",
                "ts",
                "via",
                "inbox",
                "id",
                "channel",
                "sender",
                "agent",
                "contact",
                "text",
                "attachments",
                "message",
                "by",
                "status",
                "name",
                "handles",
            ]
            .contains(k)
        })
        .collect();
    let extra = if extra.is_empty() { String::new() } else { format!(" +{}", extra.join(",")) };
    match s("type").as_str() {
        "message" => {
            let who = match s("sender").as_str() {
                "agent" => format!("agent:{}", s("agent")),
                _ => format!("customer:{}", s("contact")),
            };
            let atts: Vec<String> = v["attachments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    format!(
                        "[{}|{}|{}]",
                        a["name"].as_str().unwrap_or(""),
                        a["mime"].as_str().unwrap_or(""),
                        a["url"].as_str().unwrap_or("")
                    )
                })
                .collect();
            let subject = v["subject"].as_str().map(|s| format!(" subject={s:?}")).unwrap_or_default();
            let mut line =
                format!("message {} {} {} {} {:?}", s("conversation"), s("channel"), s("id"), who, s("text"));
            for a in atts {
                line += &format!(" {a}");
            }
            format!("{line}{subject}{extra} @{}", s("ts"))
        }
        "edit" => format!("edit {} {} {:?} @{}", s("conversation"), s("message"), s("text"), s("ts")),
        "delete" => format!("delete {} {} by:{} @{}", s("conversation"), s("message"), s("by"), s("ts")),
        "status" => format!(
            "status {} {} {} @{}",
            s("conversation"),
            v["message"].as_str().unwrap_or("*"),
            s("status"),
            s("ts")
        ),
        "contact" => format!("contact {} {:?} {}", s("id"), s("name"), v["handles"]),
        other => format!("?? {other}"),
    }
}

fn run(kind: Kind, item_kind: &str, body: &[u8]) -> Vec<String> {
    let item =
        InboxItem { instance: "ch".into(), kind: item_kind.into(), received: 1_700_000_000_000, body: body.to_vec() };
    match translate::translate(&cfg(kind), 7, &item) {
        Err(e) => vec![format!("error {e}")],
        Ok(out) => {
            let mut lines: Vec<String> = out.records.iter().map(summary).collect();
            lines.extend(out.ignored.iter().map(|i| format!("ignored {i}")));
            lines.extend(out.unknown.iter().map(|u| format!("unknown {u}")));
            lines.extend(out.pulls.iter().map(|p| format!("pull {} {}", p.open_kfid, p.token)));
            lines
        }
    }
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("channels/{path}"))).unwrap()
}

/// The examples: `file#case` → payload and adapter.
fn cases() -> Vec<(String, Kind, &'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for (file, kind) in [
        ("whatsapp/pywa_message.json", Kind::Whatsapp),
        ("whatsapp/pywa_message_status.json", Kind::Whatsapp),
        ("whatsapp/pywa_deleted_message_revoke.json", Kind::Whatsapp),
        ("whatsapp/pywa_edited_message.json", Kind::Whatsapp),
        ("whatsapp/pywa_outgoing_message_smb_echoes.json", Kind::Whatsapp),
        ("whatsapp/pywa_system.json", Kind::Whatsapp),
    ] {
        // Each file is an object of named webhook bodies.
        let named: serde_json::Map<String, Value> = serde_json::from_slice(&read(file)).unwrap();
        for (case, body) in named {
            out.push((format!("{file}#{case}"), kind, "webhook", serde_json::to_vec(&body).unwrap()));
        }
    }
    for file in [
        "messenger/fbmessenger-api-hs_wsTextMessageRequest.json",
        "messenger/fbmessenger-api-hs_wsStructuredMessageRequest_image.json",
        "messenger/fbmessenger-api-hs_wsDeliveryRequest.json",
    ] {
        out.push((file.into(), Kind::Messenger, "webhook", read(file)));
    }
    // Meta's single `messaging` items, wrapped in the POST body they arrive in.
    for file in [
        "messenger/doc_message_echoes_text.json",
        "messenger/doc_message_reads.json",
        "messenger/doc_messages_reply_to.json",
        "messenger/doc_messages_text_quick_reply.json",
        "messenger/doc_message_edits.jsonc",
    ] {
        let mut text = String::from_utf8(read(file)).unwrap();
        if file.ends_with(".jsonc") {
            // As published it is not JSON: a trailing comma and "<INT>" for an integer.
            text = text.replace("\"<INT>\",", "1");
        }
        let item: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let body = serde_json::json!({"object": "page", "entry": [{"id": "PAGE", "time": 1458668856463i64, "messaging": [item]}]});
        out.push((file.into(), Kind::Messenger, "webhook", serde_json::to_vec(&body).unwrap()));
    }
    for file in [
        "telegram/doc_callback_query.json",
        "telegram/doc_edited_message.json",
        "telegram/doc_message_document.json",
        "telegram/doc_message_forwarded.json",
        "telegram/doc_message_reply.json",
        "telegram/doc_message_text.json",
        "telegram/doc_message_voice.json",
    ] {
        out.push((file.into(), Kind::Telegram, "webhook", read(file)));
    }
    // LINE bodies hold ~27 events each; one case per event.
    for file in
        ["line/line-bot-sdk-python_tests_text_webhook.json", "line/line-bot-sdk-python_tests_v3_text_webhook.json"]
    {
        let body: Value = serde_json::from_slice(&read(file)).unwrap();
        for (i, ev) in body["events"].as_array().unwrap().iter().enumerate() {
            let one = serde_json::json!({"destination": body["destination"], "events": [ev]});
            out.push((format!("{file}#{i}"), Kind::Line, "webhook", serde_json::to_vec(&one).unwrap()));
        }
    }
    for file in ["wechat/oa_TextMessageEvent.xml", "wechat/oa_ImageMessageEvent.xml", "wechat/oa_VoiceMessageEvent.xml"]
    {
        out.push((file.into(), Kind::Wechat, "webhook", read(file)));
    }
    for file in [
        "wechat/wecom_app_TextMessageEvent.xml",
        "wechat/wecom_kf_KfMessageEvent.xml",
        "wechat/wecom_externalcontact_ChangeExternalContactEvent.AddExternalContact.xml",
        "wechat/wecom_chatarchive_ConversationNewMessageEvent.xml",
    ] {
        out.push((file.into(), Kind::WecomKf, "webhook", read(file)));
    }
    out.push((
        "wechat/wecom_kf_CgibinKfSyncMessageResponse.json".into(),
        Kind::WecomKf,
        "kf_sync",
        read("wechat/wecom_kf_CgibinKfSyncMessageResponse.json"),
    ));
    for file in [
        "email/mikel-mail_rfc2822_example05_original.eml",
        "email/mikel-mail_rfc2822_example06_reply.eml",
        "email/mikel-mail_rfc2822_example07_reply_to_reply.eml",
        "email/mikel-mail_multi_charset_japanese.eml",
        "email/mikel-mail_multi_charset_japanese_attachment.eml",
        "email/flanker_charset-gb2312.eml",
        "email/stalwart-mail-parser_rfc_000_multipart_example.eml",
        "email/chatwoot_references.eml",
    ] {
        out.push((file.into(), Kind::Email, "email", read(file)));
    }
    for (i, m) in split_mbox(&read("email/cpython_mailbox_01.mbox")).into_iter().enumerate() {
        out.push((format!("email/cpython_mailbox_01.mbox#{i}"), Kind::Email, "email", m.to_vec()));
    }
    out
}

fn expected() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(fixture("channel_events.txt")).unwrap();
    let mut map = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            current = Some(name.trim().to_string());
            map.insert(name.trim().to_string(), vec![]);
        } else if let Some(c) = &current
            && !line.trim().is_empty()
        {
            map.get_mut(c).unwrap().push(line.to_string());
        }
    }
    map
}

#[test]
fn every_published_example_becomes_the_expected_events() {
    let cases = cases();
    if std::env::var("CHATLEDGER_PRINT_CHANNEL_EVENTS").is_ok() {
        for (name, kind, item_kind, body) in &cases {
            println!("## {name}");
            for l in run(*kind, item_kind, body) {
                println!("{l}");
            }
            println!();
        }
    }
    let want = expected();
    let mut failures = Vec::new();
    for (name, kind, item_kind, body) in &cases {
        let got = run(*kind, item_kind, body);
        match want.get(name) {
            None => failures.push(format!("{name}: no expectation written")),
            Some(w) if *w != got => failures.push(format!("{name}:\n  want {w:#?}\n  got  {got:#?}")),
            Some(_) => {}
        }
    }
    assert_eq!(want.len(), cases.len(), "expectations for examples that do not exist");
    assert!(cases.len() >= 80, "only {} cases", cases.len());
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn every_fixture_file_is_covered() {
    let covered: Vec<String> = cases().into_iter().map(|(n, ..)| n.split('#').next().unwrap().to_string()).collect();
    let dir = fixture("channels");
    for sub in std::fs::read_dir(&dir).unwrap() {
        let sub = sub.unwrap().path();
        if !sub.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&sub).unwrap() {
            let f = f.unwrap().path();
            let rel = f.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
            assert!(covered.contains(&rel), "{rel} goes through no adapter in this test");
        }
    }
}

#[test]
fn safe_mode_messages_decrypt_to_the_same_events_as_plain_ones() {
    const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    let plain = read("wechat/oa_TextMessageEvent.xml");
    for with_bom in [true, false] {
        let xml = if with_bom { plain.clone() } else { plain.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec() };
        let enc = wechat_crypto::encrypt(KEY, &xml, "wxappid", [3; 16]).unwrap();
        let wrapped =
            format!("<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>");
        let mut c = cfg(Kind::Wechat);
        c.aes_key = Some(KEY.into());
        c.account_id = Some("wxappid".into());
        let item = InboxItem {
            instance: "ch".into(),
            kind: "webhook".into(),
            received: 0,
            body: wrapped.clone().into_bytes(),
        };
        let got: Vec<String> = translate::translate(&c, 7, &item).unwrap().records.iter().map(summary).collect();
        let item = InboxItem { body: xml, ..item };
        let want: Vec<String> = translate::translate(&c, 7, &item).unwrap().records.iter().map(summary).collect();
        assert_eq!(got, want);
        assert!(got.iter().any(|l| l.contains("\"this is a test\"")));
        // Meant for another account: refused.
        c.account_id = Some("wxother".into());
        let item = InboxItem { instance: "ch".into(), kind: "webhook".into(), received: 0, body: wrapped.into_bytes() };
        assert!(translate::translate(&c, 7, &item).unwrap_err().contains("not this account"));
    }
}
