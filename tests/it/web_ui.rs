//! The web UI in a real headless Chromium (Debian's `chromium`; `.ci/run`
//! installs it): sign in, search with a highlighted Chinese term that opens
//! the right message, a transcript with a recalled and an edited message,
//! 中文 labels, and an agent held to its own conversations even by URL.
//! With CHATLEDGER_SCREENSHOTS=DIR it also saves a screenshot of each page.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chatledger::domain::UserRole;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

use crate::common::{TestApp, get};

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHATLEDGER_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
    assert!(
        path.exists(),
        "the web UI tests need Chromium at {} (apt-get install chromium fonts-wqy-zenhei, or set CHATLEDGER_CHROMIUM)",
        path.display()
    );
    path
}

pub(crate) fn browser() -> Browser {
    let profile = tempfile::tempdir().unwrap().keep();
    let opts = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .sandbox(false)
        .headless(true)
        .window_size(Some((1280, 900)))
        .user_data_dir(Some(profile))
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    Browser::new(opts).unwrap()
}

pub(crate) fn js(tab: &Tab, expr: &str) -> Value {
    tab.evaluate(expr, false).unwrap().value.unwrap_or(Value::Null)
}

/// The value of an expression (arrays and objects included), through JSON.
fn val(tab: &Tab, expr: &str) -> Value {
    let s = js(tab, &format!("JSON.stringify({expr})"));
    serde_json::from_str(s.as_str().unwrap_or("null")).unwrap()
}

