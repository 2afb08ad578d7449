//! Channels over real HTTP: webhooks signed as each channel signs them,
//! stored once, translated into the record; replies sent to a channel API
//! played by a mock server on 127.0.0.1.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::*;
use crate::mock_http::MockServer;
use chatledger::channels::verify::wechat_signature;
use chatledger::channels::wechat_crypto;

const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

fn hmac_sha256(key: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

fn channel_fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("channels/{path}"))).unwrap()
}

/// A named example of a pywa fixture file, as the exact bytes to send.
fn wa_case(file: &str, case: &str) -> Vec<u8> {
    let v: Value = serde_json::from_slice(&channel_fixture(&format!("whatsapp/{file}"))).unwrap();
    serde_json::to_vec(&v[case]).unwrap()
}

/// POSTs raw bytes with headers; (status, body text).
fn post_hook(url: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, String) {
    let mut req = agent().post(url);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let mut resp = req.send(body).unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
}

fn get_hook(url: &str) -> (u16, String) {
    let mut resp = agent().get(url).call().unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap())
}

fn put_channel(app: &TestApp, token: &str, id: &str, body: Value) {
    let (s, v) = send_json("PUT", &app.url(&format!("/api/v1/channels/{id}")), Some(token), &body);
    assert_eq!(s, 200, "{v}");
}

fn idle(app: &TestApp) {
    assert!(app.channels.wait_idle(Duration::from_secs(20)), "the inbox was not translated in time");
}

