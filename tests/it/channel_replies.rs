//! Agents' replies out: each channel's send API is played by a mock server on
//! 127.0.0.1; the test checks the exact request, the retry after a 500, and
//! that a sent reply becomes one agent message with the channel's id.

use std::time::Duration;

use chatledger::domain::UserRole;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::*;
use crate::mock_http::MockServer;

fn sign(secret: &str, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A customer's WhatsApp text, sent `age` seconds ago, through the webhook.
fn whatsapp_in(app: &TestApp, wa_id: &str, id: &str, text: &str, age: i64) {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "1122334455667"},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": id, "timestamp": (now_secs() - age).to_string(), "type": "text", "text": {"body": text}}]}}]}]});
    let bytes = serde_json::to_vec(&body).unwrap();
    let mut resp = agent()
        .post(&app.url("/hooks/whatsapp/wa"))
        .header("X-Hub-Signature-256", &sign("app-secret", &bytes))
        .send(&bytes[..])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "{}", resp.body_mut().read_to_string().unwrap());
    assert!(app.channels.wait_idle(Duration::from_secs(10)));
}

fn reply(app: &TestApp, token: &str, conv: &str, body: Value) -> (u16, Value) {
    send_json("POST", &app.url(&format!("/api/v1/conversations/{conv}/messages")), Some(token), &body)
}

/// Waits until the conversation holds an agent message with this id; returns it.
fn wait_sent(app: &TestApp, token: &str, conv: &str, id: &str) -> Value {
    let t0 = std::time::Instant::now();
    loop {
        let (_, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(token));
        if let Some(m) = t["timeline"].as_array().into_iter().flatten().find(|i| i["event"]["id"] == id) {
            return m.clone();
        }
        assert!(t0.elapsed().as_secs() < 20, "reply {id} never recorded: {t}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn agent_messages(app: &TestApp, token: &str, conv: &str) -> usize {
    let (_, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(token));
    t["timeline"].as_array().unwrap().iter().filter(|i| i["event"]["sender"] == "agent").count()
}

#[test]
fn a_whatsapp_reply_is_retried_after_a_500_and_recorded_once() {
    let mock = MockServer::start(|r, n| {
        match r.path.as_str() {
        "/1122334455667/messages" if n == 0 => (500, json!({"error": {"message": "temporarily unavailable", "code": 2}}).to_string()),
        "/1122334455667/messages" => (200, json!({"messaging_product": "whatsapp", "contacts": [{"input": "5511912345678", "wa_id": "5511912345678"}], "messages": [{"id": "wamid.OUT1"}]}).to_string()),
        _ => (404, "{}".into()),
    }
    });
    let app = TestApp::start();
    let admin = app.admin_token();
    let cfg = json!({"kind": "whatsapp", "secret": "app-secret", "verify_token": "v", "access_token": "EAAB-token", "account_id": "1122334455667", "base_url": mock.base});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/wa"), Some(&admin), &cfg).0, 200);
    whatsapp_in(&app, "5511912345678", "wamid.IN1", "Olá, meu pedido não chegou", 60);

    let (s, r) =
        reply(&app, &admin, "wa:5511912345678", json!({"text": "Olá Ana, vou verificar agora.", "agent": "a-01"}));
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["state"], "pending");
    let m = wait_sent(&app, &admin, "wa:5511912345678", "wamid.OUT1");
    assert_eq!(m["event"]["sender"], "agent");
    assert_eq!(m["event"]["agent"], "a-01");
    assert_eq!(m["event"]["text"], "Olá Ana, vou verificar agora.");

    let reqs = mock.recorded();
    assert_eq!(reqs.len(), 2, "one failure, one success: {reqs:?}");
    for r in &reqs {
        assert_eq!(r.method, "POST");
        assert_eq!(r.header("authorization"), Some("Bearer EAAB-token"));
        assert_eq!(
            r.json(),
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511912345678", "type": "text", "text": {"body": "Olá Ana, vou verificar agora."}})
        );
    }
    assert_eq!(agent_messages(&app, &admin, "wa:5511912345678"), 1);
    let (_, unsent) = get(&app.url("/api/v1/conversations/wa:5511912345678/messages/unsent"), Some(&admin));
    assert_eq!(unsent, json!([]));

    // WhatsApp's 24-hour window: after it, a free-form reply is refused with the reason.
    whatsapp_in(&app, "5511000000000", "wamid.OLD", "oi", 25 * 3600);
    let (s, e) = reply(&app, &admin, "wa:5511000000000", json!({"text": "Desculpe a demora", "agent": "a-01"}));
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("24 hours"), "{e}");
    // ...while an approved template may go.
    let tpl = json!({"agent": "a-01", "template": {"name": "order_update", "language": "pt_BR", "parameters": ["Ana", "88231"]}});
    let (s, r) = reply(&app, &admin, "wa:5511000000000", tpl);
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["text"], "[order_update] Ana · 88231");
    wait_sent(&app, &admin, "wa:5511000000000", "wamid.OUT1");
    let sent = mock.recorded().last().unwrap().json();
    assert_eq!(
        sent,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511000000000", "type": "template",
               "template": {"name": "order_update", "language": {"code": "pt_BR"},
                            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "88231"}]}]}})
    );
    // Bad requests say what is wrong.
    assert_eq!(reply(&app, &admin, "wa:5511912345678", json!({"text": "  "})).0, 400);
    assert_eq!(reply(&app, &admin, "wa:5511912345678", json!({"text": "hi"})).0, 400, "an admin must name the agent");
    assert_eq!(reply(&app, &admin, "wa:nobody", json!({"text": "hi", "agent": "a-01"})).0, 404);
    // An agent user answers only its own (or unanswered) conversations, as itself.
    let other = app.token_for("bob", UserRole::Agent, Some("a-02"));
    assert_eq!(reply(&app, &other, "wa:5511912345678", json!({"text": "hi"})).0, 403);
}

