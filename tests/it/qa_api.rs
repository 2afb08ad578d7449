//! Quality review over HTTP: a versioned scorecard, reviews scored with the
//! published formulas, IQS per agent and team, and who may see what.

use chatledger::domain::UserRole;
use serde_json::{Value, json};

use crate::common::*;

fn card(empathy_weight: f64) -> Value {
    json!({"name": "Support quality", "sections": [
        {"name": "Opening", "categories": [
            {"id": "greeting", "name": "Greets the customer", "scale": "binary", "na_allowed": true}]},
        {"name": "Handling", "categories": [
            {"id": "empathy", "name": "Empathy", "scale": "five", "weight": empathy_weight},
            {"id": "privacy", "name": "No customer data leaked", "scale": "binary", "critical": true}]}]})
}

fn answers(greeting: Option<u8>, empathy: u8, privacy: u8) -> Value {
    json!([{"category": "greeting", "value": greeting}, {"category": "empathy", "value": empathy, "comment": "warm"}, {"category": "privacy", "value": privacy}])
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|x| (x - b).abs() < 1e-9)
}

#[test]
fn reviews_are_scored_on_their_scorecard_version_and_add_up_to_iqs() {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    let qa = app.token_for("quinn", UserRole::Qa, None);
    let (s, v1) = send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&qa), &card(2.0));
    assert_eq!((s, v1["version"].as_u64()), (200, Some(1)), "{v1}");

    let review = |conv: &str, a: Value, reviewee: Option<&str>| {
        send_json(
            "POST",
            &app.url("/api/v1/qa/reviews"),
            Some(&qa),
            &json!({"conversation": conv, "scorecard": "support", "answers": a, "reviewee": reviewee}),
        )
    };
    // s-01: greeting yes (100), empathy 4 of 5 (75, weight 2), privacy kept (100): (100 + 150 + 100) / 4 = 87.5.
    let (s, r1) = review("s-01", answers(Some(1), 4, 1), None);
    assert_eq!(s, 201, "{r1}");
    assert!(close(&r1["score"], 87.5), "{r1}");
    assert_eq!(r1["reviewee"], "a-zh1", "the agent who sent the most messages");
    assert_eq!((r1["version"].as_u64(), r1["reviewer"].as_str()), (Some(1), Some("quinn")));
    // s-03: greeting N/A (left out), empathy 2 of 5 (25 × 2), privacy kept: (50 + 100) / 3 = 50.
    let (_, r2) = review("s-03", answers(None, 2, 1), None);
    assert!(close(&r2["score"], 50.0), "{r2}");
    // s-02: privacy broken, a critical category: the review is 0 whatever else.
    let (_, r3) = review("s-02", answers(Some(1), 5, 0), None);
    assert!(close(&r3["score"], 0.0) && r3["critical_failed"] == true, "{r3}");
    assert_eq!(r3["reviewee"], "a-zh2");

    // IQS: the mean of the review scores, per agent and per team.
    let (_, iqs) = get(&app.url("/api/v1/qa/iqs?group_by=agent"), Some(&qa));
    assert!(close(&iqs["overall"]["iqs"], (87.5 + 50.0 + 0.0) / 3.0), "{iqs}");
    let zh1 = iqs["groups"].as_array().unwrap().iter().find(|g| g["group"] == "a-zh1").unwrap();
    assert!(close(&zh1["iqs"], 68.75) && zh1["reviews"] == 2, "{zh1}");
    assert!(close(&zh1["categories"]["empathy"], 50.0), "(75 + 25) / 2: {zh1}");
    assert!(close(&zh1["categories"]["greeting"], 100.0), "N/A left out: {zh1}");
    // Over time and per reviewer (workload).
    let (_, by_month) = get(&app.url("/api/v1/qa/iqs?group_by=month"), Some(&qa));
    assert_eq!(by_month["groups"].as_array().unwrap().len(), 1);
    assert_eq!(by_month["groups"][0]["reviews"], 3);
    assert_eq!(by_month["groups"][0]["group"].as_str().map(str::len), Some(7), "YYYY-MM");
    let (_, load) = get(&app.url("/api/v1/qa/iqs?group_by=reviewer"), Some(&qa));
    assert_eq!((load["groups"][0]["group"].as_str(), load["groups"][0]["reviews"].as_u64()), (Some("quinn"), Some(3)));
    assert_eq!(get(&app.url("/api/v1/qa/iqs?group_by=channel"), Some(&qa)).0, 400);
    let (_, by_team) = get(&app.url("/api/v1/qa/iqs?group_by=team"), Some(&qa));
    let care = by_team["groups"].as_array().unwrap().iter().find(|g| g["group"] == "cn-care").unwrap();
    assert_eq!(care["reviews"], 3);

    // A new version changes no past review; new reviews use it.
    let (_, v2) = send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&qa), &card(1.0));
    assert_eq!(v2["version"], 2);
    let (_, old) = get(&app.url("/api/v1/qa/scorecards/support?version=1"), Some(&qa));
    assert_eq!(old["sections"][1]["categories"][0]["weight"], 2.0);
    let (_, r4) = review("s-05", answers(Some(1), 4, 1), None);
    assert_eq!(r4["version"], 2);
    assert!(close(&r4["score"], (100.0 + 75.0 + 100.0) / 3.0), "{r4}");
    let (_, again) = get(&app.url("/api/v1/qa/reviews?conversation=s-01"), Some(&qa));
    assert!(close(&again[0]["score"], 87.5) && again[0]["version"] == 1, "{again}");

    // Errors say what is wrong.
    let (s, e) = review("s-01", json!([{"category": "empathy", "value": 4}]), None);
    assert!(s == 400 && e["error"]["message"].as_str().unwrap().contains("no answer"), "{e}");
    let (s, e) = review("s-01", answers(Some(1), 6, 1), None);
    assert!(s == 400 && e["error"]["message"].as_str().unwrap().contains("outside"), "{e}");
    assert_eq!(review("nope", answers(Some(1), 4, 1), None).0, 404);
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/qa/reviews"),
        Some(&qa),
        &json!({"conversation": "s-01", "scorecard": "nope", "answers": []}),
    );
    assert_eq!(s, 404);
    let (s, e) =
        send_json("PUT", &app.url("/api/v1/qa/scorecards/bad"), Some(&qa), &json!({"name": "x", "sections": []}));
    assert!(s == 400 && e["error"]["message"].as_str().unwrap().contains("at least one"), "{e}");

    // An agent sees the reviews of its own work only, and cannot review.
    let agent = app.token_for("li", UserRole::Agent, Some("a-zh2"));
    let (_, mine) = get(&app.url("/api/v1/qa/reviews"), Some(&agent));
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["conversation"], "s-02");
    let (_, mine) = get(&app.url("/api/v1/qa/iqs"), Some(&agent));
    assert_eq!(mine["overall"]["reviews"], 1);
    assert_eq!(review_as(&app, &agent), 403);

    // Every scorecard version and review is in the audit trail.
    let actions: Vec<String> = audit_actions(&app.store, 100).into_iter().map(|(a, _)| a).collect();
    assert_eq!(actions.iter().filter(|a| *a == "qa.scorecard").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "qa.review").count(), 4);
}

