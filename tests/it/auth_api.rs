//! Accounts over HTTP: sign-in, cookies, tokens, roles.

use serde_json::json;

use crate::common::*;
use chatledger::domain::UserRole;

#[test]
fn every_api_route_needs_auth_except_health_and_sign_in() {
    let app = TestApp::start();
    assert_eq!(get(&app.url("/api/v1/health"), None).0, 200);
    for path in [
        "/api/v1/conversations",
        "/api/v1/agents",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/events",
        "/api/v1/auth/me",
        "/api/v1/tokens",
        "/api/v1/metrics",
        "/api/v1/metrics/samples?metric=reply",
        "/api/v1/metrics/conversations.csv",
        "/api/v1/metrics/scorecard?team=x",
        "/api/v1/settings/business-hours",
        "/api/v1/settings/sla",
        "/api/v1/search?q=x",
        "/api/v1/search/status",
        "/api/v1/channels",
        "/api/v1/channels-inbox",
        "/api/v1/conversations/x/messages/unsent",
    ] {
        let (status, body) = get(&app.url(path), None);
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "unauthenticated", "{path}");
    }
    let (s, b) = get(&app.url("/api/v1/nope"), Some(&app.admin_token()));
    assert_eq!((s, b["error"]["code"].as_str()), (404, Some("not_found")));
    let (s, doc) = get(&app.url("/api/v1/openapi.json"), None);
    assert_eq!(s, 200);
    for p in [
        "/api/v1/events",
        "/api/v1/conversations/{id}",
        "/api/v1/auth/signin",
        "/api/v1/tokens/{id}",
        "/api/v1/audit/verify",
        "/api/v1/metrics",
        "/api/v1/metrics/samples",
        "/api/v1/metrics/conversations.csv",
        "/api/v1/metrics/scorecard",
        "/api/v1/settings/business-hours",
        "/api/v1/settings/sla",
        "/api/v1/search",
        "/api/v1/search/status",
        "/api/v1/conversations/{id}/messages",
        "/api/v1/conversations/{id}/messages/unsent",
        "/api/v1/replies/{reply}/retry",
        "/api/v1/channels",
        "/api/v1/channels/{id}",
        "/api/v1/channels-inbox",
        "/api/v1/channels/{id}/email",
        "/api/v1/agents/{id}",
        "/api/v1/qa/scorecards/{id}",
        "/api/v1/qa/reviews",
        "/api/v1/qa/iqs",
        "/api/v1/qa/findings",
        "/api/v1/qa/aqs",
        "/api/v1/qa/calibrations/{id}",
        "/api/v1/attachments/{channel}/{reference}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
}

#[test]
fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session() {
    let app = TestApp::start();
    let (s, b) = send_json(
        "POST",
        &app.url("/api/v1/auth/signin"),
        None,
        &json!({"username":"admin","password":"wrong-password"}),
    );
    assert_eq!(s, 401);
    assert_eq!(b["error"]["code"], "unauthenticated");
    let a = agent();
    let resp =
        a.post(&app.url("/api/v1/auth/signin")).send_json(json!({"username":"admin","password":ADMIN_PW})).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback: no Secure flag ({cookie})");
    let pair = cookie.split(';').next().unwrap().to_string();
    let me = a
        .get(&app.url("/api/v1/auth/me"))
        .header("Cookie", &pair)
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert!(me.contains("\"role\":\"admin\""), "{me}");
    // Behind a TLS proxy the cookie is Secure.
    let tls = a
        .post(&app.url("/api/v1/auth/signin"))
        .header("X-Forwarded-Proto", "https")
        .send_json(json!({"username":"admin","password":ADMIN_PW}))
        .unwrap();
    assert!(tls.headers().get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));

    let out = a.post(&app.url("/api/v1/auth/signout")).header("Cookie", &pair).send_empty().unwrap();
    assert_eq!(out.status().as_u16(), 204);
    let after = a.get(&app.url("/api/v1/auth/me")).header("Cookie", &pair).call().unwrap();
    assert_eq!(after.status().as_u16(), 401);
    let actions: Vec<String> = audit_actions(&app.store, 10).into_iter().map(|a| a.0).collect();
    assert!(
        actions.contains(&"auth.signin".to_string()) && actions.contains(&"auth.signout".to_string()),
        "{actions:?}"
    );
}