#[test]
fn telegram_line_messenger_and_wechat_replies_use_each_api_and_a_refusal_is_kept() {
    let mock = MockServer::start(|r, _| {
        let p = r.path.as_str();
        if p == "/botBOT:TOKEN/sendMessage" {
            if r.json()["chat_id"] == 999 {
                return (
                    400,
                    json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}).to_string(),
                );
            }
            (200, json!({"ok": true, "result": {"message_id": 4242, "date": 1, "chat": {"id": 1111111, "type": "private"}}}).to_string())
        } else if p == "/v2/bot/message/push" {
            (200, json!({"sentMessages": [{"id": "461230966842064897", "quoteToken": "q"}]}).to_string())
        } else if p == "/PAGE1/messages" {
            (200, json!({"recipient_id": "USER_ID", "message_id": "m_OUT_FB"}).to_string())
        } else if p.starts_with("/cgi-bin/token?") {
            (200, json!({"access_token": "WXTOKEN", "expires_in": 7200}).to_string())
        } else if p == "/cgi-bin/message/custom/send?access_token=WXTOKEN" {
            (200, json!({"errcode": 0, "errmsg": "ok"}).to_string())
        } else if p == "/IGID1/messages" {
            (200, json!({"recipient_id": "IGSID9", "message_id": "m_OUT_IG"}).to_string())
        } else if p == "/cgi-bin/gettoken?corpid=wwCorp&corpsecret=corp-secret" {
            (200, json!({"errcode": 0, "access_token": "KFTOKEN", "expires_in": 7200}).to_string())
        } else if p == "/cgi-bin/kf/send_msg?access_token=KFTOKEN" {
            (200, json!({"errcode": 0, "errmsg": "ok", "msgid": "MSG_OUT_KF"}).to_string())
        } else {
            (404, "{}".into())
        }
    });
    let app = TestApp::start();
    let admin = app.admin_token();
    for (id, cfg) in [
        ("tg", json!({"kind": "telegram", "secret": "s", "access_token": "BOT:TOKEN", "base_url": mock.base})),
        ("ln", json!({"kind": "line", "secret": "s", "access_token": "LINE-TOKEN", "base_url": mock.base})),
        (
            "fb",
            json!({"kind": "messenger", "secret": "s", "verify_token": "v", "access_token": "PAGE-TOKEN", "account_id": "PAGE1", "base_url": mock.base}),
        ),
        (
            "wx",
            json!({"kind": "wechat", "secret": "s", "account_id": "wxAPP", "access_token": "APPSECRET", "base_url": mock.base}),
        ),
        (
            "ig",
            json!({"kind": "instagram", "secret": "s", "verify_token": "v", "access_token": "IG-TOKEN", "account_id": "IGID1", "base_url": mock.base}),
        ),
        (
            "kf",
            json!({"kind": "wecom_kf", "secret": "s", "aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "account_id": "wwCorp", "access_token": "corp-secret", "base_url": mock.base}),
        ),
    ] {
        assert_eq!(send_json("PUT", &app.url(&format!("/api/v1/channels/{id}")), Some(&admin), &cfg).0, 200);
    }
    // Conversations as the channels' own messages would make them (imported: the same path in).
    let now = chrono::Utc::now().to_rfc3339();
    let lines: String = [("tg:1111111", "telegram"), ("ln:U206d25c2ea6bd87c17655609a1c37cb8", "line"), ("fb:USER_ID", "messenger"), ("wx:oUser", "wechat"), ("tg:999", "telegram"), ("ig:IGSID9", "instagram"), ("kf:wkKF:wmCust", "wechat")]
        .iter()
        .map(|(c, ch)| format!("{{\"type\":\"message\",\"conversation\":\"{c}\",\"id\":\"in-1\",\"channel\":\"{ch}\",\"ts\":\"{now}\",\"sender\":\"customer\",\"text\":\"hello\"}}\n"))
        .collect();
    assert_eq!(post_bytes(&app.url("/api/v1/events"), &admin, lines.as_bytes()).0, 200);

    for conv in [
        "tg:1111111",
        "ln:U206d25c2ea6bd87c17655609a1c37cb8",
        "fb:USER_ID",
        "wx:oUser",
        "tg:999",
        "ig:IGSID9",
        "kf:wkKF:wmCust",
    ] {
        let (s, r) = reply(&app, &admin, conv, json!({"text": "您好，请稍等", "agent": "a-07"}));
        assert_eq!(s, 202, "{conv}: {r}");
    }
    wait_sent(&app, &admin, "tg:1111111", "4242");
    wait_sent(&app, &admin, "ln:U206d25c2ea6bd87c17655609a1c37cb8", "461230966842064897");
    wait_sent(&app, &admin, "fb:USER_ID", "m_OUT_FB");
    wait_sent(&app, &admin, "wx:oUser", "wechat-reply-4");
    wait_sent(&app, &admin, "ig:IGSID9", "m_OUT_IG");
    wait_sent(&app, &admin, "kf:wkKF:wmCust", "MSG_OUT_KF");

    let reqs = mock.recorded();
    let find = |p: &str| reqs.iter().filter(|r| r.path == p).cloned().collect::<Vec<_>>();
    let tg = find("/botBOT:TOKEN/sendMessage");
    assert_eq!(tg[0].json(), json!({"chat_id": 1111111, "text": "您好，请稍等"}));
    let ln = &find("/v2/bot/message/push")[0];
    assert_eq!(ln.header("authorization"), Some("Bearer LINE-TOKEN"));
    assert_eq!(
        ln.json(),
        json!({"to": "U206d25c2ea6bd87c17655609a1c37cb8", "messages": [{"type": "text", "text": "您好，请稍等"}]})
    );
    assert_eq!(ln.header("x-line-retry-key").map(str::len), Some(36), "a UUID makes LINE's push retries idempotent");
    let fb = &find("/PAGE1/messages")[0];
    assert_eq!(fb.header("authorization"), Some("Bearer PAGE-TOKEN"));
    assert_eq!(
        fb.json(),
        json!({"recipient": {"id": "USER_ID"}, "message": {"text": "您好，请稍等"}, "messaging_type": "RESPONSE"})
    );
    assert!(reqs.iter().any(|r| r.path == "/cgi-bin/token?grant_type=client_credential&appid=wxAPP&secret=APPSECRET"));
    let ig = &find("/IGID1/messages")[0];
    assert_eq!(ig.header("authorization"), Some("Bearer IG-TOKEN"));
    assert_eq!(
        ig.json(),
        json!({"recipient": {"id": "IGSID9"}, "message": {"text": "您好，请稍等"}, "messaging_type": "RESPONSE"})
    );
    let kf = find("/cgi-bin/kf/send_msg?access_token=KFTOKEN")[0].json();
    assert_eq!(
        (kf["touser"].as_str(), kf["open_kfid"].as_str(), kf["msgtype"].as_str()),
        (Some("wmCust"), Some("wkKF"), Some("text"))
    );
    assert_eq!(kf["text"]["content"], "您好，请稍等");
    assert!(kf["msgid"].as_str().is_some_and(|m| !m.is_empty()), "an idempotency id: {kf}");
    let wx = &find("/cgi-bin/message/custom/send?access_token=WXTOKEN")[0];
    assert_eq!(wx.json(), json!({"touser": "oUser", "msgtype": "text", "text": {"content": "您好，请稍等"}}));

    // A 400 is not retried: the reply is marked failed with the channel's reason, its text kept.
    let t0 = std::time::Instant::now();
    let failed = loop {
        let (_, u) = get(&app.url("/api/v1/conversations/tg:999/messages/unsent"), Some(&admin));
        if u[0]["state"] == "failed" {
            break u[0].clone();
        }
        assert!(t0.elapsed().as_secs() < 20, "{u}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(failed["text"], "您好，请稍等");
    assert!(failed["last_error"].as_str().unwrap().contains("chat not found"), "{failed}");
    assert_eq!(failed["attempts"], 1);
    assert_eq!(agent_messages(&app, &admin, "tg:999"), 0);
    // Put back in the queue on request (it fails again here, and stays listed).
    let (s, r) =
        send_json("POST", &app.url(&format!("/api/v1/replies/{}/retry", failed["id"])), Some(&admin), &json!({}));
    assert_eq!((s, r["state"].as_str()), (202, Some("pending")), "{r}");
    // Every step is in the audit trail.
    let actions: Vec<String> = audit_actions(&app.store, 200).into_iter().map(|(a, _)| a).collect();
    for a in ["reply.queue", "reply.sent", "reply.failed", "reply.retry"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
}

/// Debian's aiosmtpd (python3-aiosmtpd, installed by .ci/run) on a free
/// loopback port, delivering into a Maildir.
struct SmtpReceiver {
    child: std::process::Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpReceiver {
    fn start() -> SmtpReceiver {
        let maildir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mb"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the e-mail tests need Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd)");
        let t0 = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(t0.elapsed().as_secs() < 15, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpReceiver { child, port, maildir }
    }

    /// The messages received so far, as raw bytes.
    fn received(&self) -> Vec<Vec<u8>> {
        let dir = self.maildir.path().join("mb/new");
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect())
            .unwrap_or_default()
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_e_mail_reply_goes_out_by_smtp_threaded_and_the_answer_comes_back_to_it() {
    use mail_parser::{HeaderValue, MessageParser};
    let smtp = SmtpReceiver::start();
    let app = TestApp::start();
    let admin = app.admin_token();
    let cfg = json!({"kind": "email", "account_id": "support@example.com", "smtp_url": format!("smtp://127.0.0.1:{}", smtp.port)});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/mail"), Some(&admin), &cfg).0, 200);
    let (_, list) = get(&app.url("/api/v1/channels"), Some(&admin));
    assert_eq!(list[0]["smtp_url_set"], true);
    assert!(!list.to_string().contains("smtp://"), "the SMTP URL may hold a password: never sent back");
    let original = std::fs::read(fixture("channels/email/mikel-mail_rfc2822_example05_original.eml")).unwrap();
    let up = |bytes: &[u8]| {
        let mut r = agent()
            .post(&app.url("/api/v1/channels/mail/email"))
            .header("Authorization", &format!("Bearer {admin}"))
            .header("Content-Type", "message/rfc822")
            .send(bytes)
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{}", r.body_mut().read_to_string().unwrap());
    };
    up(&original);
    let conv = "mail:1234@local.machine.example";
    let (s, r) = reply(&app, &admin, conv, json!({"text": "Hello John,\nthanks for writing.", "agent": "a-03"}));
    assert_eq!(s, 202, "{r}");

    let t0 = std::time::Instant::now();
    let raw = loop {
        if let Some(m) = smtp.received().pop() {
            break m;
        }
        assert!(t0.elapsed().as_secs() < 20, "no mail arrived");
        std::thread::sleep(Duration::from_millis(50));
    };
    let m = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(m.from().unwrap().first().unwrap().address(), Some("support@example.com"));
    assert_eq!(m.to().unwrap().first().unwrap().address(), Some("jdoe@machine.example"));
    assert_eq!(m.subject(), Some("Re: Saying Hello"));
    assert!(
        matches!(m.in_reply_to(), HeaderValue::Text(t) if t == "1234@local.machine.example"),
        "{:?}",
        m.in_reply_to()
    );
    assert_eq!(m.body_text(0).unwrap().trim_end(), "Hello John,\nthanks for writing.");
    let sent_id = m.message_id().unwrap().to_string();
    assert!(sent_id.ends_with("@example.com"), "{sent_id}");
    // Recorded as the agent's message under the sent Message-ID.
    let rec = wait_sent(&app, &admin, conv, &sent_id);
    assert_eq!(rec["event"]["agent"], "a-03");
    assert_eq!(rec["event"]["subject"], "Re: Saying Hello");

    // The customer's answer to the reply joins the same conversation.
    let answer = format!(
        "From: John Doe <jdoe@machine.example>\r\nTo: support@example.com\r\nSubject: Re: Saying Hello\r\nDate: {}\r\nMessage-ID: <answer-1@machine.example>\r\nIn-Reply-To: <{sent_id}>\r\nReferences: <1234@local.machine.example> <{sent_id}>\r\n\r\nThanks!\r\n\r\nOn Fri, support wrote:\r\n> Hello John,\r\n",
        (chrono::Utc::now() + chrono::Duration::seconds(5)).to_rfc2822()
    );
    up(answer.as_bytes());
    let (_, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(&admin));
    let texts: Vec<&str> =
        t["timeline"].as_array().unwrap().iter().filter_map(|i| i["event"]["text"].as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert_eq!(texts[2], "Thanks!", "quoted history is cut from the text");
    assert!(t["timeline"][2]["event"]["quoted"].as_str().unwrap().contains("> Hello John"), "and kept in the record");
}

#[test]
fn attachments_are_fetched_into_the_data_directory_and_served_to_those_allowed() {
    // WhatsApp answers a media id with a short-lived URL on its own host: here, the mock itself.
    let own_base: std::sync::Arc<std::sync::OnceLock<String>> = Default::default();
    let b = own_base.clone();
    let mock = MockServer::start(move |r, _| match r.path.as_str() {
        "/65463453" => {
            let url = format!("{}/lookaside/65463453", b.get().unwrap());
            (200, json!({"url": url, "mime_type": "image/jpeg", "id": "65463453"}).to_string())
        }
        "/lookaside/65463453" => (200, "JPEG-BYTES-0123456789".into()),
        p if p.starts_with("/botTG:TOKEN/getFile?file_id=") => {
            (200, json!({"ok": true, "result": {"file_id": "x", "file_path": "documents/file_7.pdf"}}).to_string())
        }
        "/file/botTG:TOKEN/documents/file_7.pdf" => (200, "%PDF-1.4 test".into()),
        _ => (404, "{}".into()),
    });
    own_base.set(mock.base.clone()).unwrap();
    let front = &mock;
    let app = TestApp::start();
    let admin = app.admin_token();
    let wa = json!({"kind": "whatsapp", "secret": "app-secret", "verify_token": "v", "access_token": "EAAB-token", "account_id": "1122334455667", "base_url": front.base});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/wa"), Some(&admin), &wa).0, 200);
    let tg = json!({"kind": "telegram", "secret": "tg-secret", "access_token": "TG:TOKEN", "base_url": front.base});
    assert_eq!(send_json("PUT", &app.url("/api/v1/channels/tg"), Some(&admin), &tg).0, 200);

    let image: Value =
        serde_json::from_slice(&std::fs::read(fixture("channels/whatsapp/pywa_message.json")).unwrap()).unwrap();
    let body = serde_json::to_vec(&image["image"]).unwrap();
    let r = agent()
        .post(&app.url("/hooks/whatsapp/wa"))
        .header("X-Hub-Signature-256", &sign("app-secret", &body))
        .send(&body[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let doc = std::fs::read(fixture("channels/telegram/doc_message_document.json")).unwrap();
    let r = agent()
        .post(&app.url("/hooks/telegram/tg"))
        .header("X-Telegram-Bot-Api-Secret-Token", "tg-secret")
        .send(&doc[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let fetched = |path: &str| {
        let t0 = std::time::Instant::now();
        loop {
            let (s, ct, body) = get_text(&app.url(path), &admin);
            if s == 200 {
                return (ct, body);
            }
            assert!(t0.elapsed().as_secs() < 20, "{path}: {s} {body}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let (ct, body) = fetched("/api/v1/attachments/wa/whatsapp-media:65463453");
    assert_eq!((ct.as_str(), body.as_str()), ("image/jpeg", "JPEG-BYTES-0123456789"));
    let (ct, body) = fetched("/api/v1/attachments/tg/telegram-file:AwADBAADbXXXXXXXXXXXGBdhD2l6_XX");
    assert_eq!((ct.as_str(), body.as_str()), ("application/pdf", "%PDF-1.4 test"));
    // The media request carried the channel's token; the file is in the data directory under its hash.
    for path in ["/65463453", "/lookaside/65463453"] {
        assert!(
            mock.recorded().iter().any(|r| r.path == path && r.header("authorization") == Some("Bearer EAAB-token")),
            "{path}"
        );
    }
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"JPEG-BYTES-0123456789"));
    assert!(app.data().join("attachments").join(&sha[..2]).join(&sha).exists());
    // A backup holds the files with the database.
    let copy = tempfile::tempdir().unwrap();
    let o = cli(&app.data(), &["backup", copy.path().join("b").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 attachment file(s) copied"), "{}", text(&o));
    assert!(copy.path().join("b/attachments").join(&sha[..2]).join(&sha).exists());
    // An agent who had no part in the conversation does not get it.
    let other = app.token_for("eve", UserRole::Agent, Some("a-99"));
    assert_eq!(get_text(&app.url("/api/v1/attachments/wa/whatsapp-media:65463453"), &other).0, 404);
}