/// Waits until `expr` is truthy (at most 10 s) and answers its value.
fn until(tab: &Tab, expr: &str) -> Value {
    let t0 = Instant::now();
    loop {
        // A node is not returned by value: it counts as true.
        let v = js(
            tab,
            &format!(
                "(() => {{ try {{ const v = {expr}; return v instanceof Node ? true : v; }} catch (e) {{ return null; }} }})()"
            ),
        );
        if !(v.is_null() || v == Value::Bool(false) || v == Value::String(String::new())) {
            return v;
        }
        if t0.elapsed() > Duration::from_secs(10) {
            let page = js(tab, "location.hash + ' ' + document.getElementById('view').innerHTML");
            panic!("timed out waiting for {expr}; the page: {page}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn shot(tab: &Tab, name: &str) {
    if let Some(dir) = std::env::var_os("CHATLEDGER_SCREENSHOTS") {
        let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png).unwrap();
    }
}

pub(crate) fn sign_in(tab: &Tab, base: &str, user: &str, password: &str, then: &str) {
    tab.navigate_to(&format!("{base}/{then}")).unwrap();
    tab.wait_for_element("input[name=username]").unwrap().click().unwrap();
    tab.type_str(user).unwrap();
    tab.wait_for_element("input[name=password]").unwrap().click().unwrap();
    tab.type_str(password).unwrap();
    tab.press_key("Enter").unwrap();
    until(tab, "!document.getElementById('top').hidden");
}

fn started() -> (TestApp, Browser, Arc<Tab>) {
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    app.wait_indexed();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(10));
    (app, browser, tab)
}

#[test]
fn search_highlights_chinese_and_opens_the_message_then_the_transcript_shows_history() {
    let (app, _browser, tab) = started();
    sign_in(&tab, &app.base, "admin", crate::common::ADMIN_PW, "#/search");
    assert_eq!(js(&tab, "location.hash"), "#/search", "back where sign-in was asked");

    js(
        &tab,
        "document.querySelector('input[name=q]').value = '退款单'; document.querySelector('form[role=search] button').click()",
    );
    until(&tab, "document.getElementById('total')");
    let marks = val(&tab, "[...document.querySelectorAll('.hits mark')].map(m => m.textContent)");
    assert_eq!(marks, serde_json::json!(["退款单"]));
    shot(&tab, "search");
    js(&tab, "document.querySelector('.hits a').click()");
    until(&tab, "document.querySelector('.timeline li.target')");
    assert_eq!(js(&tab, "document.querySelector('h1').textContent"), "s-01");
    assert_eq!(js(&tab, "document.querySelector('.timeline li.target').dataset.message"), "m3");
    // The conversation's own figures, next to its timeline: 09:00 → 09:01 is a 60 s first response.
    until(&tab, "document.querySelector('#figures [data-fig=first_response_s] dd')");
    assert_eq!(js(&tab, "document.querySelector('#figures [data-fig=first_response_s] dd').textContent"), "60 s");
    assert_eq!(js(&tab, "document.querySelector('#figures [data-fig=resolution_s] dd').textContent"), "5.0 min");

    // A recalled message stays readable for a manager, marked; an edit keeps its original.
    tab.navigate_to(&format!("{}/#/c/s-03", app.base)).unwrap();
    until(&tab, "document.querySelector('li[data-message=m3] .recall')");
    let recall =
        js(&tab, "document.querySelector('li[data-message=m3] .recall').textContent").as_str().unwrap().to_string();
    assert!(recall.starts_with("recalled by the customer at"), "{recall}");
    assert_eq!(js(&tab, "document.querySelector('li[data-message=m3] .text').textContent"), "发票什么时候开？");
    assert_eq!(
        js(&tab, "document.querySelector('li[data-message=m2] .text').textContent"),
        "非常抱歉，我们马上处理您的投诉"
    );
    js(&tab, "document.querySelector('li[data-message=m2] details summary').click()");
    assert_eq!(
        js(
            &tab,
            "document.querySelector('li[data-message=m2] details ol li').textContent.includes('非常抱歉给您带来不便')"
        ),
        true
    );
    shot(&tab, "transcript");

    // 中文: the labels change and the choice is remembered for the user.
    js(&tab, "const s = document.getElementById('lang'); s.value = 'zh-CN'; s.dispatchEvent(new Event('change'))");
    until(&tab, "document.querySelector('#nav a[href=\"#/search\"]').textContent === '搜索'");
    until(&tab, "document.querySelector('li[data-message=m3] .recall').textContent.startsWith('客户于')");
    shot(&tab, "transcript-zh");
    let token = app.admin_token();
    let t0 = Instant::now();
    while get(&app.url("/api/v1/auth/me"), Some(&token)).1["locale"] != "zh-CN" {
        assert!(t0.elapsed() < Duration::from_secs(5), "the language was not saved");
        std::thread::sleep(Duration::from_millis(50));
    }
    tab.navigate_to(&format!("{}/#/conversations", app.base)).unwrap();
    until(&tab, "document.querySelector('tbody tr')");
    assert_eq!(js(&tab, "document.querySelector('h1').textContent"), "会话");
    shot(&tab, "conversations-zh");
}

#[test]
fn an_agent_cannot_open_another_agents_conversation_even_by_url() {
    let (app, _browser, tab) = started();
    app.token_for("emma", UserRole::Agent, Some("a-en1")); // its password: password-123
    sign_in(&tab, &app.base, "emma", "password-123", "#/c/s-01");
    until(&tab, "document.getElementById('notfound')");
    assert_eq!(js(&tab, "document.querySelectorAll('.timeline li').length"), 0);
    tab.navigate_to(&format!("{}/#/c/s-13", app.base)).unwrap();
    until(&tab, "document.querySelector('li[data-message=m1]')");
    // Its own recalled message: marked, content withheld.
    assert_eq!(js(&tab, "document.querySelector('li[data-message=m3] .text').textContent"), "content withheld");
    // Search never shows it the other agents' conversations.
    tab.navigate_to(&format!("{}/#/search?q=refund", app.base)).unwrap();
    until(&tab, "document.getElementById('total')");
    let convs = val(
        &tab,
        "[...new Set([...document.querySelectorAll('.hits a')].map(a => a.getAttribute('href').split('?')[0]))]",
    );
    assert!(!convs.as_array().unwrap().iter().any(|c| c == "#/c/s-15"), "{convs}");
    assert!(convs.as_array().unwrap().iter().any(|c| c == "#/c/s-10"), "{convs}");
}

#[test]
fn the_dashboard_shows_the_apis_figures_and_drills_down_to_exactly_their_conversations() {
    let (app, _browser, tab) = started();
    // The picker's last day is inclusive; the API's `to` is the next midnight.
    let period = "from=2026-11-01&to=2026-12-01&tz=UTC";
    sign_in(
        &tab,
        &app.base,
        "admin",
        crate::common::ADMIN_PW,
        "#/overview?period=custom&from=2026-11-01&to=2026-11-30&tz=UTC",
    );
    until(&tab, "document.querySelector('[data-kpi=\"kpi.new\"] .value')");
    let token = app.admin_token();
    let (_, api) = get(&app.url(&format!("/api/v1/metrics?{period}")), Some(&token));
    let m = &api["overall"];
    for (kpi, field) in
        [("kpi.new", "new_conversations"), ("kpi.handled", "conversations_handled"), ("kpi.unanswered", "unanswered")]
    {
        let shown = js(&tab, &format!("document.querySelector('[data-kpi=\"{kpi}\"] .value').textContent"));
        assert_eq!(shown, m[field].to_string(), "{kpi}");
    }
    assert!(m["new_conversations"].as_u64().unwrap() > 10, "{m}");
    // The heatmap and the daily series are there, one cell per weekday x hour.
    assert_eq!(js(&tab, "document.querySelectorAll('.heat tbody td').length"), 168);
    shot(&tab, "overview");
    let bars = js(&tab, "document.querySelectorAll('svg rect.bar').length");
    assert_eq!(bars, 30, "one bar per day of November");
    shot(&tab, "overview");

    // Drill down: exactly the conversations behind the number.
    js(&tab, "document.querySelector('[data-kpi=\"kpi.new\"]').click()");
    until(&tab, "document.querySelector('#samples tr')");
    let shown =
        val(&tab, "[...document.querySelectorAll('#samples tr td:first-child')].map(td => td.textContent).sort()");
    let (_, samples) =
        get(&app.url(&format!("/api/v1/metrics/samples?metric=new_conversations&{period}&limit=1000")), Some(&token));
    let mut want: Vec<String> = samples["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["conversation"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(shown, serde_json::json!(want));
    shot(&tab, "samples");
    js(&tab, "document.querySelector('#samples a').click()");
    until(&tab, "document.getElementById('timeline')");

    // A heatmap cell drills down to the conversations of its weekday and hour.
    tab.navigate_to(&format!("{}/#/overview?period=custom&from=2026-11-01&to=2026-11-30&tz=UTC", app.base)).unwrap();
    until(&tab, "document.querySelector('.heat td a')");
    let cell = js(&tab, "document.querySelector('.heat td a').getAttribute('href')").as_str().unwrap().to_string();
    let group = cell.split("group=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let count: u64 = js(&tab, "document.querySelector('.heat td a').textContent").as_str().unwrap().parse().unwrap();
    js(&tab, "document.querySelector('.heat td a').click()");
    until(&tab, "document.querySelector('#samples tr')");
    assert_eq!(js(&tab, "document.querySelectorAll('#samples tr').length").as_u64(), Some(count), "{group}");
}

#[test]
fn team_scorecards_sort_and_an_agent_page_shows_its_spread_and_conversations() {
    let (app, _browser, tab) = started();
    sign_in(
        &tab,
        &app.base,
        "admin",
        crate::common::ADMIN_PW,
        "#/teams?team=cn-care&period=custom&from=2026-11-01&to=2026-11-30&tz=UTC",
    );
    until(&tab, "document.querySelector('#scorecard tbody tr')");
    let token = app.admin_token();
    let (_, card) =
        get(&app.url("/api/v1/metrics/scorecard?team=cn-care&from=2026-11-01&to=2026-12-01&tz=UTC"), Some(&token));
    let mut want: Vec<String> =
        card["agents"].as_array().unwrap().iter().map(|a| a["agent"].as_str().unwrap().to_string()).collect();
    want.sort();
    let mut shown: Vec<String> = serde_json::from_value(val(
        &tab,
        "[...document.querySelectorAll('#scorecard tbody tr td:first-child a')].map(a => decodeURIComponent(a.getAttribute('href').split('/').pop()))",
    ))
    .unwrap();
    shown.sort();
    assert_eq!(shown, want);
    let columns = card["columns"].as_array().unwrap().len() as u64;
    assert_eq!(js(&tab, "document.querySelectorAll('#scorecard thead th').length").as_u64(), Some(columns + 1));
    js(
        &tab,
        "document.querySelector('#scorecard button.sort[data-col=conversations_handled], #scorecard button.sort').click()",
    );
    until(&tab, "document.querySelector('#scorecard th[aria-sort]')");
    shot(&tab, "teams");

    tab.navigate_to(&format!("{}/#/agent/a-zh1?period=custom&from=2026-11-01&to=2026-11-30&tz=UTC", app.base)).unwrap();
    until(&tab, "document.querySelector('#agent-convs li')");
    assert_eq!(js(&tab, "document.querySelectorAll('#agent-card tbody tr').length").as_u64(), Some(columns));
    let convs = val(&tab, "[...document.querySelectorAll('#agent-convs a')].map(a => a.textContent).sort()");
    assert_eq!(convs, serde_json::json!(["s-01", "s-03", "s-05"]));
    shot(&tab, "agent");
}

#[test]
fn admin_adds_a_user_sets_the_sla_and_verifies_the_audit_chain() {
    let (app, _browser, tab) = started();
    sign_in(&tab, &app.base, "admin", crate::common::ADMIN_PW, "#/admin");
    until(&tab, "document.querySelector('#users tbody tr') && document.querySelector('#audit tr')");
    js(
        &tab,
        "const f = document.getElementById('add-user'); f.username.value = 'newbie'; f.password.value = 'newbie-password-1'; \
         f.role.value = 'agent'; f.agent.value = 'a-zh2'; f.querySelector('button').click()",
    );
    // Adding a user reloads the page, whose sections render one after the other:
    // wait for the last one before using the forms above it.
    until(&tab, "document.querySelector('#users tr[data-user=newbie]') && document.querySelector('#audit tr')");
    let token = app.admin_token();
    let (_, users) = get(&app.url("/api/v1/users"), Some(&token));
    let newbie = users.as_array().unwrap().iter().find(|u| u["username"] == "newbie").expect("created").clone();
    assert_eq!((newbie["role"].as_str(), newbie["agent"].as_str()), (Some("agent"), Some("a-zh2")));

    js(
        &tab,
        "const f = document.getElementById('sla'); f.default_seconds.value = '120'; f.teams.value = 'cn-care=60'; f.querySelector('button').click()",
    );
    until(&tab, "document.getElementById('sla-status').textContent === 'Saved.'");
    let (_, sla) = get(&app.url("/api/v1/settings/sla"), Some(&token));
    assert_eq!((sla["default_seconds"].as_i64(), sla["teams"]["cn-care"].as_i64()), (Some(120), Some(60)));

    // An agent added to a team from the page, then moved and deactivated: the directory follows.
    js(
        &tab,
        "{ const f = document.getElementById('add-agent'); f.agent_id.value = 'a-new'; f.agent_name.value = '李雷'; \
         f.agent_team.value = 'cn-care'; f.querySelector('button').click() }",
    );
    until(&tab, "document.querySelector('#agents tr[data-agent=a-new]')");
    js(
        &tab,
        "{ const r = document.querySelector('#agents tr[data-agent=a-new]'); const i = r.querySelectorAll('input'); \
         i[1].value = 'sales-apac'; i[2].checked = false; r.querySelector('button').click() }",
    );
    until(&tab, "document.getElementById('agents-status').textContent === 'Saved.'");
    let (_, agents) = get(&app.url("/api/v1/agents"), Some(&token));
    let a = agents.as_array().unwrap().iter().find(|a| a["id"] == "a-new").expect("added").clone();
    assert_eq!(
        (a["name"].as_str(), a["team"].as_str(), a["active"].as_bool()),
        (Some("李雷"), Some("sales-apac"), Some(false)),
        "{a}"
    );

    // A channel set up from the page: its webhook URL is shown, its secret never.
    js(
        &tab,
        "{ const f = document.getElementById('channel-form'); f.elements.id.value = 'wa-main'; f.kind.value = 'whatsapp'; \
         f.account_id.value = '1122334455667'; f.secret.value = 'app-secret-xyz'; f.verify_token.value = 'vt-1'; f.querySelector('button').click() }",
    );
    until(&tab, "document.querySelector('#channels tr[data-channel=wa-main]')");
    let row = js(&tab, "document.querySelector('#channels tr[data-channel=wa-main]').textContent");
    assert!(row.as_str().unwrap().contains("/hooks/whatsapp/wa-main"), "{row}");
    assert!(!js(&tab, "document.body.innerHTML").as_str().unwrap().contains("app-secret-xyz"));
    let (_, chans) = get(&app.url("/api/v1/channels"), Some(&token));
    assert_eq!((chans[0]["id"].as_str(), chans[0]["secret_set"].as_bool()), (Some("wa-main"), Some(true)));

    js(&tab, "document.getElementById('verify').click()");
    let verdict = until(
        &tab,
        "document.getElementById('verify-result').textContent.startsWith('The chain') && document.getElementById('verify-result').textContent",
    );
    assert!(verdict.as_str().unwrap().starts_with("The chain verifies"), "{verdict}");
    shot(&tab, "admin");

    // An agent user sees no Admin link, and the page gets nothing from the API.
    js(&tab, "document.getElementById('signout').click()");
    until(&tab, "document.querySelector('input[name=username]')");
    sign_in(&tab, &app.base, "newbie", "newbie-password-1", "#/admin");
    until(&tab, "document.querySelector('.admin .error')");
    assert_eq!(js(&tab, "document.querySelector('#nav a[href=\"#/admin\"]').hidden"), true);
    assert_eq!(js(&tab, "!!document.querySelector('#users')"), false);
}

#[test]
fn a_reviewer_scores_a_conversation_beside_its_transcript_and_the_quality_page_shows_it() {
    let (app, _browser, tab) = started();
    let token = app.admin_token();
    let card = serde_json::json!({"name": "Support quality", "sections": [{"name": "Handling", "categories": [
        {"id": "greeting", "name": "Greets", "scale": "binary"},
        {"id": "empathy", "name": "Empathy", "scale": "five", "weight": 2}]}]});
    assert_eq!(crate::common::send_json("PUT", &app.url("/api/v1/qa/scorecards/support"), Some(&token), &card).0, 200);
    sign_in(&tab, &app.base, "admin", crate::common::ADMIN_PW, "#/c/s-01?review=support");
    until(&tab, "document.querySelector('#review-form select[data-category=empathy]')");
    // Greets: yes (100); empathy 4 of 5 (75, weight 2): (100 + 150) / 3 = 83.3.
    js(&tab, "document.querySelector('#review-form select[data-category=greeting]').value = '1'");
    js(&tab, "document.querySelector('#review-form select[data-category=empathy]').value = '4'");
    js(&tab, "document.getElementById('review-form').requestSubmit()");
    let said = until(&tab, "document.getElementById('review-status').textContent");
    assert!(said.as_str().unwrap().contains("83.3") && said.as_str().unwrap().contains("a-zh1"), "{said}");
    let (_, reviews) = get(&app.url("/api/v1/qa/reviews"), Some(&token));
    assert_eq!(reviews[0]["reviewer"], "admin");

    // The quality page: the agent's IQS, and the scorecard editor saving a new version.
    tab.navigate_to(&format!("{}/#/qa", app.base)).unwrap();
    until(&tab, "document.querySelector('#qa-scores tbody tr')");
    let row = val(
        &tab,
        "[...document.querySelectorAll('#qa-scores tbody tr')].find(tr => tr.cells[0].textContent === 'a-zh1').cells[1].textContent",
    );
    assert_eq!(row, serde_json::json!("83.3"));
    js(
        &tab,
        "{ const s = document.querySelector('#scorecard-form').closest('section').querySelector('select'); s.value = 'support'; s.dispatchEvent(new Event('change')); }",
    );
    until(&tab, "document.querySelectorAll('#categories tr').length === 2");
    js(&tab, "document.querySelector('#categories tr:nth-child(2) [name=weight]').value = '3'");
    js(&tab, "document.getElementById('scorecard-form').requestSubmit()");
    let saved = until(&tab, "document.getElementById('scorecard-status').textContent");
    assert!(saved.as_str().unwrap().contains('2'), "{saved}");
    let (_, v2) = get(&app.url("/api/v1/qa/scorecards/support"), Some(&token));
    assert_eq!((v2["version"].as_u64(), v2["sections"][0]["categories"][1]["weight"].as_f64()), (Some(2), Some(3.0)));

    // A calibration session and a sampling plan opened from the page.
    app.token_for("quinn", UserRole::Qa, None);
    js(
        &tab,
        "{ const f = document.getElementById('cal-form'); f.cal_name.value = 'November'; f.cal_conversations.value = 's-01, s-03'; \
         f.cal_reviewers.value = 'admin, quinn'; f.requestSubmit(); }",
    );
    until(&tab, "[...document.querySelectorAll('#calibrations li')].some(li => li.textContent.includes('November'))");
    js(
        &tab,
        "{ const f = document.getElementById('plan-form'); f.plan_name.value = 'weekly five'; f.plan_reviewer.value = 'quinn'; \
         f.plan_per.value = '5'; f.requestSubmit(); }",
    );
    until(&tab, "[...document.querySelectorAll('#plans li')].some(li => li.textContent.includes('weekly five'))");
    let (_, plans) = get(&app.url("/api/v1/qa/plans"), Some(&token));
    assert_eq!(
        (plans[0]["draft"]["reviewer"].as_str(), plans[0]["draft"]["pick"].as_str()),
        (Some("quinn"), Some("risk"))
    );
    assert!(
        js(&tab, "!!document.querySelector('#qa-weeks tbody tr') && !!document.querySelector('#qa-teams tbody tr')")
            .as_bool()
            .unwrap()
    );
    shot(&tab, "qa");
}
