//! Every page of the web UI, in English and in 简体中文, audited with axe-core
//! (the WCAG 2.1 A and AA rules) in the real headless Chromium: no violation
//! is allowed. axe-core is installed by `.ci/run` with npm outside the
//! repository (`CHATLEDGER_AXE` names another copy of `axe.min.js`).
//!
//! With CHATLEDGER_SCREENSHOTS=DIR every page is also saved as
//! `DIR/{page}-{lang}.png`; with CHATLEDGER_MEASURE=1 each page is loaded
//! afresh and its first contentful paint and time to content are printed
//! (docs/ui.md lists the figures; nothing here asserts a time).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use serde_json::{Value, json};

use crate::common::*;
use crate::web_ui::{browser, js, sign_in};

fn axe_source() -> String {
    let path = std::env::var_os("CHATLEDGER_AXE").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default())
            .join(".cache/chatledger-test-tools/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "the accessibility test needs axe-core at {} (npm install --prefix ~/.cache/chatledger-test-tools axe-core@4, as .ci/run does, or set CHATLEDGER_AXE)",
            path.display()
        )
    })
}

fn wait_for(tab: &Tab, expr: &str, what: &str) {
    let t0 = Instant::now();
    loop {
        let v = js(tab, &format!("(() => {{ try {{ return !!({expr}); }} catch (e) {{ return false; }} }})()"));
        if v == Value::Bool(true) {
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(15), "{what}: timed out waiting for {expr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const PERIOD: &str = "period=custom&from=2026-11-01&to=2026-11-30&tz=UTC";

/// (name, route, what shows the page is drawn).
fn pages() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("overview", format!("#/overview?{PERIOD}"), "document.querySelector('[data-kpi=\"kpi.new\"] .value')"),
        ("samples", format!("#/samples?metric=first_response&{PERIOD}"), "document.querySelector('#samples tr')"),
        ("teams", format!("#/teams?team=cn-care&{PERIOD}"), "document.querySelector('#scorecard tbody tr')"),
        ("agent", format!("#/agent/a-zh1?{PERIOD}"), "document.querySelector('#agent-convs li')"),
        ("conversations", "#/conversations".into(), "document.querySelector('#view a[href^=\"#/c/\"]')"),
        ("transcript", "#/c/s-01".into(), "document.querySelector('#figures') && document.querySelector('#reply')"),
        ("search", "#/search?q=%E9%80%80%E6%AC%BE".into(), "document.getElementById('total')"),
        ("admin", "#/admin".into(), "document.querySelector('#audit tr') && document.querySelector('#channels')"),
        ("qa", "#/qa".into(), "document.querySelector('#scorecard-form') && document.querySelector('#qa-scores')"),
    ]
}

fn audit(tab: &Tab, axe: &str, what: &str) -> Vec<Value> {
    if js(tab, "typeof window.axe") != json!("object") {
        tab.evaluate(axe, false).unwrap();
    }
    let r = tab
        .evaluate(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
             .then(r => JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, \
             nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')) }))))",
            true,
        )
        .unwrap_or_else(|e| panic!("{what}: axe did not run: {e}"));
    serde_json::from_str(r.value.unwrap().as_str().unwrap()).unwrap()
}

fn shot(tab: &Tab, name: &str) {
    if let Some(dir) = std::env::var_os("CHATLEDGER_SCREENSHOTS") {
        let png = tab.capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png).unwrap();
    }
}

#[test]
fn every_page_in_both_languages_passes_the_wcag_a_and_aa_rules_of_axe() {
    let axe = axe_source();
    let app = TestApp::start();
    app.import_fixture("search_corpus.ndjson");
    app.wait_indexed();
    let admin = app.admin_token();
    let b = browser();
    let tab = b.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(15));
    let mut found = Vec::new();

    // The sign-in page, before signing in.
    tab.navigate_to(&format!("{}/#/signin", app.base)).unwrap();
    wait_for(&tab, "document.querySelector('input[name=username]')", "signin");
    shot(&tab, "signin-en");
    for v in audit(&tab, &axe, "signin") {
        found.push(format!("signin/en: {v}"));
    }
    sign_in(&tab, &app.base, "admin", ADMIN_PW, "#/overview");

    for lang in ["en", "zh-CN"] {
        let (s, v) = send_json("PATCH", &app.url("/api/v1/users/admin"), Some(&admin), &json!({"locale": lang}));
        assert_eq!(s, 200, "{v}");
        for (name, route, ready) in pages() {
            // A full load each time (not a hash change): a fresh document to audit and to time.
            tab.navigate_to("about:blank").unwrap();
            tab.wait_until_navigated().unwrap();
            tab.navigate_to(&format!("{}/{route}", app.base)).unwrap();
            wait_for(&tab, ready, name);
            let html_lang = js(&tab, "document.documentElement.lang");
            assert_eq!(html_lang, json!(lang), "{name}: <html lang> follows the language");
            if std::env::var_os("CHATLEDGER_MEASURE").is_some() {
                let t = js(
                    &tab,
                    "JSON.stringify({ fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime, \
                     content: performance.now(), load: performance.getEntriesByType('navigation')[0].loadEventEnd })",
                );
                println!("measure {name} {lang} {}", t.as_str().unwrap());
            }
            // A label left untranslated would show its key (`dash.title`).
            let text = js(&tab, "document.getElementById('view').innerText").as_str().unwrap().to_string();
            assert!(
                !regex_like_key(&text),
                "{name}/{lang}: an untranslated label in the page: {}",
                text.chars().take(400).collect::<String>()
            );
            shot(&tab, &format!("{name}-{lang}"));
            for v in audit(&tab, &axe, name) {
                found.push(format!("{name}/{lang}: {v}"));
            }
        }
    }
    assert!(found.is_empty(), "{} accessibility violations:\n{}", found.len(), found.join("\n"));

    // At phone width the dashboard still fits: nothing wider than the screen but the heatmap's own scroller.
    use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
    tab.call_method(SetDeviceMetricsOverride {
        width: 390,
        height: 844,
        device_scale_factor: 1.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
    let (s, _) = send_json("PATCH", &app.url("/api/v1/users/admin"), Some(&admin), &json!({"locale": "en"}));
    assert_eq!(s, 200);
    tab.navigate_to("about:blank").unwrap();
    tab.navigate_to(&format!("{}/#/overview?{PERIOD}", app.base)).unwrap();
    wait_for(&tab, "document.querySelector('[data-kpi=\"kpi.new\"] .value')", "overview at phone width");
    assert_eq!(
        js(&tab, "document.documentElement.scrollWidth <= window.innerWidth"),
        json!(true),
        "the page scrolls sideways at phone width"
    );
    shot(&tab, "overview-phone-en");
}

/// Whether the text holds something shaped like an i18n key (`word.word`, lower case, no space).
fn regex_like_key(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',').any(|w| {
        let parts: Vec<&str> = w.split('.').collect();
        parts.len() == 2
            && [
                "dash", "kpi", "admin", "nav", "conv", "tl", "fig", "ch", "ag", "reply", "search", "teams", "col",
                "samples", "st",
            ]
            .contains(&parts[0])
            && !parts[1].is_empty()
            && parts[1].chars().all(|c| c.is_ascii_lowercase() || c == '_')
    })
}
