//! The record over HTTP: import, timelines, lists, contacts, agents, audit of reads.

use crate::common::*;
use chatledger::domain::UserRole;

#[test]
fn import_over_http_answers_the_same_summary_as_the_cli() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let mut body = std::fs::read(fixture("sample.ndjson")).unwrap();
    body.extend_from_slice(
        b"{\"type\":\"csat\",\"conversation\":\"c-2\",\"ts\":\"2026-11-03T11:00:00Z\",\"score\":9}\n",
    );
    let (s, sum) = post_bytes(&app.url("/api/v1/events"), &admin, &body);
    assert_eq!(s, 200, "{sum}");
    assert_eq!(sum["accepted"], 26);
    assert_eq!(sum["rejected"], 1);
    assert_eq!(sum["rejections"][0]["line"], 27);
    // The same lines twice inside one batch: the copies are duplicates too.
    let sample = std::fs::read(fixture("sample.ndjson")).unwrap();
    let twice = [sample.clone(), sample].concat();
    let other = TestApp::start();
    let t2 = other.admin_token();
    let (_, s2) = post_bytes(&other.url("/api/v1/events"), &t2, &twice);
    assert_eq!((s2["accepted"].as_u64(), s2["duplicates"].as_u64()), (Some(26), Some(26)), "{s2}");
    let (_, again) = post_bytes(&app.url("/api/v1/events"), &admin, &body);
    assert_eq!((again["accepted"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(26)));
    // Export over HTTP gives the events back, filtered.
    let resp = agent()
        .get(&app.url("/api/v1/events?conversation=c-2"))
        .header("Authorization", &format!("Bearer {admin}"))
        .call()
        .unwrap();
    let text = resp.into_body().read_to_string().unwrap();
    let conv_lines = text.lines().filter(|l| l.contains("\"conversation\"")).count();
    assert_eq!(conv_lines, 4, "{text}");
}

#[test]
fn a_timeline_keeps_every_revision_recall_note_and_transfer() {
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let admin = app.admin_token();
    let (s, t) = get(&app.url("/api/v1/conversations/c-1"), Some(&admin));
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["conversation"]["status"], "resolved");
    assert_eq!(t["conversation"]["holder"], "a-20");
    assert_eq!(t["conversation"]["home_agent"], "a-07");
    assert_eq!(t["conversation"]["csat"], 5);
    let items = t["timeline"].as_array().unwrap();
    assert_eq!(items.len(), 13);
    let m3 = items.iter().find(|i| i["event"]["id"] == "m3").unwrap();
    assert_eq!(m3["current_text"], "订单 88232");
    assert_eq!(m3["revisions"][0]["text"], "订单 88231", "the original is kept");
    let m4 = items.iter().find(|i| i["event"]["id"] == "m4").unwrap();
    assert_eq!(m4["deleted"]["by"], "customer");
    assert_eq!(m4["event"]["text"], "我的密码是 hunter2", "a manager sees recalled content");
    let types: Vec<&str> = items.iter().map(|i| i["event"]["type"].as_str().unwrap()).collect();
    for ty in ["assign", "note", "tag", "transfer", "resolve", "csat", "edit", "delete"] {
        assert!(types.contains(&ty), "{ty} missing from {types:?}");
    }
    let transfer = items.iter().find(|i| i["event"]["type"] == "transfer").unwrap();
    assert_eq!(transfer["event"]["reason"], "退款需要运营审批");
    // Unknown fields stay with the event.
    assert_eq!(items[0]["event"]["campaign"], "double-11");
    // Reading the transcript is audited, with the request id given.
    let resp = agent()
        .get(&app.url("/api/v1/conversations/c-1"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("X-Request-Id", "req-42")
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // The newest read entry (the automatic QA checks write entries of their own meanwhile).
    let entries = app.store.audit_entries(None, 10).unwrap();
    let e = entries.iter().find(|e| e.action == "conversation.read").expect("the read is audited");
    assert_eq!(
        (e.action.as_str(), e.target.as_str(), e.request_id.as_deref()),
        ("conversation.read", "conversation:c-1", Some("req-42"))
    );
    assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
    assert_eq!(get(&app.url("/api/v1/conversations/nope"), Some(&admin)).0, 404);
}

#[test]
fn an_agent_user_sees_only_its_conversations_and_no_recalled_content() {
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let wang = app.token_for("wang", UserRole::Agent, Some("a-07"));
    let (_, list) = get(&app.url("/api/v1/conversations"), Some(&wang));
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["c-1"]);
    assert_eq!(get(&app.url("/api/v1/conversations/c-2"), Some(&wang)).0, 404, "not even by URL");
    assert_eq!(get(&app.url("/api/v1/conversations?agent=a-12"), Some(&wang)).0, 403);
    let (_, t) = get(&app.url("/api/v1/conversations/c-1"), Some(&wang));
    let m4 = t["timeline"].as_array().unwrap().iter().find(|i| i["event"]["id"] == "m4").unwrap();
    assert_eq!(m4["redacted"], true);
    assert!(m4["event"].get("text").is_none());
    assert!(!t.to_string().contains("hunter2"));
    assert_eq!(get(&app.url("/api/v1/contacts"), Some(&wang)).0, 403);
}