fn transcript(app: &TestApp, token: &str, id: &str) -> Value {
    let (s, v) = get(&app.url(&format!("/api/v1/conversations/{}", urlencode(id))), Some(token));
    assert_eq!(s, 200, "{id}: {v}");
    v
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn messages(t: &Value) -> Vec<Value> {
    t["timeline"].as_array().unwrap().iter().filter(|i| i["event"]["type"] == "message").cloned().collect()
}

fn inbox_counts(app: &TestApp, token: &str) -> (u64, u64) {
    let (_, v) = get(&app.url("/api/v1/channels-inbox?limit=1"), Some(token));
    (v["total"].as_u64().unwrap(), v["pending"].as_u64().unwrap())
}

#[test]
fn whatsapp_webhooks_are_verified_stored_once_and_become_the_record() {
    let app = TestApp::start();
    let admin = app.admin_token();
    put_channel(
        &app,
        &admin,
        "wa",
        json!({"kind": "whatsapp", "secret": "app-secret-1", "verify_token": "vt-42", "access_token": "EAAB-token", "account_id": "1122334455667"}),
    );
    // Secrets never come back.
    let (_, text, body) = get_text(&app.url("/api/v1/channels"), &admin);
    assert!(text.contains("json") && !body.contains("app-secret-1") && !body.contains("EAAB-token"), "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list[0]["secret_set"], true);
    assert_eq!(list[0]["webhook_path"], "/hooks/whatsapp/wa");

    // The subscription handshake.
    let hook = app.url("/hooks/whatsapp/wa");
    assert_eq!(
        get_hook(&format!("{hook}?hub.mode=subscribe&hub.verify_token=vt-42&hub.challenge=1158201444")),
        (200, "1158201444".into())
    );
    assert_eq!(get_hook(&format!("{hook}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")).0, 403);
    assert_eq!(get_hook(&app.url("/hooks/whatsapp/nope?hub.mode=subscribe")).0, 404);

    // Bad and missing signatures: 401 and nothing stored.
    let body = wa_case("pywa_message.json", "text");
    let good = format!("sha256={}", hex::encode(hmac_sha256("app-secret-1", &body)));
    let bad = format!("sha256={}", hex::encode(hmac_sha256("other-secret", &body)));
    assert_eq!(post_hook(&hook, &[], &body).0, 401);
    assert_eq!(post_hook(&hook, &[("X-Hub-Signature-256", bad)], &body).0, 401);
    let mut tampered = body.clone();
    tampered[20] ^= 1;
    assert_eq!(post_hook(&hook, &[("X-Hub-Signature-256", good.clone())], &tampered).0, 401);
    assert_eq!(inbox_counts(&app, &admin), (0, 0));

    // A good one, delivered twice: acknowledged twice, stored once.
    assert_eq!(post_hook(&hook, &[("X-Hub-Signature-256", good.clone())], &body), (200, "EVENT_RECEIVED".into()));
    assert_eq!(post_hook(&hook, &[("X-Hub-Signature-256", good)], &body).0, 200);
    idle(&app);
    assert_eq!(inbox_counts(&app, &admin), (1, 0));
    let t = transcript(&app, &admin, "wa:972987654321");
    let msgs = messages(&t);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["event"]["text"], "Body Text");
    assert_eq!(msgs[0]["event"]["sender"], "customer");
    assert_eq!(msgs[0]["event"]["channel"], "whatsapp");
    assert_eq!(msgs[0]["event"]["id"], "wamid.xyzxyz");
    let (_, contact) = get(&app.url("/api/v1/contacts/whatsapp:972987654321"), Some(&admin));
    assert_eq!(contact["contact"]["name"], "Test Name", "{contact}");

    // The same message in a different delivery (another body) is still one message; a status joins it.
    let mut again: Value = serde_json::from_slice(&body).unwrap();
    again["entry"][0]["id"] = "another-delivery".into();
    let sign =
        |b: &[u8]| vec![("X-Hub-Signature-256", format!("sha256={}", hex::encode(hmac_sha256("app-secret-1", b))))];
    let again = serde_json::to_vec(&again).unwrap();
    assert_eq!(post_hook(&hook, &sign(&again), &again).0, 200);
    let status = wa_case("pywa_message_status.json", "delivered");
    assert_eq!(post_hook(&hook, &sign(&status), &status).0, 200);
    // A status of a message chatledger never saw opens nothing.
    let group = wa_case("pywa_message_status.json", "group");
    assert_eq!(post_hook(&hook, &sign(&group), &group).0, 200);
    // A change chatledger does not understand: acknowledged, kept raw, listed as a problem.
    let odd = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}"#;
    assert_eq!(post_hook(&hook, &sign(odd), odd).0, 200);
    idle(&app);
    let t = transcript(&app, &admin, "wa:972987654321");
    assert_eq!(messages(&t).len(), 1);
    let statuses: Vec<&Value> =
        t["timeline"].as_array().unwrap().iter().filter(|i| i["event"]["type"] == "status").collect();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0]["event"]["status"], "delivered");
    assert_eq!(get(&app.url("/api/v1/conversations/wa:fowefinoewcnw"), Some(&admin)).0, 404);
    let (_, problems) = get(&app.url("/api/v1/channels-inbox?show=problems"), Some(&admin));
    let items = problems["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{problems}");
    assert_eq!(items[0]["state"], "unknown");
    assert!(items[0]["body"].as_str().unwrap().contains("VERIFIED_ACCOUNT"));
    assert!(items[0]["outcome"]["unknown"][0].as_str().unwrap().contains("account_update"));
    let (_, all) = get(&app.url("/api/v1/channels-inbox"), Some(&admin));
    assert_eq!(all["total"], 5);
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["outcome"]["ignored"][0].as_str().is_some_and(|s| s.contains("holds no message")))
    );

    // Every write is on the audit chain, and the chain holds.
    let (s, v) = send_json("POST", &app.url("/api/v1/audit/verify"), Some(&admin), &json!({}));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn line_telegram_messenger_and_wechat_check_their_own_signatures() {
    let app = TestApp::start();
    let admin = app.admin_token();
    put_channel(&app, &admin, "ln", json!({"kind": "line", "secret": "line-secret"}));
    put_channel(&app, &admin, "tg", json!({"kind": "telegram", "secret": "tg-secret"}));
    put_channel(&app, &admin, "fb", json!({"kind": "messenger", "secret": "fb-secret", "verify_token": "v"}));
    put_channel(
        &app,
        &admin,
        "wx",
        json!({"kind": "wechat", "secret": "wx-token", "aes_key": AES_KEY, "account_id": "wxappid"}),
    );

    // LINE: base64 HMAC; the console's empty "Verify" POST is acknowledged.
    let b64 = |k: &str, b: &[u8]| base64::engine::general_purpose::STANDARD.encode(hmac_sha256(k, b));
    let line = channel_fixture("line/line-bot-sdk-python_tests_v3_text_webhook.json");
    let hook = app.url("/hooks/line/ln");
    assert_eq!(post_hook(&hook, &[("x-line-signature", b64("wrong", &line))], &line).0, 401);
    assert_eq!(post_hook(&hook, &[("x-line-signature", b64("line-secret", &line))], &line), (200, "OK".into()));
    let verify = br#"{"destination":"U123","events":[]}"#;
    assert_eq!(post_hook(&hook, &[("x-line-signature", b64("line-secret", verify))], verify).0, 200);
    // The LINE path does not serve another kind's instance.
    assert_eq!(post_hook(&app.url("/hooks/line/tg"), &[], verify).0, 404);

    // Telegram: the secret token header.
    let tg = channel_fixture("telegram/doc_message_text.json");
    let hook = app.url("/hooks/telegram/tg");
    assert_eq!(post_hook(&hook, &[], &tg).0, 401);
    assert_eq!(post_hook(&hook, &[("X-Telegram-Bot-Api-Secret-Token", "tg-secre".into())], &tg).0, 401);
    assert_eq!(post_hook(&hook, &[("X-Telegram-Bot-Api-Secret-Token", "tg-secret".into())], &tg).0, 200);

    // Messenger: Meta's signature, on the shared Meta path.
    let fb = channel_fixture("messenger/fbmessenger-api-hs_wsTextMessageRequest.json");
    let sig = format!("sha256={}", hex::encode(hmac_sha256("fb-secret", &fb)));
    assert_eq!(post_hook(&app.url("/hooks/meta/fb"), &[("X-Hub-Signature-256", sig)], &fb).0, 200);

    // WeChat: the echostr handshake, a plain push, a safe-mode push.
    let (ts, nonce) = ("1409304348", "xxxxxx");
    let sig = wechat_signature(&["wx-token", ts, nonce]);
    let hook = app.url("/hooks/wechat/wx");
    assert_eq!(
        get_hook(&format!("{hook}?signature={sig}&timestamp={ts}&nonce={nonce}&echostr=hello123")),
        (200, "hello123".into())
    );
    assert_eq!(get_hook(&format!("{hook}?signature=bad&timestamp={ts}&nonce={nonce}&echostr=x")).0, 401);
    let plain = channel_fixture("wechat/oa_TextMessageEvent.xml");
    let q = format!("?signature={sig}&timestamp={ts}&nonce={nonce}&openid=fromUser");
    assert_eq!(post_hook(&format!("{hook}{q}"), &[], &plain), (200, "success".into()));
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser2]]></FromUserName><CreateTime>1733300000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我想申请退款]]></Content><MsgId>987654321</MsgId></xml>";
    let enc = wechat_crypto::encrypt(AES_KEY, xml.as_bytes(), "wxappid", [9; 16]).unwrap();
    let wrapped = format!("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>");
    let msig = wechat_signature(&["wx-token", ts, nonce, &enc]);
    let safe = format!("{hook}?signature={sig}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msig}");
    assert_eq!(post_hook(&safe, &[], wrapped.as_bytes()).0, 200);
    let bad = format!("{hook}?signature={sig}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature=0000");
    assert_eq!(post_hook(&bad, &[], wrapped.as_bytes()).0, 401);

    idle(&app);
    let t = transcript(&app, &admin, "ln:U206d25c2ea6bd87c17655609a1c37cb8");
    let m = messages(&t);
    assert_eq!(m[0]["event"]["text"], "Hello, world");
    assert_eq!(m[0]["current_text"], "Hello, edited world", "the messageEdited event is an edit: {}", m[0]);
    let t = transcript(&app, &admin, "ln:Ca56f94637cc4347f90a25382909b24b9");
    assert!(
        t["timeline"].as_array().unwrap().iter().any(|i| i["deleted"]["by"] == "customer"),
        "the unsend is a recall"
    );
    assert_eq!(messages(&transcript(&app, &admin, "tg:1111111"))[0]["event"]["text"], "/start");
    assert_eq!(messages(&transcript(&app, &admin, "fb:USER_ID"))[0]["event"]["text"], "hello, world!");
    assert_eq!(messages(&transcript(&app, &admin, "wx:fromUser"))[0]["event"]["text"], "this is a test");
    assert_eq!(messages(&transcript(&app, &admin, "wx:oUser2"))[0]["event"]["text"], "我想申请退款");
}

