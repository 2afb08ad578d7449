//! Metrics over HTTP and the CLI, on the hand-made sample (tests/fixtures/sample.ndjson).
//! Expected figures are worked out by hand from the sample's timelines:
//! c-1 (whatsapp, +08:00) waits 09:00→09:02 (120 s, a-07); c-2 (telegram, -03:00)
//! waits 10:00→10:04 (240 s, a-12), then 10:05 is still pending; c-3 (email, UTC)
//! waits 08:00→09:00 (3600 s, a-99).

use serde_json::{Value, json};

use crate::common::*;
use chatledger::domain::UserRole;

const PERIOD: &str = "from=2026-11-01&to=2026-11-05&tz=Asia/Shanghai";

fn sample_app() -> (TestApp, String) {
    let app = TestApp::start();
    app.import_fixture("sample.ndjson");
    let t = app.admin_token();
    (app, t)
}

fn group<'a>(v: &'a Value, key: &str) -> &'a Value {
    let groups = v["groups"].as_array().unwrap();
    &groups.iter().find(|g| g["group"] == key).unwrap_or_else(|| panic!("no group {key} in {v}"))["metrics"]
}

#[test]
fn metrics_over_http_are_the_hand_worked_figures() {
    let (app, t) = sample_app();
    let (s, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    assert_eq!(s, 200, "{v}");
    let o = &v["overall"];
    assert_eq!((o["conversations_handled"].as_u64(), o["new_conversations"].as_u64()), (Some(3), Some(3)));
    // First responses 120, 240, 3600: mean 1320, median rank 2 → 240, p90 rank 3 → 3600.
    assert_eq!(o["first_response"], json!({"mean": 1320.0, "median": 240, "p90": 3600, "count": 3}));
    assert_eq!(o["sla"], json!({"attained": 2, "count": 3, "share": 2.0 / 3.0}));
    // In: c-1 m1, m3, m4 (recalled, still counts), c-2 m1, m4, c-3 m1. Out: c-1 m2, m5, c-2 m3, c-3 m2.
    assert_eq!((o["messages_in"].as_u64(), o["messages_out"].as_u64()), (Some(6), Some(4)));
    assert_eq!(o["unanswered"], 1);
    assert_eq!(o["csat"], json!({"mean": 5.0, "count": 1}));
    assert_eq!(v["query"]["tz"], "Asia/Shanghai");
    assert_eq!(v["query"]["from"], "2026-10-31T16:00:00.000Z");
    assert!(o.get("business").is_none(), "no schedule, no business variants");

    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}&group_by=agent")), Some(&t));
    let a07 = group(&v, "a-07");
    assert_eq!((a07["transfers_made"].as_u64(), a07["notes_written"].as_u64()), (Some(1), Some(1)));
    let a20 = group(&v, "a-20");
    // Transfer 09:06 → a-20 answers 09:10: 240 s; a-20 resolved c-1 at 09:30: 1800 s after its first message.
    assert_eq!(a20["post_transfer"], json!({"mean": 240.0, "count": 1}));
    assert_eq!(a20["resolution"]["median"], 1800);
    assert_eq!(group(&v, "a-99")["resolution"]["median"], 3660);

    let (s, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}&group_by=fortnight")), Some(&t));
    assert_eq!(s, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("group_by"), "{v}");
    let (s, _) = get(&app.url("/api/v1/metrics?from=2026-11-05&to=2026-11-01"), Some(&t));
    assert_eq!(s, 400);
    let (s, _) = get(&app.url("/api/v1/metrics"), None);
    assert_eq!(s, 401);
}

#[test]
fn samples_show_what_is_behind_a_figure_page_by_page() {
    let (app, t) = sample_app();
    let url = format!("/api/v1/metrics/samples?{PERIOD}&metric=first_response&limit=2");
    let (s, v) = get(&app.url(&url), Some(&t));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], 3);
    let rows = v["samples"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["conversation"], "c-1");
    assert_eq!(rows[0]["agent"], "a-07");
    assert_eq!(rows[0]["start"], "2026-11-02T01:00:00.000Z");
    assert_eq!(rows[0]["end"], "2026-11-02T01:02:00.000Z");
    assert_eq!(rows[0]["seconds"], 120);
    assert_eq!(rows[1]["conversation"], "c-2");
    let next = v["next"].as_str().unwrap().to_string();
    let (_, v) = get(&app.url(&format!("{url}&cursor={next}")), Some(&t));
    assert_eq!(v["samples"][0]["conversation"], "c-3");
    assert_eq!(v["samples"][0]["seconds"], 3600);
    assert_eq!(v["next"], Value::Null);
    // One group's rows only.
    let (_, v) = get(
        &app.url(&format!("/api/v1/metrics/samples?{PERIOD}&metric=conversations_handled&group_by=agent&group=a-20")),
        Some(&t),
    );
    assert_eq!(v["total"], 1);
    assert_eq!(v["samples"][0]["conversation"], "c-1");
    let (s, v) = get(&app.url(&format!("/api/v1/metrics/samples?{PERIOD}&metric=happiness")), Some(&t));
    assert_eq!(s, 400, "{v}");
}