fn review_as(app: &TestApp, token: &str) -> u16 {
    send_json(
        "POST",
        &app.url("/api/v1/qa/reviews"),
        Some(token),
        &json!({"conversation": "s-02", "scorecard": "support", "answers": answers(Some(1), 5, 1)}),
    )
    .0
}

#[test]
fn an_agent_disputes_a_review_and_the_reviewer_decides_with_every_step_kept() {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    let qa = app.token_for("quinn", UserRole::Qa, None);
    assert_eq!(send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&qa), &card(2.0)).0, 200);
    let new_review = |conv: &str, a: Value| {
        let (s, r) = send_json(
            "POST",
            &app.url("/api/v1/qa/reviews"),
            Some(&qa),
            &json!({"conversation": conv, "scorecard": "support", "answers": a}),
        );
        assert_eq!(s, 201, "{r}");
        r["id"].as_u64().unwrap()
    };
    let id = new_review("s-02", answers(Some(1), 5, 0));
    let agent = app.token_for("li", UserRole::Agent, Some("a-zh2"));
    let other_agent = app.token_for("na", UserRole::Agent, Some("a-zh1"));
    let dispute = |token: &str, id: u64, body: Value| {
        send_json("POST", &app.url(&format!("/api/v1/qa/reviews/{id}/dispute")), Some(token), &body)
    };
    let resolve = |token: &str, id: u64, body: Value| {
        send_json("POST", &app.url(&format!("/api/v1/qa/reviews/{id}/resolve")), Some(token), &body)
    };

    let proposal = json!({"answers": [{"category": "privacy", "value": 1}], "reason": "No data was shared: the number was the customer's own order."});
    assert_eq!(dispute(&other_agent, id, proposal.clone()).0, 403, "only the agent reviewed");
    let (s, r) = dispute(&agent, id, proposal.clone());
    assert_eq!(s, 200, "{r}");
    assert!(r["disputes"][0]["resolution"].is_null());
    assert_eq!(dispute(&agent, id, proposal).0, 400, "one open dispute at a time");
    let (_, open) = get(&app.url("/api/v1/qa/disputes"), Some(&qa));
    assert_eq!(open[0]["id"], id);

    // Another QA user may not decide; the reviewer (or a manager) does.
    let rita = app.token_for("rita", UserRole::Qa, None);
    assert_eq!(resolve(&rita, id, json!({"decision": "accept", "reason": "ok"})).0, 403);
    let (s, r) = resolve(&qa, id, json!({"decision": "accept", "reason": "Checked: the number was the order number."}));
    assert_eq!(s, 200, "{r}");
    assert!(close(&r["score"], 100.0), "{r}");
    let res = &r["disputes"][0]["resolution"];
    assert!(
        res["decision"] == "accept" && close(&res["score_before"], 0.0) && close(&res["score_after"], 100.0),
        "{res}"
    );
    assert_eq!(resolve(&qa, id, json!({"decision": "reject", "reason": "again"})).0, 400, "nothing open any more");

    // Partly accepted: the reviewer gives the final answers. Rejected: nothing changes.
    let id2 = new_review("s-04", answers(Some(1), 2, 1));
    dispute(&agent, id2, json!({"answers": [{"category": "empathy", "value": 5}], "reason": "I apologised twice"}));
    let (_, r) = resolve(
        &qa,
        id2,
        json!({"decision": "partial", "reason": "Better than 2, not 5", "answers": [{"category": "empathy", "value": 4}]}),
    );
    assert!(close(&r["score"], (100.0 + 150.0 + 100.0) / 4.0), "{r}");
    dispute(&agent, id2, json!({"answers": [{"category": "empathy", "value": 5}], "reason": "Still think 5"}));
    let manager = app.token_for("mo", UserRole::Manager, None);
    let (_, r) = resolve(&manager, id2, json!({"decision": "reject", "reason": "4 stands"}));
    assert!(close(&r["score"], 87.5), "{r}");
    assert_eq!(r["disputes"].as_array().unwrap().len(), 2, "every step is kept");
    assert_eq!(r["disputes"][1]["resolution"]["by"], "mo");

    // IQS follows the decided scores; the agent sees its disputes.
    let (_, iqs) = get(&app.url("/api/v1/qa/iqs?agent=a-zh2"), Some(&qa));
    assert!(close(&iqs["overall"]["iqs"], (100.0 + 87.5) / 2.0), "{iqs}");
    let (_, mine) = get(&app.url("/api/v1/qa/disputes"), Some(&agent));
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let actions: Vec<String> = audit_actions(&app.store, 100).into_iter().map(|(a, _)| a).collect();
    assert_eq!(actions.iter().filter(|a| *a == "qa.dispute").count(), 3);
    assert_eq!(actions.iter().filter(|a| *a == "qa.dispute.resolve").count(), 3);
}

