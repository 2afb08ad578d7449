//! Transcript search over HTTP: the hand-written relevance set over our own
//! Chinese, English, Portuguese, Japanese and Korean conversations
//! (`tests/fixtures/search_corpus.ndjson`), permissions, paging, snippets,
//! audit, live indexing, and exhaustive recall against a plain scan.

use std::collections::BTreeSet;

use chatledger::domain::UserRole;
use serde_json::Value;

use crate::common::{TestApp, agent, get, post_bytes};

fn search(app: &TestApp, token: &str, params: &[(&str, &str)]) -> (u16, Value) {
    let mut req = agent().get(&app.url("/api/v1/search")).header("Authorization", &format!("Bearer {token}"));
    for (k, v) in params {
        req = req.query(*k, *v);
    }
    let mut resp = req.call().unwrap();
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn key(h: &Value) -> String {
    format!(
        "{}/{}/{}",
        h["conversation"].as_str().unwrap(),
        h["message"].as_str().unwrap_or("note"),
        h["kind"].as_str().unwrap()
    )
}

/// Every hit of a query (all pages), as sorted keys.
fn keys(app: &TestApp, token: &str, params: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut page = String::new();
    loop {
        let mut p: Vec<(&str, &str)> = params.to_vec();
        p.push(("limit", "100"));
        if !page.is_empty() {
            p.push(("page", &page));
        }
        let (s, v) = search(app, token, &p);
        assert_eq!(s, 200, "{params:?}: {v}");
        out.extend(v["hits"].as_array().unwrap().iter().map(key));
        match v["next"].as_str() {
            Some(n) => page = n.to_string(),
            None => break,
        }
    }
    out.sort();
    out
}

fn started() -> TestApp {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    app.wait_indexed();
    app
}

/// (query, extra parameters, expected hits as conversation/message/kind).
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

const MANAGER_CASES: &[Case] = &[
    // Chinese: substrings anywhere, like Ctrl-F.
    (
        "退款",
        &[],
        &[
            "s-01/m1/message",
            "s-01/m3/message",
            "s-01/note/note",
            "s-02/m1/message",
            "s-02/m4/message",
            "s-06/m1/message",
        ],
    ),
    (
        "退款 -测试",
        &[],
        &["s-01/m1/message", "s-01/m3/message", "s-01/note/note", "s-02/m1/message", "s-06/m1/message"],
    ),
    ("退款单", &[], &["s-01/m3/message"]),
    ("申请退款", &[], &["s-01/m1/message"]),
    (
        "退",
        &[],
        &[
            "s-01/m1/message",
            "s-01/m3/message",
            "s-01/note/note",
            "s-02/m1/message",
            "s-02/m2/message",
            "s-02/m4/message",
            "s-06/m1/message",
        ],
    ),
    ("投诉", &[], &["s-03/m1/message", "s-03/m2/message"]),
    ("非常抱歉", &[], &["s-03/m2/message", "s-03/m2/revision"]),
    ("带来不便", &[], &["s-03/m2/revision"]),
    ("发票", &[], &["s-03/m3/message", "s-05/m1/message", "s-05/m2/message", "s-05/note/note"]),
    ("发票", &[("deleted", "exclude")], &["s-05/m1/message", "s-05/m2/message", "s-05/note/note"]),
    ("发票", &[("deleted", "only")], &["s-03/m3/message"]),
    ("发票 kind:note", &[], &["s-05/note/note"]),
    ("发票 channel:webchat", &[], &["s-05/m1/message", "s-05/m2/message", "s-05/note/note"]),
    ("发票", &[("channel", "line,telegram")], &["s-03/m3/message"]),
    ("\"请提供订单号\"", &[], &["s-01/m2/message"]),
    ("订单号", &[], &["s-01/m2/message", "s-01/m3/message"]),
    ("88231", &[], &["s-01/m3/message"]),
    ("号是88231", &[], &["s-01/m3/message"]),
    ("退款 单", &[], &["s-01/m3/message", "s-02/m4/message"]),
    ("iphone订单", &[], &["s-04/m1/message"]),
    ("SF1234567890", &[], &["s-04/m2/message"]),
    ("ok", &[], &["s-04/m3/message"]),
    (
        "team:cn-care 退款",
        &[],
        &["s-01/m1/message", "s-01/m3/message", "s-01/note/note", "s-02/m1/message", "s-02/m4/message"],
    ),
    ("tag:退款", &[], &["s-01/m1/message", "s-01/m2/message", "s-01/m3/message", "s-01/note/note"]),
    // English: whole words, case-insensitive; prefixes only when asked.
    (
        "refund",
        &[],
        &[
            "s-10/m1/message",
            "s-10/m1/subject",
            "s-10/m2/message",
            "s-12/m3/message",
            "s-14/m1/message",
            "s-14/m2/message",
            "s-14/m3/message",
            "s-15/m1/message",
        ],
    ),
    (
        "REFUND*",
        &[],
        &[
            "s-10/m1/message",
            "s-10/m1/subject",
            "s-10/m2/message",
            "s-10/m3/message",
            "s-12/m3/message",
            "s-14/m1/message",
            "s-14/m2/message",
            "s-14/m3/message",
            "s-15/m1/message",
        ],
    ),
    ("fund", &[], &["s-13/m1/message"]),
    ("\"refund request\"", &[], &["s-10/m1/subject", "s-14/m1/message", "s-14/m2/message"]),
    ("refund -request", &[], &["s-10/m1/message", "s-10/m2/message", "s-12/m3/message", "s-15/m1/message"]),
    ("invoice", &[], &["s-10/m1/attachment", "s-11/m1/message", "s-11/m2/message", "s-11/m2/revision"]),
    (
        "invoice OR receipt",
        &[],
        &["s-10/m1/attachment", "s-11/m1/message", "s-11/m2/message", "s-11/m2/revision", "s-11/m3/message"],
    ),
    ("e-mail", &[], &["s-11/m2/revision", "s-21/m2/revision"]),
    ("email", &[], &["s-11/m2/message"]),
    ("chargeback", &[], &["s-12/m1/message", "s-12/m2/message", "s-12/note/note"]),
    ("chargeback agent:a-ops", &[], &["s-12/m1/message", "s-12/m2/message", "s-12/note/note"]),
    ("chargeback sender:customer", &[], &["s-12/m1/message"]),
    ("pdf kind:attachment", &[], &["s-10/m1/attachment"]),
    ("5521", &[], &["s-10/m1/attachment", "s-10/m1/message", "s-10/m1/subject"]),
    ("test", &[], &["s-13/m3/message"]),
    (
        "refund",
        &[("from", "2026-11-12"), ("to", "2026-11-14")],
        &["s-12/m3/message", "s-14/m1/message", "s-14/m2/message", "s-14/m3/message"],
    ),
    (
        "refund agent:a-en1 OR agent:a-zh1",
        &[],
        &[
            "s-10/m1/message",
            "s-10/m1/subject",
            "s-10/m2/message",
            "s-12/m3/message",
            "s-14/m1/message",
            "s-14/m2/message",
            "s-14/m3/message",
        ],
    ),
    // Portuguese: accents and case fold.
    ("nao", &[], &["s-20/m1/message", "s-21/m1/message"]),
    ("NÃO", &[], &["s-20/m1/message", "s-21/m1/message"]),
    ("acao", &[], &["s-21/m3/message"]),
    ("reembolso", &[], &["s-20/m3/message", "s-22/m1/message", "s-22/m2/message", "s-22/note/note"]),
    ("reembolso tag:reembolso", &[], &["s-20/m3/message"]),
    ("reembolso -tag:reembolso", &[], &["s-22/m1/message", "s-22/m2/message", "s-22/note/note"]),
    ("\"nota fiscal\"", &[], &["s-21/m1/message", "s-21/m2/message", "s-21/m2/revision"]),
    ("pedido", &[], &["s-20/m1/message", "s-20/m2/message", "s-22/m1/message"]),
    // Japanese kana and Korean hangul: substrings.
    ("返金", &[], &["s-30/m1/message"]),
    ("お願い", &[], &["s-30/m1/message"]),
    ("환불", &[], &["s-31/m1/message"]),
    ("요청", &[], &["s-31/m1/message"]),
    // Filters alone.
    (
        "channel:line",
        &[],
        &[
            "s-03/m1/message",
            "s-03/m2/message",
            "s-03/m2/revision",
            "s-03/m3/message",
            "s-30/m1/message",
            "s-30/m2/message",
            "s-31/m1/message",
            "s-31/m2/message",
        ],
    ),
    (
        "",
        &[("team", "sales-latam"), ("sender", "agent")],
        &["s-20/m2/message", "s-21/m2/message", "s-21/m2/revision", "s-22/m2/message", "s-22/note/note"],
    ),
];

#[test]
fn relevance_set_finds_exactly_the_expected_hits() {
    let app = started();
    let token = app.token_for("manager", UserRole::Manager, None);
    let mut failures = Vec::new();
    for (q, params, want) in MANAGER_CASES {
        let mut p = vec![("q", *q)];
        p.extend_from_slice(params);
        let got = keys(&app, &token, &p);
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        if got != want {
            failures.push(format!("{q:?} {params:?}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(MANAGER_CASES.len() >= 40);
    assert!(
        failures.is_empty(),
        "{} of {} queries differ:\n{}",
        failures.len(),
        MANAGER_CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn an_agent_sees_only_its_conversations_and_never_deleted_content() {
    let app = started();
    let token = app.token_for("emma", UserRole::Agent, Some("a-en1"));
    let refund = keys(&app, &token, &[("q", "refund")]);
    assert_eq!(
        refund,
        [
            "s-10/m1/message",
            "s-10/m1/subject",
            "s-10/m2/message",
            "s-12/m3/message",
            "s-14/m1/message",
            "s-14/m2/message",
            "s-14/m3/message"
        ]
    );
    assert!(keys(&app, &token, &[("q", "test")]).is_empty(), "a deleted message of its own stays hidden");
    assert!(keys(&app, &token, &[("q", "退款")]).is_empty());
    let (s, _) = search(&app, &token, &[("q", "refund"), ("deleted", "only")]);
    assert_eq!(s, 403);
}

#[test]
fn hits_carry_marked_escaped_snippets_and_flags() {
    let app = started();
    let token = app.admin_token();
    let (s, v) = search(&app, &token, &[("q", "receipt")]);
    assert_eq!(s, 200);
    let h = &v["hits"][0];
    assert_eq!(h["snippet"], "Thanks, got the <mark>receipt</mark> &lt;3");
    assert_eq!(h["channel"], "messenger");
    assert_eq!(h["sender"], "customer");
    assert_eq!(h["ts"], "2026-11-11T09:02:00.000Z");
    let (_, v) = search(&app, &token, &[("q", "发票什么时候")]);
    let h = &v["hits"][0];
    assert_eq!((h["deleted"].as_bool(), h["edited"].as_bool()), (Some(true), Some(false)));
    assert_eq!(h["snippet"], "<mark>发票什么时候</mark>开？");
    let (_, v) = search(&app, &token, &[("q", "非常抱歉"), ("sort", "newest")]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["kind"], "message", "the edit is newer");
    assert!(hits.iter().all(|h| h["edited"] == true && h["agent"] == "a-zh1"));
    assert_eq!(hits[0]["snippet"], "<mark>非常抱歉</mark>，我们马上处理您的投诉");
    // Mixed-width text is marked where it stands in the original.
    let (_, v) = search(&app, &token, &[("q", "88231")]);
    assert_eq!(v["hits"][0]["snippet"], "订单号是<mark>８８２３１</mark>，退款单已经填好了");
}

#[test]
fn whole_words_rank_first_and_newest_sorts_by_time() {
    let app = started();
    let token = app.admin_token();
    let (_, v) = search(&app, &token, &[("q", "退款")]);
    let hits: Vec<String> = v["hits"].as_array().unwrap().iter().map(key).collect();
    assert_eq!(v["total"], 6);
    // 退款 alone, then texts where it is a word, before 退款单 and 退款测试单.
    assert_eq!(hits[0], "s-06/m1/message");
    let pos = |k: &str| hits.iter().position(|h| h == k).unwrap();
    assert!(pos("s-01/m1/message") < pos("s-01/m3/message"), "{hits:?}");
    let (_, v) = search(&app, &token, &[("q", "refund"), ("sort", "newest")]);
    let ts: Vec<&str> = v["hits"].as_array().unwrap().iter().map(|h| h["ts"].as_str().unwrap()).collect();
    let mut sorted = ts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ts, sorted);
}

#[test]
fn pages_cover_every_hit_once_and_total_counts_them() {
    let app = started();
    let token = app.admin_token();
    let (_, first) = search(&app, &token, &[("q", "refund"), ("limit", "3")]);
    assert_eq!(first["total"], 8);
    let mut seen = BTreeSet::new();
    let mut page = first.clone();
    loop {
        for h in page["hits"].as_array().unwrap() {
            assert!(seen.insert(key(h)), "a hit twice");
        }
        let Some(next) = page["next"].as_str().map(str::to_string) else { break };
        page = search(&app, &token, &[("q", "refund"), ("limit", "3"), ("page", &next)]).1;
    }
    assert_eq!(seen.len(), 8);
}

#[test]
fn bad_queries_are_explained_and_searches_are_audited() {
    let app = started();
    let token = app.admin_token();
    for (q, needle) in [("\"open", "not closed"), ("OR x", "OR"), ("kind:video x", "kind"), ("", "word")] {
        let (s, v) = search(&app, &token, &[("q", q)]);
        assert_eq!(s, 400, "{q}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{q}: {v}");
    }
    assert_eq!(search(&app, &token, &[("q", "x"), ("sort", "best")]).0, 400);
    assert_eq!(search(&app, &token, &[("q", "x"), ("from", "yesterday")]).0, 400);
    assert_eq!(get(&app.url("/api/v1/search?q=x"), None).0, 401);
    search(&app, &token, &[("q", "退款 -测试"), ("channel", "wechat")]);
    let (_, audit) = get(&app.url("/api/v1/audit?limit=5"), Some(&token));
    let entry = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "search").expect("audited");
    let detail = entry["detail"].as_str().unwrap();
    assert!(detail.contains("退款 -测试") && detail.contains("wechat"), "{detail}");
    assert!(
        entry["actor"].as_str().unwrap().contains("admin") || entry["actor"].as_str().unwrap().starts_with("token:"),
        "{entry}"
    );
}

#[test]
fn a_new_event_is_searchable_right_after_it_is_acknowledged() {
    let app = started();
    let token = app.admin_token();
    let line = r#"{"type":"message","conversation":"s-99","id":"m1","channel":"webchat","ts":"2026-11-30T09:00:00Z","sender":"customer","contact":"k-99","text":"xylophone 木琴坏了"}"#;
    let (s, v) = post_bytes(&app.url("/api/v1/events"), &token, line.as_bytes());
    assert_eq!(s, 200, "{v}");
    let t0 = std::time::Instant::now();
    loop {
        let (_, v) = search(&app, &token, &[("q", "木琴")]);
        if v["total"] == 1 {
            break;
        }
        assert!(t0.elapsed().as_secs() < 10, "not searchable after 10 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // An edit and a recall arrive later: the hit follows them.
    let more = concat!(
        r#"{"type":"edit","conversation":"s-99","message":"m1","ts":"2026-11-30T09:01:00Z","text":"xylophone fixed"}"#,
        "\n",
        r#"{"type":"delete","conversation":"s-99","message":"m1","ts":"2026-11-30T09:02:00Z","by":"customer"}"#
    );
    assert_eq!(post_bytes(&app.url("/api/v1/events"), &token, more.as_bytes()).0, 200);
    app.wait_indexed();
    let got = keys(&app, &token, &[("q", "xylophone")]);
    assert_eq!(got, ["s-99/m1/message", "s-99/m1/revision"]);
    let (_, v) = search(&app, &token, &[("q", "xylophone"), ("deleted", "exclude")]);
    assert_eq!(v["total"], 0);
}

/// Exhaustive recall: every Chinese substring of length 1 to 3 and every Latin
/// word of the corpus finds exactly the texts a plain scan finds.
#[test]
fn recall_matches_a_plain_scan_of_every_text() {
    let app = started();
    let token = app.admin_token();
    let corpus = std::fs::read_to_string(crate::common::fixture("search_corpus.ndjson")).unwrap();
    // The texts the index holds: message texts, edits, notes, subjects, attachment names.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut current: std::collections::HashMap<(String, String), usize> = Default::default();
    for line in corpus.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let conv = e["conversation"].as_str().unwrap_or_default().to_string();
        match e["type"].as_str().unwrap() {
            "message" => {
                let id = e["id"].as_str().unwrap().to_string();
                current.insert((conv.clone(), id.clone()), texts.len());
                texts.push((format!("{conv}/{id}/message"), e["text"].as_str().unwrap().to_string()));
                if let Some(s) = e["subject"].as_str() {
                    texts.push((format!("{conv}/{id}/subject"), s.to_string()));
                }
                for a in e["attachments"].as_array().into_iter().flatten() {
                    texts.push((format!("{conv}/{id}/attachment"), a["name"].as_str().unwrap().to_string()));
                }
            }
            "edit" => {
                let id = e["message"].as_str().unwrap().to_string();
                let i = current[&(conv.clone(), id.clone())];
                texts[i].0 = format!("{conv}/{id}/revision");
                current.insert((conv.clone(), id.clone()), texts.len());
                texts.push((format!("{conv}/{id}/message"), e["text"].as_str().unwrap().to_string()));
            }
            "note" => texts.push((format!("{conv}/note/note"), e["text"].as_str().unwrap().to_string())),
            _ => {}
        }
    }
    let fold = |s: &str| chatledger::search::normalize::fold_str(s);
    let mut probes: BTreeSet<String> = BTreeSet::new();
    for (_, t) in &texts {
        let f: Vec<char> = fold(t).chars().collect();
        for n in 1..=3 {
            for w in f.windows(n) {
                if w.iter().all(|c| chatledger::search::normalize::is_cjk(*c)) {
                    probes.insert(w.iter().collect());
                }
            }
        }
        for word in fold(t).split(|c: char| !chatledger::search::normalize::is_word_char(c)) {
            if !word.is_empty() {
                probes.insert(word.to_string());
            }
        }
    }
    let mut checked = 0;
    for p in &probes {
        let cjk = p.chars().all(chatledger::search::normalize::is_cjk);
        let mut want: Vec<String> = texts
            .iter()
            .filter(|(_, t)| {
                let f = fold(t);
                if cjk {
                    f.contains(p.as_str())
                } else {
                    f.split(|c: char| !chatledger::search::normalize::is_word_char(c)).any(|w| w == p)
                }
            })
            .map(|(k, _)| k.clone())
            .collect();
        want.sort();
        let got = keys(&app, &token, &[("q", p)]);
        assert_eq!(got, want, "probe {p:?}");
        checked += 1;
    }
    assert!(checked > 300, "{checked} probes");
}

#[test]
fn a_conversations_own_figures_are_served_to_those_who_may_see_it() {
    let app = started();
    let token = app.token_for("manager", UserRole::Manager, None);
    let (s, f) = get(&app.url("/api/v1/conversations/s-01/figures"), Some(&token));
    assert_eq!(s, 200, "{f}");
    // s-01: the customer writes at 09:00:00, a-zh1 answers at 09:01:00, resolves at 09:05:00.
    assert_eq!(f["first_response_s"], 60);
    assert_eq!(f["resolution_s"], 300);
    // Every answered wait is a reply sample, the first one included.
    assert_eq!((f["replies"].as_i64(), f["reply_median_s"].as_i64()), (Some(1), Some(60)), "{f}");
    assert_eq!(f["channel"], "wechat");
    let emma = app.token_for("emma", UserRole::Agent, Some("a-en1"));
    assert_eq!(get(&app.url("/api/v1/conversations/s-01/figures"), Some(&emma)).0, 404);
    assert_eq!(get(&app.url("/api/v1/conversations/s-10/figures"), Some(&emma)).0, 200);
    assert_eq!(get(&app.url("/api/v1/conversations/nope/figures"), Some(&token)).0, 404);
}