#[test]
fn csv_of_groups_and_of_conversations() {
    let (app, t) = sample_app();
    let (s, ct, body) = get_text(&app.url(&format!("/api/v1/metrics?{PERIOD}&group_by=agent&format=csv")), &t);
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "agent");
    let col = header.iter().position(|h| *h == "first_response.median").unwrap();
    let a07: Vec<&str> = body.lines().find(|l| l.starts_with("a-07,")).unwrap().split(',').collect();
    assert_eq!(a07[col], "120");

    let (s, ct, body) = get_text(&app.url(&format!("/api/v1/metrics/conversations.csv?{PERIOD}")), &t);
    assert_eq!((s, ct.starts_with("text/csv")), (200, true));
    let mut r = csv_rows(&body);
    let header = r.remove(0);
    assert_eq!(r.len(), 3, "{body}");
    let at = |row: &Vec<String>, name: &str| row[header.iter().position(|h| h == name).unwrap()].clone();
    let c1 = r.iter().find(|row| row[0] == "c-1").unwrap();
    assert_eq!(at(c1, "status"), "resolved");
    assert_eq!(at(c1, "agents"), "a-07;a-20");
    assert_eq!(at(c1, "tags"), "refund");
    assert_eq!(at(c1, "first_response_s"), "120");
    assert_eq!(at(c1, "transfers"), "1");
    assert_eq!(at(c1, "csat_last"), "5");
    // c-1: customer, agent, customer ×2, agent → 4 turns.
    assert_eq!(at(c1, "depth"), "4");
    let c2 = r.iter().find(|row| row[0] == "c-2").unwrap();
    assert_eq!(at(c2, "status"), "waiting");
    // Only the conversations a-99 took part in.
    let (_, _, body) = get_text(&app.url(&format!("/api/v1/metrics/conversations.csv?{PERIOD}&agent=a-99")), &t);
    assert_eq!(csv_rows(&body).len(), 2);
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    body.lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn business_hours_and_sla_settings_change_the_figures_at_once() {
    let (app, t) = sample_app();
    let put = |path: &str, body: Value, token: &str| send_json("PUT", &app.url(path), Some(token), &body);
    let (s, v) = put("/api/v1/settings/business-hours", json!({"tz": "UTC", "hours": {"monday": []}}), &t);
    assert_eq!(s, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("monday"), "{v}");
    let (s, v) = put(
        "/api/v1/settings/business-hours",
        json!({"tz": "Asia/Shanghai", "hours": {"mon": [["09:01", "18:00"]]}}),
        &t,
    );
    assert_eq!(s, 200, "{v}");
    // c-1's wait (Monday 09:00 → 09:02 Shanghai) has 60 business seconds; c-2 and c-3 fall on
    // a closed Tuesday evening and Wednesday: 0 each.
    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    assert_eq!(v["overall"]["business"]["first_response"]["mean"], 20.0);
    assert_eq!(v["overall"]["business"]["sla"]["attained"], 3);
    let qa = app.token_for("qa1", UserRole::Qa, None);
    let (s, _) = put("/api/v1/settings/sla", json!({"default_seconds": 60}), &qa);
    assert_eq!(s, 403);
    let (s, _) = put("/api/v1/settings/sla", json!({"default_seconds": 200, "teams": {"cn-care": 100}}), &t);
    assert_eq!(s, 200);
    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    // 120 ≤ 100? no (cn-care). 240 ≤ 200? no. 3600? no.
    assert_eq!(v["overall"]["sla"]["attained"], 0);
    let (_, v) = get(&app.url("/api/v1/settings/sla"), Some(&qa));
    assert_eq!(v["teams"]["cn-care"], 100);
    let (s, _) = delete(&app.url("/api/v1/settings/business-hours"), &t);
    assert_eq!(s, 204);
    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    assert!(v["overall"].get("business").is_none());
    let (s, _) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}&business=true")), Some(&t));
    assert_eq!(s, 400);
    let actions: Vec<String> = audit_actions(&app.store, 10).into_iter().map(|(a, _)| a).collect();
    assert!(actions.contains(&"settings.set".to_string()) && actions.contains(&"settings.clear".to_string()));
}