#[test]
fn calibration_hides_scores_until_all_are_in_then_shows_agreement_and_never_counts_in_iqs() {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    let quinn = app.token_for("quinn", UserRole::Qa, None);
    let rita = app.token_for("rita", UserRole::Qa, None);
    let mo = app.token_for("mo", UserRole::Manager, None);
    assert_eq!(send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&mo), &card(2.0)).0, 200);
    let session = json!({"name": "November calibration", "scorecard": "support", "conversations": ["s-01", "s-02"], "reviewers": ["quinn", "rita"]});
    assert_eq!(
        send_json("POST", &app.url("/api/v1/qa/calibrations"), Some(&quinn), &session).0,
        403,
        "managers open sessions"
    );
    let (s, c) = send_json("POST", &app.url("/api/v1/qa/calibrations"), Some(&mo), &session);
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_u64().unwrap();
    let score = |token: &str, conv: &str, a: Value| {
        send_json(
            "POST",
            &app.url("/api/v1/qa/reviews"),
            Some(token),
            &json!({"conversation": conv, "scorecard": "support", "answers": a, "calibration": id}),
        )
    };
    let view = |token: &str| get(&app.url(&format!("/api/v1/qa/calibrations/{id}")), Some(token)).1;

    assert_eq!(score(&quinn, "s-01", answers(Some(1), 4, 1)).0, 201);
    assert_eq!(score(&quinn, "s-01", answers(Some(1), 3, 1)).0, 400, "one score per reviewer and conversation");
    assert_eq!(score(&mo, "s-01", answers(Some(1), 3, 1)).0, 403, "not a reviewer of the session");
    assert_eq!(score(&quinn, "s-05", answers(Some(1), 3, 1)).0, 400, "not in the session");
    // Blind: each sees only its own scores until everyone has scored.
    let v = view(&quinn);
    assert_eq!((v["revealed"].as_bool(), v["done"].as_u64(), v["expected"].as_u64()), (Some(false), Some(1), Some(4)));
    assert_eq!(v["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(view(&rita)["reviews"].as_array().unwrap().len(), 0);
    assert!(view(&mo)["agreement"].as_array().unwrap().is_empty());

    score(&rita, "s-01", answers(Some(1), 2, 1));
    score(&quinn, "s-02", answers(Some(1), 5, 0));
    score(&rita, "s-02", answers(Some(1), 5, 0));
    let v = view(&rita);
    assert_eq!(v["revealed"], true);
    assert_eq!(v["reviews"].as_array().unwrap().len(), 4);
    let agreement = v["agreement"].as_array().unwrap();
    assert_eq!(agreement.len(), 6, "2 conversations × 3 categories");
    let empathy = agreement.iter().find(|a| a["conversation"] == "s-01" && a["category"] == "empathy").unwrap();
    assert!(empathy["agree"] == false && close(&empathy["spread"], 50.0), "75 against 25: {empathy}");
    assert!(close(&empathy["scores"]["quinn"], 75.0) && close(&empathy["scores"]["rita"], 25.0));
    assert!(close(&v["agreement_rate"], 5.0 / 6.0 * 100.0), "{}", v["agreement_rate"]);

    // Calibration scores never count in IQS, nor among the reviews.
    let (_, iqs) = get(&app.url("/api/v1/qa/iqs"), Some(&mo));
    assert_eq!(iqs["overall"]["reviews"], 0);
    assert_eq!(get(&app.url("/api/v1/qa/reviews"), Some(&mo)).1, json!([]));

    // A session closed early shows what came in.
    let (_, c2) = send_json("POST", &app.url("/api/v1/qa/calibrations"), Some(&mo), &session);
    let id2 = c2["id"].as_u64().unwrap();
    send_json(
        "POST",
        &app.url("/api/v1/qa/reviews"),
        Some(&quinn),
        &json!({"conversation": "s-01", "scorecard": "support", "answers": answers(Some(1), 4, 1), "calibration": id2}),
    );
    assert_eq!(
        send_json("POST", &app.url(&format!("/api/v1/qa/calibrations/{id2}/close")), Some(&mo), &json!({})).0,
        200
    );
    let v = get(&app.url(&format!("/api/v1/qa/calibrations/{id2}")), Some(&rita)).1;
    assert!(v["revealed"] == true && v["reviews"].as_array().unwrap().len() == 1, "{v}");
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/qa/reviews"),
        Some(&rita),
        &json!({"conversation": "s-01", "scorecard": "support", "answers": answers(Some(1), 4, 1), "calibration": id2}),
    );
    assert_eq!(s, 400, "a closed session takes no more scores");
}

