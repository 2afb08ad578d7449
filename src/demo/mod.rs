//! Deterministic demo data: what a newcomer sees on the dashboards before any real
//! conversation has been imported.
//!
//! The data set is written in the interchange format of `spec/events.md`, so it goes
//! through exactly the same import path as real data. It is generated, not stored, from a
//! seed: ChaCha8 (whose stream is stable across `rand` releases and platforms) drives every
//! choice, so the same `(seed, conversations, end_ms)` always gives the same output (see
//! `random.rs` for the one libm caveat across platforms).
//!
//! Layout: `market` (who the customers are, channels), `directory` and `names` (agents,
//! contacts), `clock` (load curves, human delays), `random` (sampling helpers), `text*`
//! (phrasebooks and slots), `story`, `conversation` and `ending` (the story of one
//! conversation), `timeline` (its events, in order, cut at the end of the window).

mod clock;
mod conversation;
mod directory;
mod ending;
mod market;
mod names;
mod random;
mod story;
mod text;
mod text_en;
mod text_pt;
mod text_zh;
mod timeline;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use conversation::Plan;
use directory::{Agents, Contacts};

/// Generates the demo data set as lines of the event format (one serde_json::Value object
/// each), in timestamp order for conversation events (directory records first).
/// Deterministic: same (seed, conversations, end_ms) => identical output.
///
/// Conversations start in the 90 days before `end_ms` and nothing at or after `end_ms` is
/// emitted (conversations still running are cut there). The agent who left the company is
/// deactivated by a last `agent` record after all conversation events.
pub fn generate(seed: u64, conversations: usize, end_ms: i64, out: &mut dyn FnMut(Value)) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let agents = Agents::new(end_ms);

    // Who writes in and when, then numbered in arrival order (demo-000001 is the oldest).
    let mut arrivals: Vec<_> = (0..conversations)
        .map(|_| {
            let (lang, region) = market::origin(&mut rng);
            (clock::sample_start(&mut rng, end_ms, region.offset_s()), lang, region)
        })
        .collect();
    arrivals.sort_by_key(|a| a.0); // stable: equal starts keep their (deterministic) order

    // Contacts are created or come back in arrival order, so a returning customer's first
    // conversation is always its earliest.
    let mut contacts = Contacts::default();
    let mut events = Vec::with_capacity(conversations.saturating_mul(16));
    for (i, &(start, lang, region)) in arrivals.iter().enumerate() {
        let (contact, channel) = contacts.visit(&mut rng, lang, region);
        let plan = Plan { no: i as u32 + 1, start, channel, contact: &contacts.list[contact] };
        conversation::tell(&mut rng, &agents, &plan, end_ms, &mut events);
    }

    agents.records().for_each(&mut *out);
    contacts.records().for_each(&mut *out);
    events.sort_unstable_by_key(|e| (e.ms, e.conv, e.seq));
    for e in events {
        out(e.value);
    }
    out(agents.departure());
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::DateTime;
    use serde_json::Value;

    use super::clock::WINDOW_MS;
    use super::market::CHANNELS;
    use super::text::{Lang, Slots, book};
    use super::*;

    fn end_ms() -> i64 {
        DateTime::parse_from_rfc3339("2026-12-01T00:00:00+08:00").unwrap().timestamp_millis()
    }

    fn run(seed: u64, n: usize) -> Vec<Value> {
        let mut v = Vec::new();
        generate(seed, n, end_ms(), &mut |x| v.push(x));
        v
    }

    fn s<'a>(v: &'a Value, k: &str) -> &'a str {
        v[k].as_str().unwrap_or("")
    }

    #[test]
    fn same_seed_same_output_different_seed_different_output() {
        let a = run(7, 300);
        assert_eq!(a, run(7, 300));
        assert_ne!(a, run(8, 300));
    }

    #[test]
    fn every_template_renders_all_its_slots() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for lang in [Lang::Zh, Lang::En, Lang::Pt] {
            let slots = Slots::new(&mut rng, lang, "X".into());
            let b = book(lang);
            let mut all: Vec<&str> = b
                .scripts
                .iter()
                .flat_map(|s| [s.open, s.detail, s.first, s.ask, s.answer, s.close, s.note].concat())
                .collect();
            for list in [b.bot, b.bot_email, b.nudge, b.thanks, b.reopen, b.reopen_answer, b.reopen_update] {
                all.extend(list);
            }
            for list in [b.follow_up, b.follow_up_reply, b.handover, b.ops_note, b.recall] {
                all.extend(list);
            }
            all.extend(b.reasons.concat().iter().chain(b.csat.concat().iter()));
            all.extend(b.wrong.iter().chain(b.sorry));
            for (x, y) in b.agent_fix.iter().chain(b.customer_fix) {
                all.extend([x, y]);
                assert_ne!(slots.render(x), slots.render(y), "an edit must change the text");
            }
            for t in all {
                assert!(!t.is_empty());
                assert!(!slots.render(t).contains('{'), "unrendered slot in {t:?}");
            }
        }
    }

    #[test]
    fn two_thousand_conversations_look_like_a_real_shop() {
        let end = end_ms();
        let lines = run(2026, 2000);
        let (mut agents, mut roles, mut types, mut channels) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        let mut convs: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        let (mut cjk, mut latin, mut prev, mut seen_event) = (false, false, i64::MIN, false);
        for v in &lines {
            assert!(v.is_object(), "{v}");
            assert!(!v.to_string().contains('\n'));
            match s(v, "type") {
                "agent" => {
                    agents.insert(s(v, "id").to_string());
                    if !v["role"].is_null() {
                        roles.insert(s(v, "role").to_string());
                    }
                }
                "contact" => assert!(!seen_event, "directory records come first"),
                ty => {
                    seen_event = true;
                    types.insert(ty.to_string());
                    let ts = DateTime::parse_from_rfc3339(s(v, "ts")).expect("RFC 3339 ts");
                    let ms = ts.timestamp_millis();
                    assert!(ms < end && ms >= end - WINDOW_MS, "{v}");
                    assert!(ms >= prev, "output sorted by ts");
                    prev = ms;
                    if ty == "message" {
                        channels.insert(s(v, "channel").to_string());
                        let text = s(v, "text");
                        cjk |= text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                        latin |= text.chars().any(|c| c.is_ascii_alphabetic());
                    }
                    convs.entry(s(v, "conversation").to_string()).or_default().push(v);
                }
            }
        }
        assert_eq!(lines.last().unwrap()["active"], false, "the leaver is deactivated last");
        assert!(agents.len() >= 20);
        assert_eq!(roles, ["ops", "sales", "support"].map(String::from).into());
        assert_eq!(channels, CHANNELS.map(String::from).into());
        let all_types = ["message", "edit", "delete", "assign", "transfer", "note", "tag"];
        for ty in all_types.iter().chain(&["untag", "resolve", "reopen", "csat"]) {
            assert!(types.contains(*ty), "no {ty} event");
        }
        assert!(cjk && latin);

        let mut waiting = 0;
        for events in convs.values() {
            let mut ids = BTreeSet::new();
            let mut last_ts = i64::MIN;
            for e in events {
                let ms = DateTime::parse_from_rfc3339(s(e, "ts")).unwrap().timestamp_millis();
                assert!(ms > last_ts, "strictly increasing within a conversation");
                last_ts = ms;
                if s(e, "type") == "message" {
                    assert!(ids.insert(s(e, "id")), "message ids unique");
                }
            }
            // The last customer or agent message, and whether a resolve came after it.
            let human = |e: &&&Value| s(e, "type") == "message" && s(e, "sender") != "bot";
            let last = events.iter().rposition(|e| human(&e));
            let tail = &events[last.map_or(0, |i| i + 1)..];
            let resolved = tail.iter().any(|e| s(e, "type") == "resolve");
            if last.is_some_and(|i| s(events[i], "sender") == "customer") && !resolved {
                waiting += 1;
            }
        }
        assert_eq!(convs.len(), 2000);
        assert!((40..=200).contains(&waiting), "{waiting} conversations left waiting");
    }
}