#[test]
fn wecom_callbacks_pull_the_messages_with_sync_msg() {
    let page = json!({"errcode": 0, "errmsg": "ok", "next_cursor": "c-2", "has_more": 0, "msg_list": [
        {"msgid": "m-1", "open_kfid": "wkKF", "external_userid": "wmCust", "send_time": 1733300000, "origin": 3, "msgtype": "text", "text": {"content": "快递到哪了？"}},
        {"msgid": "m-2", "open_kfid": "wkKF", "external_userid": "wmCust", "send_time": 1733300060, "origin": 5, "servicer_userid": "zhangsan", "msgtype": "text", "text": {"content": "您好，已发货"}},
        {"msgtype": "event", "event": {"event_type": "user_recall_msg", "open_kfid": "wkKF", "external_userid": "wmCust", "recall_msgid": "m-1"}}
    ]});
    let body = page.to_string();
    let mock = MockServer::start(move |r, _| {
        if r.path.starts_with("/cgi-bin/gettoken") {
            (200, json!({"errcode": 0, "access_token": "AT-1", "expires_in": 7200}).to_string())
        } else {
            (200, body.clone())
        }
    });
    let app = TestApp::start();
    let admin = app.admin_token();
    put_channel(
        &app,
        &admin,
        "kf",
        json!({"kind": "wecom_kf", "secret": "kf-token", "aes_key": AES_KEY, "account_id": "wwCorp", "access_token": "corp-secret", "base_url": mock.base}),
    );
    let hook = app.url("/hooks/wechat/kf");
    let (ts, nonce) = ("1733300100", "n1");
    // The URL check: the echostr is encrypted; the answer is its plaintext.
    let echo = wechat_crypto::encrypt(AES_KEY, b"echo-777", "wwCorp", [1; 16]).unwrap();
    let sig = wechat_signature(&["kf-token", ts, nonce, &echo]);
    let echo_q: String = echo
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    assert_eq!(
        get_hook(&format!("{hook}?msg_signature={sig}&timestamp={ts}&nonce={nonce}&echostr={echo_q}")),
        (200, "echo-777".into())
    );

    let cb = channel_fixture("wechat/wecom_kf_KfMessageEvent.xml");
    let enc = wechat_crypto::encrypt(AES_KEY, &cb, "wwCorp", [2; 16]).unwrap();
    let wrapped = format!(
        "<xml><ToUserName><![CDATA[wwCorp]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[1]]></AgentID></xml>"
    );
    let sig = wechat_signature(&["kf-token", ts, nonce, &enc]);
    assert_eq!(
        post_hook(&format!("{hook}?msg_signature={sig}&timestamp={ts}&nonce={nonce}"), &[], wrapped.as_bytes()),
        (200, "success".into())
    );
    let reqs = mock.wait_for(2);
    assert!(reqs[0].path.contains("corpid=wwCorp") && reqs[0].path.contains("corpsecret=corp-secret"), "{:?}", reqs[0]);
    assert_eq!(reqs[1].path, "/cgi-bin/kf/sync_msg?access_token=AT-1");
    let sync = reqs[1].json();
    assert_eq!(sync["token"], "ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR");
    assert_eq!(sync["open_kfid"], "wkxxxxxxx");
    // Wait for the pulled page to be translated too.
    let t0 = std::time::Instant::now();
    while get(&app.url("/api/v1/conversations/kf:wkKF:wmCust"), Some(&admin)).0 != 200 {
        assert!(t0.elapsed().as_secs() < 20);
        std::thread::sleep(Duration::from_millis(50));
    }
    idle(&app);
    let t = transcript(&app, &admin, "kf:wkKF:wmCust");
    let m = messages(&t);
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["event"]["text"], "快递到哪了？");
    assert_eq!(m[0]["deleted"]["by"], "customer", "the recall keeps the content: {}", m[0]);
    assert_eq!(m[1]["event"]["agent"], "zhangsan");
    // The cursor is kept for the next pull.
    assert_eq!(app.store.setting("kf_cursor:kf:wkxxxxxxx").unwrap().as_deref(), Some("c-2"));
}