#[test]
fn automatic_checks_follow_new_events_give_aqs_and_keep_dismissals() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let lines = [
        // k-1 ← a-1: a personal WeChat id and a greeting; resolved with a closing.
        r#"{"type":"agent","id":"a-1","name":"王芳","role":"support","team":"cn-care"}"#,
        r#"{"type":"agent","id":"a-2","name":"Emma","role":"support","team":"global-care"}"#,
        r#"{"type":"message","conversation":"q-1","id":"m1","channel":"wechat","ts":"2026-11-02T09:00:00+08:00","sender":"customer","contact":"k-1","text":"退款什么时候到账？"}"#,
        r#"{"type":"message","conversation":"q-1","id":"m2","channel":"wechat","ts":"2026-11-02T09:01:00+08:00","sender":"agent","agent":"a-1","text":"您好，以后直接加我微信：wangfang_88 找我就行"}"#,
        r#"{"type":"message","conversation":"q-1","id":"m3","channel":"wechat","ts":"2026-11-02T09:02:00+08:00","sender":"agent","agent":"a-1","text":"感谢您的耐心"}"#,
        r#"{"type":"resolve","conversation":"q-1","ts":"2026-11-02T09:03:00+08:00","agent":"a-1"}"#,
        // k-2 ← a-2: clean.
        r#"{"type":"message","conversation":"q-2","id":"m1","channel":"webchat","ts":"2026-11-02T10:00:00Z","sender":"customer","contact":"k-2","text":"Where is my parcel?"}"#,
        r#"{"type":"message","conversation":"q-2","id":"m2","channel":"webchat","ts":"2026-11-02T10:01:00Z","sender":"agent","agent":"a-2","text":"Hello! Tracking 13912345678 shows it arrives today. Anything else?"}"#,
        r#"{"type":"resolve","conversation":"q-2","ts":"2026-11-02T10:02:00Z","agent":"a-2"}"#,
    ];
    let body = lines.join("\n") + "\n";
    assert_eq!(post_bytes(&app.url("/api/v1/events"), &admin, body.as_bytes()).0, 200);

    // The checks follow new events by themselves.
    let t0 = std::time::Instant::now();
    let found = loop {
        let (_, f) = get(&app.url("/api/v1/qa/findings"), Some(&admin));
        if f.as_array().is_some_and(|a| !a.is_empty()) {
            break f;
        }
        assert!(t0.elapsed().as_secs() < 20, "no finding came");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let rules: Vec<&str> = found.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["off_platform"], "{found}");
    let f = &found[0];
    assert_eq!(
        (f["conversation"].as_str(), f["message"].as_str(), f["agent"].as_str()),
        (Some("q-1"), Some("m2"), Some("a-1"))
    );
    assert!(!f["detail"].as_str().unwrap().contains("wangfang_88"), "masked: {f}");

    // AQS: a-1's conversation loses a critical finding's 100 points, a-2's keeps 100.
    let (_, aqs) = get(&app.url("/api/v1/qa/aqs?group_by=agent"), Some(&admin));
    let of = |a: &str| aqs["groups"].as_array().unwrap().iter().find(|g| g["group"] == a).unwrap().clone();
    assert!(close(&of("a-1")["aqs"], 0.0) && close(&of("a-2")["aqs"], 100.0), "{aqs}");
    assert_eq!(of("a-1")["findings"]["off_platform"], 1);
    assert!(close(&aqs["overall"]["aqs"], 50.0));

    // A reviewer dismisses it as a false positive: kept, audited, out of AQS, and it survives a full run.
    let qa = app.token_for("quinn", UserRole::Qa, None);
    let (s, d) = send_json(
        "POST",
        &app.url("/api/v1/qa/findings/dismiss"),
        Some(&qa),
        &json!({"id": f["id"], "reason": "the company's official account"}),
    );
    assert_eq!(s, 200, "{d}");
    let (s, run) = send_json("POST", &app.url("/api/v1/qa/checks/run"), Some(&admin), &json!({}));
    assert_eq!((s, run["conversations"].as_u64()), (200, Some(2)), "{run}");
    assert_eq!(get(&app.url("/api/v1/qa/findings"), Some(&admin)).1, json!([]));
    let (_, only) = get(&app.url("/api/v1/qa/findings?dismissed=only"), Some(&admin));
    assert_eq!(only[0]["dismissed"]["by"], "quinn");
    assert_eq!(only[0]["dismissed"]["reason"], "the company's official account");
    let (_, aqs) = get(&app.url("/api/v1/qa/aqs?group_by=team"), Some(&admin));
    assert!(close(&aqs["overall"]["aqs"], 100.0), "{aqs}");
    let (_, weekly) = get(&app.url("/api/v1/qa/aqs?group_by=week"), Some(&admin));
    assert_eq!(weekly["groups"][0]["group"], "2026-11-02", "the Monday of the week");
    let actions: Vec<String> = audit_actions(&app.store, 200).into_iter().map(|(a, _)| a).collect();
    assert!(actions.iter().any(|a| a == "qa.finding.dismiss"));
    // An agent sees its own findings only; the rules are listed.
    let agent = app.token_for("wang", UserRole::Agent, Some("a-2"));
    assert_eq!(get(&app.url("/api/v1/qa/findings?dismissed=include"), Some(&agent)).1, json!([]));
    assert_eq!(get(&app.url("/api/v1/qa/findings?agent=a-1"), Some(&agent)).0, 403);
    let (_, rules) = get(&app.url("/api/v1/qa/rules"), Some(&agent));
    assert_eq!(rules["built_in"].as_array().unwrap().len(), 8);

    // The company's own phrase rule: checked when saved, applied to the history by a run.
    let bad = json!([{"id": "x", "name": "x", "pattern": "(", "mode": "must_not"}]);
    let (s, e) = send_json("PUT", &app.url("/api/v1/qa/rules/phrases"), Some(&admin), &bad);
    assert!(s == 400 && e["error"]["message"].as_str().unwrap().contains("regular expression"), "{e}");
    let rule = json!([{"id": "no-arrives-today", "name": "No delivery-day promises", "pattern": "arrives today|今天送达", "mode": "must_not", "severity": "major"}]);
    assert_eq!(send_json("PUT", &app.url("/api/v1/qa/rules/phrases"), Some(&admin), &rule).0, 200);
    assert_eq!(send_json("POST", &app.url("/api/v1/qa/checks/run"), Some(&admin), &json!({})).0, 200);
    let (_, f) = get(&app.url("/api/v1/qa/findings?rule=no-arrives-today"), Some(&admin));
    assert_eq!(
        (f[0]["conversation"].as_str(), f[0]["message"].as_str(), f[0]["severity"].as_str()),
        (Some("q-2"), Some("m2"), Some("major")),
        "{f}"
    );
    let (_, aqs) = get(&app.url("/api/v1/qa/aqs?group_by=agent"), Some(&admin));
    let a2 = aqs["groups"].as_array().unwrap().iter().find(|g| g["group"] == "a-2").unwrap().clone();
    assert!(close(&a2["aqs"], 75.0), "a major finding takes 25 points: {a2}");
}