#[test]
fn an_agent_user_sees_only_its_own_figures() {
    let (app, _) = sample_app();
    let me = app.token_for("wang", UserRole::Agent, Some("a-07"));
    let (s, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&me));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["overall"]["conversations_handled"], 1);
    assert_eq!(v["overall"]["first_response"]["median"], 120);
    for q in ["group_by=agent", "group_by=team", "agent=a-20"] {
        let (s, _) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}&{q}")), Some(&me));
        assert_eq!(s, 403, "{q}");
    }
    let (s, v) = get(&app.url(&format!("/api/v1/metrics/scorecard?{PERIOD}&agent=a-07")), Some(&me));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "support");
    assert_eq!(v["agent"]["values"]["first_response_median"], 120.0);
    assert_eq!(v["team_distribution"]["first_response_median"]["agents"], 1);
    let (s, _) = get(&app.url(&format!("/api/v1/metrics/scorecard?{PERIOD}&agent=a-20")), Some(&me));
    assert_eq!(s, 403);
}

#[test]
fn team_scorecard_lists_every_agent_with_the_roles_columns() {
    let (app, t) = sample_app();
    let (s, v) = get(&app.url(&format!("/api/v1/metrics/scorecard?{PERIOD}&team=ops")), Some(&t));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["role"], "ops");
    let cols: Vec<&str> = v["columns"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
    assert_eq!(cols, ["transfers_made", "transfers_received", "transfer_rate", "post_transfer_mean", "notes_written"]);
    assert_eq!(v["agents"][0]["agent"], "a-20");
    assert_eq!(v["agents"][0]["values"]["transfers_received"], 1.0);
    assert_eq!(v["agents"][0]["values"]["post_transfer_mean"], 240.0);
    let (s, _) = get(&app.url(&format!("/api/v1/metrics/scorecard?{PERIOD}&team=nobody")), Some(&t));
    assert_eq!(s, 404);
}

#[test]
fn new_events_count_in_the_next_query() {
    let (app, t) = sample_app();
    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    assert_eq!(v["overall"]["unanswered"], 1);
    // a-12 answers c-2's pending message (10:05 -03:00) at 10:07.
    let line = br#"{"type":"message","conversation":"c-2","id":"m5","channel":"telegram","ts":"2026-11-03T10:07:00-03:00","sender":"agent","agent":"a-12","text":"ok"}"#;
    let (s, _) = post_bytes(&app.url("/api/v1/events"), &t, line);
    assert_eq!(s, 200);
    let (_, v) = get(&app.url(&format!("/api/v1/metrics?{PERIOD}")), Some(&t));
    assert_eq!(v["overall"]["unanswered"], 0);
    // Replies: c-1 120 and 410 (09:03:10 → 09:10), c-2 240 and now 120, c-3 3600.
    assert_eq!(v["overall"]["reply"]["count"], 5);
    assert_eq!(v["overall"]["reply"]["median"], 240);
}

#[test]
fn the_cli_computes_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path(), &["import", fixture("sample.ndjson").to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let args = ["metrics", "--from", "2026-11-01", "--to", "2026-11-05", "--tz", "Asia/Shanghai"];
    let out = cli(dir.path(), &[&args[..], &["--format", "json"]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["first_response"]["median"], 240);
    let out = cli(dir.path(), &[&args[..], &["--group-by", "channel", "--format", "csv"]].concat());
    let body = String::from_utf8(out.stdout).unwrap();
    assert!(body.starts_with("channel,"), "{body}");
    assert!(body.lines().any(|l| l.starts_with("email,")), "{body}");
    let out = cli(dir.path(), &args);
    assert!(text(&out).contains("(all)"), "{}", text(&out));
    let out = cli(dir.path(), &[&args[..], &["--group-by", "fortnight"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("group_by"), "{}", text(&out));
    // Settings from a config file: an SLA of 200 s meets 120 and 240? no, 3600? no: 1 of 3;
    // business hours Monday 09:01-18:00 Shanghai leave c-1's wait 60 business seconds.
    let toml = dir.path().join("chatledger.toml");
    std::fs::write(
        &toml,
        "[sla]\ndefault_seconds = 200\n[business_hours]\ntz = \"Asia/Shanghai\"\n[business_hours.hours]\nmon = [[\"09:01\", \"18:00\"]]\n",
    )
    .unwrap();
    let out = cli(dir.path(), &[&["--config", toml.to_str().unwrap()][..], &args[..], &["--format", "json"]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["sla"]["attained"], 1);
    assert_eq!(v["overall"]["business"]["first_response"]["mean"], 20.0);
}