#[test]
fn e_mail_uploads_thread_by_references_and_decode_their_charsets() {
    let app = TestApp::start();
    let admin = app.admin_token();
    put_channel(&app, &admin, "mail", json!({"kind": "email", "account_id": "support@example.com"}));
    let upload = |file: &str, ct: &str| {
        let mut resp = agent()
            .post(&app.url("/api/v1/channels/mail/email"))
            .header("Authorization", &format!("Bearer {admin}"))
            .header("Content-Type", ct)
            .send(&channel_fixture(&format!("email/{file}"))[..])
            .unwrap();
        let s = resp.status().as_u16();
        (s, serde_json::from_str::<Value>(&resp.body_mut().read_to_string().unwrap()).unwrap())
    };
    // A message and its sender's contact record; John Doe's is known by the second of his.
    for (f, events) in [
        ("mikel-mail_rfc2822_example07_reply_to_reply.eml", 2),
        ("mikel-mail_rfc2822_example05_original.eml", 1),
        ("mikel-mail_rfc2822_example06_reply.eml", 2),
    ] {
        let (s, v) = upload(f, "message/rfc822");
        assert_eq!((s, v["new"].as_u64(), v["events"].as_u64()), (200, Some(1), Some(events)), "{f}: {v}");
    }
    // Arriving out of order, the three are one thread, in Date order.
    let t = transcript(&app, &admin, "mail:1234@local.machine.example");
    let msgs = messages(&t);
    let texts: Vec<&str> = msgs.iter().map(|m| m["event"]["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "This is a message just to say hello.\nSo, \"Hello\".",
            "This is a reply to your hello.",
            "This is a reply to your reply."
        ]
    );
    assert_eq!(messages(&t)[1]["event"]["subject"], "Re: Saying Hello");
    // The same upload again changes nothing.
    let (_, v) = upload("mikel-mail_rfc2822_example06_reply.eml", "message/rfc822");
    assert_eq!((v["new"].as_u64(), v["redeliveries"].as_u64()), (Some(0), Some(1)));
    // Raw GB2312 headers (no RFC 2047) are decoded.
    let (_, v) = upload("flanker_charset-gb2312.eml", "message/rfc822");
    assert_eq!(v["events"], 2);
    let (_, list) = get(&app.url("/api/v1/conversations?channel=email&limit=10"), Some(&admin));
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
    let (_, c) = get(&app.url("/api/v1/contacts/email:10000@qq.com"), Some(&admin));
    assert_eq!(c["contact"]["name"], "腾讯企业邮箱", "{c}");
    // An mbox with an unescaped "From " line in a body is one message.
    let (s, v) = upload("cpython_mailbox_01.mbox", "application/mbox");
    assert_eq!((s, v["messages"].as_u64()), (200, Some(1)), "{v}");
    // Errors say what is wrong.
    assert_eq!(upload("cpython_mailbox_01.mbox", "application/mbox").1["redeliveries"], 1);
    let (s, v) = send_json("POST", &app.url("/api/v1/channels/nope/email"), Some(&admin), &json!({}));
    assert_eq!(s, 404, "{v}");
}

