//! The web chat widget: embedded by one script tag on a customer's site (a
//! page served from another origin), in a real headless Chromium. A visitor
//! writes, an agent answers through the API, the visitor sees the answer live;
//! the visitor is recognised again after a reload. Plus the endpoint's limits.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;
use crate::mock_http::MockServer;
use crate::web_ui::{browser, js, sign_in};

fn until(tab: &headless_chrome::Tab, expr: &str) -> Value {
    let t0 = Instant::now();
    loop {
        let v = js(tab, &format!("(() => {{ try {{ return {expr}; }} catch (e) {{ return null; }} }})()"));
        if !(v.is_null() || v == Value::Bool(false) || v == Value::String(String::new())) {
            return v;
        }
        assert!(t0.elapsed() < Duration::from_secs(15), "timed out waiting for {expr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The widget's shadow root, in page script.
const W: &str = "document.querySelector('[data-chatledger]').shadowRoot";

fn webchat_conversations(app: &TestApp, token: &str) -> Vec<Value> {
    let (_, v) = get(&app.url("/api/v1/conversations?channel=webchat"), Some(token));
    v["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_visitor_writes_an_agent_answers_and_the_visitor_sees_it_live() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let app_base = app.base.clone();
    let shop = MockServer::start(move |_, _| {
        (
            200,
            format!(
                "<!doctype html><html><head><meta charset=utf-8><title>Shop</title></head><body><h1>Shop</h1><script src=\"{app_base}/widget.js\" data-channel=\"site\" data-lang=\"zh-CN\" async></script></body></html>"
            ),
        )
    });
    let (s, v) = send_json(
        "PUT",
        &app.url("/api/v1/channels/site"),
        Some(&admin),
        &json!({"kind": "webchat", "allowed_origins": [shop.base]}),
    );
    assert_eq!(s, 200, "{v}");

    let b = browser();
    let tab = b.new_tab().unwrap();
    tab.navigate_to(&format!("{}/shop", shop.base)).unwrap();
    until(&tab, &format!("{W}.querySelector('.btn') !== null"));
    assert_eq!(js(&tab, &format!("{W}.querySelector('.t').textContent")), "在线客服", "Chinese labels");
    js(&tab, &format!("{W}.querySelector('.btn').click()"));
    js(
        &tab,
        &format!(
            "(() => {{ const r = {W}; r.querySelector('textarea').value = '你好，我的订单还没到'; r.querySelector('form').requestSubmit(); }})()"
        ),
    );

    // The message is in the record, on the webchat channel, from the customer.
    let t0 = Instant::now();
    let conv = loop {
        if let Some(c) = webchat_conversations(&app, &admin).first() {
            break c["id"].as_str().unwrap().to_string();
        }
        assert!(t0.elapsed().as_secs() < 15, "the visitor's message never arrived");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(conv.starts_with("site:"));
    let cookie = js(&tab, "document.cookie").as_str().unwrap().to_string();
    let visitor = cookie.split("chatledger_site=").nth(1).unwrap()[..32].to_string();
    assert!(!conv.contains(&visitor), "the conversation id never holds the visitor's cookie");
    let (_, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(&admin));
    assert_eq!(t["timeline"][0]["event"]["text"], "你好，我的订单还没到");
    assert_eq!(t["timeline"][0]["event"]["sender"], "customer");
    // Confirmed: the pending bubble turns into a plain one.
    until(&tab, &format!("{W}.querySelector('.m.visitor:not(.pending)') !== null"));

    // An agent answers from the transcript's reply box; the widget shows it without a reload.
    let desk = b.new_tab().unwrap();
    desk.set_default_timeout(Duration::from_secs(10));
    sign_in(&desk, &app.base, "admin", ADMIN_PW, &format!("#/c/{conv}"));
    until(&desk, "document.getElementById('reply-text') !== null");
    js(&desk, "document.getElementById('reply-text').value = '您好，我帮您查一下物流'");
    js(&desk, "document.getElementById('reply-agent').value = 'a-01'");
    js(&desk, "document.getElementById('reply').requestSubmit()");
    until(
        &tab,
        &format!(
            "{W}.querySelector('.m.agent') && {W}.querySelector('.m.agent').textContent === '您好，我帮您查一下物流'"
        ),
    );
    // ...and the transcript shows it as the agent's message once the channel took it.
    until(
        &desk,
        "[...document.querySelectorAll('#timeline li.agent .text')].some(e => e.textContent === '您好，我帮您查一下物流')",
    );
    // An internal note is never shown to the visitor.
    let note = format!(
        "{{\"type\":\"note\",\"conversation\":\"{conv}\",\"ts\":\"{}\",\"agent\":\"a-01\",\"text\":\"VIP, handle carefully\"}}\n",
        chrono::Utc::now().to_rfc3339()
    );
    assert_eq!(post_bytes(&app.url("/api/v1/events"), &admin, note.as_bytes()).0, 200);

    // After a reload the visitor is recognised by its cookie and sees the conversation so far.
    tab.navigate_to(&format!("{}/shop", shop.base)).unwrap();
    until(&tab, &format!("{W}.querySelector('.btn') !== null"));
    js(&tab, &format!("{W}.querySelector('.btn').click()"));
    until(&tab, &format!("{W}.querySelectorAll('.m.visitor, .m.agent').length === 2"));
    assert!(!js(&tab, &format!("{W}.querySelector('.log').textContent")).as_str().unwrap().contains("VIP"));
    js(
        &tab,
        &format!(
            "(() => {{ const r = {W}; r.querySelector('textarea').value = '谢谢'; r.querySelector('form').requestSubmit(); }})()"
        ),
    );
    let t0 = Instant::now();
    loop {
        let (_, t) = get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(&admin));
        if t["timeline"].as_array().unwrap().iter().any(|i| i["event"]["text"] == "谢谢") {
            break;
        }
        assert!(t0.elapsed().as_secs() < 15);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(webchat_conversations(&app, &admin).len(), 1, "the same visitor, the same conversation");
}

#[test]
fn the_chat_endpoint_checks_origin_input_and_rate() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let (s, _) = send_json(
        "PUT",
        &app.url("/api/v1/channels/site"),
        Some(&admin),
        &json!({"kind": "webchat", "allowed_origins": ["https://shop.example.com"]}),
    );
    assert_eq!(s, 200);
    let post = |origin: &str, body: &Value| {
        let mut r = agent()
            .post(&app.url("/chat/site/messages"))
            .header("Origin", origin)
            .header("Content-Type", "text/plain")
            .send(serde_json::to_vec(body).unwrap().as_slice())
            .unwrap();
        let acao =
            r.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (r.status().as_u16(), acao, r.body_mut().read_to_string().unwrap())
    };
    let visitor = "00112233445566778899aabbccddeeff";
    let msg = |id: &str| json!({"visitor": visitor, "id": id, "text": "hello"});
    let (s, acao, _) = post("https://shop.example.com", &msg("m-1"));
    assert_eq!((s, acao.as_str()), (202, "https://shop.example.com"));
    assert_eq!(post("https://evil.example", &msg("m-2")).0, 403);
    let (s, _, body) = post("https://shop.example.com", &json!({"visitor": "not-hex", "id": "m-3", "text": "x"}));
    assert!(s == 400 && body.contains("32 hexadecimal"), "{body}");
    assert_eq!(post("https://shop.example.com", &json!({"visitor": visitor, "id": "m-4", "text": "  "})).0, 400);
    let to_nowhere =
        agent().post(&app.url("/chat/nope/messages")).send(serde_json::to_vec(&msg("m-5")).unwrap().as_slice());
    assert_eq!(to_nowhere.unwrap().status().as_u16(), 404);
    // A flood from one visitor is cut off with 429 and Retry-After.
    let statuses: Vec<u16> = (0..15).map(|i| post("https://shop.example.com", &msg(&format!("f-{i}"))).0).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    // A resend of the same message id is stored once.
    assert!(app.channels.wait_idle(Duration::from_secs(10)));
    let (_, list) = get(&app.url("/api/v1/conversations?channel=webchat"), Some(&admin));
    let conv = list["items"][0]["id"].as_str().unwrap().to_string();
    let before =
        get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(&admin)).1["timeline"].as_array().unwrap().len();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(post("https://shop.example.com", &msg("m-1")).0, 202);
    assert!(app.channels.wait_idle(Duration::from_secs(10)));
    let after =
        get(&app.url(&format!("/api/v1/conversations/{conv}")), Some(&admin)).1["timeline"].as_array().unwrap().len();
    assert_eq!(before, after);
    // The widget weighs under 30 KB compressed.
    let mut r = agent().get(&app.url("/widget.js")).header("Accept-Encoding", "gzip").call().unwrap();
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let gz = r.body_mut().read_to_vec().unwrap();
    assert!(gz.len() < 30 * 1024, "{} bytes", gz.len());
}