#[test]
fn tokens_are_shown_once_stored_hashed_and_revocable() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let (s, t) = send_json("POST", &app.url("/api/v1/tokens"), Some(&admin), &json!({"name":"crm sync"}));
    assert_eq!(s, 201);
    let secret = t["token"].as_str().unwrap().to_string();
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(get(&app.url("/api/v1/conversations"), Some(&secret)).0, 200);
    let (_, list) = get(&app.url("/api/v1/tokens"), Some(&admin));
    let listed = list.to_string();
    assert!(listed.contains(&id) && !listed.contains(&secret), "the list never shows a secret");
    // The secret is not in the database file either.
    let db = std::fs::read(app.data().join("chatledger.redb")).unwrap();
    assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
    let (s, _) = delete(&app.url(&format!("/api/v1/tokens/{id}")), &admin);
    assert_eq!(s, 200);
    assert_eq!(get(&app.url("/api/v1/conversations"), Some(&secret)).0, 401);
}

#[test]
fn roles_limit_what_a_user_may_do() {
    let app = TestApp::start();
    let admin = app.admin_token();
    let agent_t = app.token_for("wang", UserRole::Agent, Some("a-07"));
    let qa = app.token_for("qa1", UserRole::Qa, None);
    assert_eq!(get(&app.url("/api/v1/users"), Some(&agent_t)).0, 403);
    assert_eq!(get(&app.url("/api/v1/users"), Some(&qa)).0, 403);
    assert_eq!(post_bytes(&app.url("/api/v1/events"), &qa, b"").0, 403);
    // An agent user needs an agent id.
    let (s, b) = send_json(
        "POST",
        &app.url("/api/v1/users"),
        Some(&admin),
        &json!({"username":"x","password":"password-1","role":"agent"}),
    );
    assert_eq!(s, 400, "{b}");
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/users"),
        Some(&admin),
        &json!({"username":"lucas","password":"password-1","role":"agent","agent":"a-12"}),
    );
    assert_eq!(s, 201);
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/users"),
        Some(&admin),
        &json!({"username":"lucas","password":"password-1","role":"qa"}),
    );
    assert_eq!(s, 409);
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/users"),
        Some(&admin),
        &json!({"username":"short","password":"123","role":"qa"}),
    );
    assert_eq!(s, 400);
    // Deactivation ends access at once; the user stays listed.
    let lucas = app.token_for("lucas", UserRole::Agent, Some("a-12"));
    assert_eq!(get(&app.url("/api/v1/conversations"), Some(&lucas)).0, 200);
    let (s, u) = send_json("PATCH", &app.url("/api/v1/users/lucas"), Some(&admin), &json!({"active": false}));
    assert_eq!((s, u["active"].as_bool()), (200, Some(false)));
    assert_eq!(get(&app.url("/api/v1/conversations"), Some(&lucas)).0, 401);
    let (_, users) = get(&app.url("/api/v1/users"), Some(&admin));
    assert!(users.as_array().unwrap().iter().any(|u| u["username"] == "lucas"));
    // Malformed JSON keeps the error shape.
    let resp = agent()
        .post(&app.url("/api/v1/users"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send("{nope")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

#[test]
fn changing_ones_own_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::start();
    let wang = app.token_for("wang", UserRole::Manager, None);
    let url = app.url("/api/v1/users/wang");
    let (s, _) = send_json("PATCH", &url, Some(&wang), &json!({"password": "new-password-1"}));
    assert_eq!(s, 400, "no current password given");
    let (s, _) =
        send_json("PATCH", &url, Some(&wang), &json!({"password": "new-password-1", "current_password": "nope"}));
    assert_eq!(s, 400);
    // A session opened before the change ends with it.
    let a = agent();
    let resp = a
        .post(&app.url("/api/v1/auth/signin"))
        .send_json(json!({"username":"wang","password":"password-123"}))
        .unwrap();
    let pair = resp.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let (s, _) = send_json(
        "PATCH",
        &url,
        Some(&wang),
        &json!({"password": "new-password-1", "current_password": "password-123"}),
    );
    assert_eq!(s, 200);
    assert_eq!(a.get(&app.url("/api/v1/auth/me")).header("Cookie", &pair).call().unwrap().status().as_u16(), 401);
    let (s, _) = send_json(
        "POST",
        &app.url("/api/v1/auth/signin"),
        None,
        &json!({"username":"wang","password":"new-password-1"}),
    );
    assert_eq!(s, 200);
    // A role change does not let a user promote itself.
    let (s, _) = send_json("PATCH", &url, Some(&wang), &json!({"role": "admin"}));
    assert_eq!(s, 403);
}