#[test]
fn the_cli_imports_eml_and_mbox_files_into_an_e_mail_channel() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("chatledger.toml");
    std::fs::write(&conf, "[[channels]]\nid = \"mail\"\nkind = \"email\"\naccount_id = \"support@example.com\"\n")
        .unwrap();
    let data = dir.path().join("data");
    let f = |name: &str| fixture(&format!("channels/email/{name}")).display().to_string();
    let (a, b, m) = (
        f("mikel-mail_rfc2822_example05_original.eml"),
        f("mikel-mail_rfc2822_example06_reply.eml"),
        f("cpython_mailbox_01.mbox"),
    );
    let o = cli(&data, &["--config", conf.to_str().unwrap(), "email", "import", "--channel", "mail", &a, &b, &m]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("1 message(s), 1 new, 0 already stored, 2 event(s)"), "{out}");
    let o = cli(&data, &["--config", conf.to_str().unwrap(), "email", "import", "--channel", "mail", &b]);
    assert!(text(&o).contains("1 message(s), 0 new, 1 already stored"), "{}", text(&o));
    // An unknown channel is an error with a non-zero exit.
    let o = cli(&data, &["--config", conf.to_str().unwrap(), "email", "import", "--channel", "nope", &a]);
    assert!(!o.status.success() && text(&o).contains("no e-mail channel"), "{}", text(&o));
    // The thread is in the store, as the export shows.
    let o = cli(&data, &["export", "--conversation", "mail:1234@local.machine.example"]);
    let lines = String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.contains("\"type\":\"message\"")).count();
    assert_eq!(lines, 2, "{}", text(&o));
}