#[test]
fn the_cli_runs_the_checks_over_the_history_and_then_only_the_new() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let fixture_path = fixture("search_corpus.ndjson");
    assert!(cli(&data, &["import", fixture_path.to_str().unwrap()]).status.success());
    let o = cli(&data, &["qa", "check"]);
    let out = text(&o);
    assert!(o.status.success() && out.contains("checked") && out.contains("finding(s)"), "{out}");
    let o = cli(&data, &["qa", "check", "--new"]);
    assert!(text(&o).contains("checked 0 conversation(s) with new events"), "{}", text(&o));
    let line = r#"{"type":"message","conversation":"s-01","id":"m-new","channel":"wechat","ts":"2026-11-01T01:10:00Z","sender":"agent","agent":"a-zh1","text":"我的微信 zhang_san88 加我"}"#;
    assert!(cli_stdin(&data, &["import", "-"], Some(format!("{line}\n").as_bytes())).status.success());
    let o = cli(&data, &["qa", "check", "--new"]);
    assert!(text(&o).contains("checked 1 conversation(s) with new events"), "{}", text(&o));
}

#[test]
fn a_sampling_plan_fills_the_reviewers_queue_once_per_period_and_tracks_progress() {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    let mo = app.token_for("mo", UserRole::Manager, None);
    let quinn = app.token_for("quinn", UserRole::Qa, None);
    assert_eq!(send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&mo), &card(2.0)).0, 200);
    let plan = json!({"name": "cn-care monthly", "reviewer": "quinn", "scorecard": "support", "per_agent": 2, "every": "month", "pick": "risk", "team": "cn-care"});
    assert_eq!(send_json("POST", &app.url("/api/v1/qa/plans"), Some(&quinn), &plan).0, 403);
    let (s, p) = send_json("POST", &app.url("/api/v1/qa/plans"), Some(&mo), &plan);
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_u64().unwrap();
    let (s, e) = send_json(
        "POST",
        &app.url("/api/v1/qa/plans"),
        Some(&mo),
        &json!({"name": "x", "reviewer": "nobody", "scorecard": "support", "per_agent": 2, "every": "week", "pick": "random"}),
    );
    assert_eq!(s, 404, "{e}");

    // November: each cn-care agent gets two of the conversations it took part in.
    let pick_november = || {
        send_json("POST", &app.url(&format!("/api/v1/qa/plans/{id}/generate?at=2026-11-15")), Some(&mo), &json!({})).1
    };
    let first = pick_november();
    let picked: Vec<(String, String)> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["agent"].as_str().unwrap().to_string(), a["conversation"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(picked.len(), 4, "{first}");
    for agent in ["a-zh1", "a-zh2"] {
        let (_, theirs) = get(
            &app.url(&format!("/api/v1/conversations?agent={agent}&from=2026-11-01&to=2026-12-01&limit=500")),
            Some(&mo),
        );
        let ids: Vec<&str> = theirs["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        let mine: Vec<&String> = picked.iter().filter(|(a, _)| a == agent).map(|(_, c)| c).collect();
        assert_eq!(mine.len(), 2, "{agent}: {first}");
        assert!(mine.iter().all(|c| ids.contains(&c.as_str())), "{agent} took part in {ids:?}, picked {mine:?}");
    }
    assert_eq!(first[0]["due"], "2026-12-01T00:00:00.000Z");
    assert_eq!(pick_november(), first, "picked once a period");

    // The reviewer's queue: progress and due dates; reviewing an assigned conversation ticks it off.
    let (_, q) = get(&app.url("/api/v1/qa/queue"), Some(&quinn));
    assert_eq!((q["total"].as_u64(), q["done"].as_u64()), (Some(4), Some(0)), "{q}");
    assert_eq!(q["items"][0]["overdue"], true, "November is over");
    let conv = q["items"][0]["conversation"].as_str().unwrap().to_string();
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/qa/reviews"),
        Some(&quinn),
        &json!({"conversation": conv, "scorecard": "support", "answers": answers(Some(1), 4, 1)}),
    );
    assert_eq!(s, 201);
    let (_, q) = get(&app.url("/api/v1/qa/queue"), Some(&quinn));
    assert_eq!(q["done"], 1);
    let last = q["items"].as_array().unwrap().last().unwrap();
    assert!(last["review"].is_u64() && last["overdue"] == false, "done work goes last: {last}");
    // Others' queues: managers may look, another reviewer may not; agents have none.
    assert_eq!(get(&app.url("/api/v1/qa/queue?reviewer=quinn"), Some(&mo)).1["total"], 4);
    let rita = app.token_for("rita", UserRole::Qa, None);
    assert_eq!(get(&app.url("/api/v1/qa/queue?reviewer=quinn"), Some(&rita)).0, 403);
    assert_eq!(get(&app.url("/api/v1/qa/queue"), Some(&app.token_for("li", UserRole::Agent, Some("a-zh2")))).0, 403);
}