#[test]
fn lists_filter_and_paginate_and_history_outlives_agents() {
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let admin = app.admin_token();
    let q = |qs: &str| -> Vec<String> {
        let (s, b) = get(&app.url(&format!("/api/v1/conversations?{qs}")), Some(&admin));
        assert_eq!(s, 200, "{qs}: {b}");
        b["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(q(""), vec!["c-3", "c-2", "c-1"], "most recent first");
    assert_eq!(q("channel=telegram"), vec!["c-2"]);
    assert_eq!(q("agent=a-20"), vec!["c-1"]);
    assert_eq!(q("team=sales-latam"), vec!["c-2"]);
    assert_eq!(q("status=resolved"), vec!["c-3", "c-1"]);

    assert_eq!(q("tag=refund"), vec!["c-1"]);
    assert_eq!(q("from=2026-11-03&to=2026-11-04"), vec!["c-2"]);
    assert_eq!(get(&app.url("/api/v1/conversations?status=maybe"), Some(&admin)).0, 400);
    assert_eq!(get(&app.url("/api/v1/conversations?from=yesterday"), Some(&admin)).0, 400);
    // Pagination: two pages of one and two.
    let (_, p1) = get(&app.url("/api/v1/conversations?limit=1"), Some(&admin));
    let next = p1["next"].as_str().unwrap();
    let (_, p2) = get(&app.url(&format!("/api/v1/conversations?limit=5&cursor={next}")), Some(&admin));
    let ids: Vec<&str> = p2["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["c-2", "c-1"]);
    assert!(p2["next"].is_null());
    // The agent who left is inactive but listed; the contact keeps both conversations.
    let (_, agents) = get(&app.url("/api/v1/agents"), Some(&admin));
    let lucas = agents.as_array().unwrap().iter().find(|a| a["id"] == "a-12").unwrap();
    assert_eq!((lucas["active"].as_bool(), lucas["name"].as_str()), (Some(false), Some("Lucas Lima")));
    let stub = agents.as_array().unwrap().iter().find(|a| a["id"] == "a-99").unwrap();
    assert_eq!(stub["stub"], true, "an undeclared agent becomes a stub");
    let (_, k2) = get(&app.url("/api/v1/contacts/k-2"), Some(&admin));
    let convs: Vec<&str> = k2["conversations"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(convs.len(), 2);
    assert!(convs.contains(&"c-2") && convs.contains(&"c-3"));
}

#[test]
fn only_an_agents_own_message_makes_it_a_party_and_redaction_keeps_only_the_frame() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let lines = concat!(
        r#"{"type":"message","conversation":"x-1","id":"m1","channel":"email","ts":"2026-11-05T08:00:00Z","sender":"customer","contact":"k-9","agent":"a-07","text":"hi","subject":"Invoice 77 with my card number"}"#,
        "\n",
        r#"{"type":"delete","conversation":"x-1","message":"m1","ts":"2026-11-05T08:01:00Z","by":"customer"}"#,
        "\n",
        r#"{"type":"message","conversation":"x-1","id":"m2","channel":"email","ts":"2026-11-05T08:02:00Z","sender":"agent","agent":"a-08","text":"hello"}"#,
        "\n",
    );
    let (s, sum) = post_bytes(&app.url("/api/v1/events"), &admin, lines.as_bytes());
    assert_eq!((s, sum["accepted"].as_u64()), (200, Some(3)), "{sum}");
    // a-07 was only named on a customer's message: not a party, no access.
    let a07 = app.token_for("a07", UserRole::Agent, Some("a-07"));
    assert_eq!(get(&app.url("/api/v1/conversations/x-1"), Some(&a07)).0, 404);
    // a-08 answered: it sees the conversation, but of the recalled message only its frame.
    let a08 = app.token_for("a08", UserRole::Agent, Some("a-08"));
    let (s, t) = get(&app.url("/api/v1/conversations/x-1"), Some(&a08));
    assert_eq!(s, 200);
    let m1 = &t["timeline"][0];
    assert_eq!(m1["redacted"], true);
    assert!(m1["event"].get("subject").is_none(), "{m1}");
    assert!(!t.to_string().contains("card number"));
    // The field is kept in the record, for those allowed to see it.
    let (_, full) = get(&app.url("/api/v1/conversations/x-1"), Some(&admin));
    assert_eq!(full["timeline"][0]["event"]["agent"], "a-07");
    assert_eq!(full["conversation"]["agents"], serde_json::json!(["a-08"]));
}

#[test]
fn a_late_older_message_refolds_the_conversation_and_moves_its_contact() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let first = r#"{"type":"message","conversation":"y-1","id":"m2","channel":"line","ts":"2026-11-05T10:00:00Z","sender":"customer","contact":"k-2","text":"again"}"#;
    let late = r#"{"type":"message","conversation":"y-1","id":"m1","channel":"whatsapp","ts":"2026-11-05T09:00:00Z","sender":"customer","contact":"k-1","text":"first"}"#;
    post_bytes(&app.url("/api/v1/events"), &admin, first.as_bytes());
    post_bytes(&app.url("/api/v1/events"), &admin, late.as_bytes());
    let (_, t) = get(&app.url("/api/v1/conversations/y-1"), Some(&admin));
    assert_eq!(t["conversation"]["channel"], "whatsapp", "the channel of the first message in the timeline");
    assert_eq!(t["conversation"]["contact"], "k-1");
    assert_eq!(t["timeline"][0]["event"]["id"], "m1");
    let (_, k1) = get(&app.url("/api/v1/contacts/k-1"), Some(&admin));
    assert_eq!(k1["conversations"].as_array().map(Vec::len), Some(1));
    let (s, k2) = get(&app.url("/api/v1/contacts/k-2"), Some(&admin));
    assert!(s == 404 || k2["conversations"].as_array().map(Vec::len) == Some(0), "{k2}");
}

#[test]
fn the_facts_derived_with_the_events_give_a_conversations_figures() {
    // Worked by hand from the sample's c-1 (all times +08:00 on 2026-11-02):
    // 09:00:00 customer, 09:00:05 assign a-07, 09:02:00 a-07 answers → first response 120 s;
    // 09:03:10 customer (wait starts), 09:03:50 customer (recalled, still counts),
    // 09:06:00 transfer a-07 → a-20, 09:10:00 a-20 answers → reply 410 s, post-transfer 240 s;
    // 09:30:00 resolve by a-20 → resolution 1800 s; duration 09:00 → 09:10 = 600 s held by a-20;
    // turns C, A, C, A = depth 4; CSAT 5 while a-20 holds it.
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let facts = app.store.conversation_facts("c-1").unwrap().unwrap();
    assert_eq!(facts.items.len(), 11, "13 events less the edit and the recall");
    let events = facts.to_events();
    assert!(events.iter().all(|e| !matches!(&e.body, chatledger::domain::Body::Message { text: Some(_), .. })));
    let a = chatledger::metrics::timeline::analyze(&events);
    assert_eq!(a.channel, Some(chatledger::domain::Channel::Whatsapp));
    assert_eq!(a.first_response.as_ref().map(|s| (s.seconds, s.agent.as_deref())), Some((120, Some("a-07"))));
    assert_eq!(a.replies.iter().map(|s| s.seconds).collect::<Vec<_>>(), vec![120, 410]);
    assert_eq!(
        a.post_transfer.iter().map(|s| (s.seconds, s.agent.as_deref())).collect::<Vec<_>>(),
        vec![(240, Some("a-20"))]
    );
    assert_eq!(a.resolution.as_ref().map(|s| (s.seconds, s.agent.as_deref())), Some((1800, Some("a-20"))));
    assert_eq!(a.duration.as_ref().map(|s| (s.seconds, s.agent.as_deref())), Some((600, Some("a-20"))));
    assert_eq!(a.depth, 4);
    assert_eq!(a.csat.iter().map(|c| (c.1, c.2.as_deref())).collect::<Vec<_>>(), vec![(5, Some("a-20"))]);
    assert_eq!(a.home.as_deref(), Some("a-07"));
    assert_eq!(a.tags, vec!["refund".to_string()]);
}
