//! Hand-worked timelines: each expected figure is reasoned from the metric
//! definitions, not produced by running the code.

use super::timeline::{Sample, analyze};
use crate::domain::parse::parse_line;
use crate::domain::{Channel, ConvEvent, Record};

/// Builds a timeline from compact lines: "MM:SS[.mmm] kind [agent|arg...]" on 2026-11-02 UTC,
/// in arrival order (the test lines are already in timeline order).
fn tl(spec: &[&str]) -> Vec<ConvEvent> {
    spec.iter()
        .enumerate()
        .map(|(i, l)| {
            let mut parts = l.split_whitespace();
            let clock = parts.next().unwrap();
            let ts = format!("2026-11-02T09:{clock}Z");
            let kind = parts.next().unwrap();
            let arg = parts.next().unwrap_or("");
            let arg2 = parts.next().unwrap_or("");
            let line = match kind {
                "cust" => format!(r#"{{"type":"message","conversation":"c","id":"m{i}","channel":"line","ts":"{ts}","sender":"customer","text":"q"}}"#),
                "agent" => format!(r#"{{"type":"message","conversation":"c","id":"m{i}","channel":"line","ts":"{ts}","sender":"agent","agent":"{arg}","text":"a"}}"#),
                "bot" => format!(r#"{{"type":"message","conversation":"c","id":"m{i}","channel":"line","ts":"{ts}","sender":"bot","text":"b"}}"#),
                "assign" => format!(r#"{{"type":"assign","conversation":"c","ts":"{ts}","agent":"{arg}"}}"#),
                "transfer" => format!(r#"{{"type":"transfer","conversation":"c","ts":"{ts}","from":"{arg}","to":"{arg2}"}}"#),
                "resolve" => format!(r#"{{"type":"resolve","conversation":"c","ts":"{ts}","agent":"{arg}"}}"#),
                "reopen" => format!(r#"{{"type":"reopen","conversation":"c","ts":"{ts}"}}"#),
                "note" => format!(r#"{{"type":"note","conversation":"c","ts":"{ts}","agent":"{arg}","text":"n"}}"#),
                "tag" => format!(r#"{{"type":"tag","conversation":"c","ts":"{ts}","tag":"{arg}"}}"#),
                "untag" => format!(r#"{{"type":"untag","conversation":"c","ts":"{ts}","tag":"{arg}"}}"#),
                "csat" => format!(r#"{{"type":"csat","conversation":"c","ts":"{ts}","score":{arg}}}"#),
                "edit" => format!(r#"{{"type":"edit","conversation":"c","ts":"{ts}","message":"{arg}","text":"x"}}"#),
                "delete" => format!(r#"{{"type":"delete","conversation":"c","ts":"{ts}","message":"{arg}","by":"customer"}}"#),
                other => panic!("{other}"),
            };
            match parse_line(line.as_bytes()).unwrap() {
                Record::Conv(e) => e,
                _ => unreachable!(),
            }
        })
        .collect()
}

fn secs(s: &Option<Sample>) -> Option<i64> {
    s.as_ref().map(|s| s.seconds)
}

fn reply_secs(events: &[ConvEvent]) -> Vec<i64> {
    analyze(events).replies.iter().map(|s| s.seconds).collect()
}

#[test]
fn first_response_is_the_first_wait_ended_by_a_human() {
    // Wait starts 00:00, the bot at 00:02 does not end it, a-1 answers at 02:00.5: 120.5 s → 120.
    let a = analyze(&tl(&["00:00 cust", "00:02 bot", "02:00.500 agent a-1"]));
    assert_eq!(secs(&a.first_response), Some(120));
    assert_eq!(a.first_response.unwrap().agent.as_deref(), Some("a-1"));
    assert_eq!(a.channel, Some(Channel::Line));
}

#[test]
fn more_customer_messages_during_a_wait_do_not_restart_it() {
    // Wait from 00:00 (not 01:00) to 03:00: 180 s.
    assert_eq!(reply_secs(&tl(&["00:00 cust", "01:00 cust", "03:00 agent a-1"])), vec![180]);
}

#[test]
fn every_answered_wait_is_a_reply_sample_the_first_included() {
    // Waits 00:00→00:30 (30 s) and 01:00→03:30 (150 s); the agent's second message answers nothing.
    let e = tl(&["00:00 cust", "00:30 agent a-1", "00:40 agent a-1", "01:00 cust", "03:30 agent a-2"]);
    assert_eq!(reply_secs(&e), vec![30, 150]);
    let a = analyze(&e);
    assert_eq!(a.replies[1].agent.as_deref(), Some("a-2"));
    assert_eq!(secs(&a.first_response), Some(30));
}

#[test]
fn a_resolve_discards_an_open_wait_and_a_discarded_first_wait_means_no_first_response() {
    // The first wait (00:00) is discarded at 01:00; the second (02:00→02:45) is a reply, not a first response.
    let a = analyze(&tl(&["00:00 cust", "01:00 resolve a-1", "02:00 cust", "02:45 agent a-1"]));
    assert_eq!(a.first_response, None);
    assert_eq!(a.replies.iter().map(|s| s.seconds).collect::<Vec<_>>(), vec![45]);
}

#[test]
fn a_wait_open_at_the_end_is_pending() {
    let a = analyze(&tl(&["00:00 cust", "00:10 agent a-1", "05:00 cust", "05:01 bot"]));
    assert_eq!(a.pending_since, Some(a.customer_messages[1].0));
    assert_eq!(a.replies.len(), 1);
}

#[test]
fn ties_in_ts_keep_arrival_order() {
    // Customer and agent at the same millisecond, customer first: a 0 s wait.
    assert_eq!(reply_secs(&tl(&["00:00 cust", "00:00 agent a-1"])), vec![0]);
    // Agent first, then the customer: the wait is still open.
    let a = analyze(&tl(&["00:00 agent a-1", "00:00 cust"]));
    assert!(a.replies.is_empty());
    assert!(a.pending_since.is_some());
}

#[test]
fn duration_is_first_to_last_message_bots_included_held_by_the_holder_then() {
    // 00:00 → 10:00 (bot) = 600 s; the holder at the last message is a-2 (transferred to).
    let a = analyze(&tl(&["00:00 cust", "01:00 agent a-1", "02:00 transfer a-1 a-2", "09:00 note a-2", "10:00 bot"]));
    let d = a.duration.unwrap();
    assert_eq!((d.seconds, d.agent.as_deref()), (600, Some("a-2")));
}

#[test]
fn resolution_uses_the_resolve_that_left_it_resolved() {
    // First resolve 05:00, reopened by a customer message, resolved again at 20:00 by a-2: 1200 s.
    let a = analyze(&tl(&[
        "00:00 cust",
        "01:00 agent a-1",
        "05:00 resolve a-1",
        "10:00 cust",
        "15:00 agent a-2",
        "20:00 resolve a-2",
    ]));
    let r = a.resolution.unwrap();
    assert_eq!((r.seconds, r.agent.as_deref()), (1200, Some("a-2")));
    // A second resolve without a reopen changes nothing.
    let a = analyze(&tl(&["00:00 cust", "01:00 agent a-1", "05:00 resolve a-1", "06:00 resolve a-2"]));
    assert_eq!(secs(&a.resolution), Some(300));
    // Reopened and not resolved again: no resolution.
    let a = analyze(&tl(&["00:00 cust", "05:00 resolve a-1", "06:00 reopen"]));
    assert_eq!(a.resolution, None);
    // An agent message or a CSAT does not reopen.
    let a = analyze(&tl(&["00:00 cust", "05:00 resolve a-1", "06:00 agent a-1", "07:00 csat 4"]));
    assert_eq!(secs(&a.resolution), Some(300));
}

#[test]
fn depth_counts_turns_and_skips_bots() {
    // cust cust | bot | agent | cust | agent agent → turns: C, A, C, A = 4.
    let a = analyze(&tl(&[
        "00:00 cust",
        "00:01 cust",
        "00:02 bot",
        "01:00 agent a-1",
        "02:00 cust",
        "03:00 agent a-1",
        "03:30 agent a-2",
    ]));
    assert_eq!(a.depth, 4);
    // A bot between two customer messages does not split the customer's turn.
    assert_eq!(analyze(&tl(&["00:00 cust", "00:01 bot", "00:02 cust"])).depth, 1);
}

#[test]
fn a_follow_up_is_a_response_24_hours_or_more_after_a_previous_human_response() {
    // Build by hand: a-1 answers at day 0 09:01, then again exactly 24 h later: a follow-up.
    let mut e = tl(&["00:00 cust", "01:00 agent a-1"]);
    let mut later = tl(&["01:00 agent a-1", "01:00 agent a-1"]);
    later[0].ts += 86_400_000; // exactly 24 h: counts
    later[1].ts += 86_400_000 + 86_399_999; // 1 ms short of 24 h after the previous: does not count
    e.append(&mut later);
    let a = analyze(&e);
    assert_eq!(a.follow_ups.len(), 1);
    assert_eq!(a.follow_ups[0].0, e[2].ts);
    // After a customer message it is a reply, not a follow-up.
    let mut e = tl(&["00:00 agent a-1", "00:10 cust"]);
    let mut later = tl(&["00:10 agent a-1"]);
    later[0].ts += 2 * 86_400_000;
    e.append(&mut later);
    assert!(analyze(&e).follow_ups.is_empty());
}

#[test]
fn post_transfer_runs_to_the_next_response_of_the_receiving_agent() {
    // Transfer at 02:00 to a-2; a-1 answers at 03:00 (not counted); a-2 at 07:00: 300 s, to a-2.
    let a = analyze(&tl(&[
        "00:00 cust",
        "01:00 agent a-1",
        "02:00 transfer a-1 a-2",
        "02:30 cust",
        "03:00 agent a-1",
        "07:00 agent a-2",
    ]));
    assert_eq!(a.post_transfer.len(), 1);
    assert_eq!((a.post_transfer[0].seconds, a.post_transfer[0].agent.as_deref()), (300, Some("a-2")));
    // The receiving agent never answers: no sample.
    let a = analyze(&tl(&["00:00 cust", "02:00 transfer a-1 a-3"]));
    assert!(a.post_transfer.is_empty());
}

#[test]
fn holder_and_home_follow_routing_then_responders() {
    // No routing: the holder is the latest responder, the home the first.
    let a = analyze(&tl(&["00:00 cust", "01:00 agent a-1", "02:00 cust", "03:00 agent a-2"]));
    assert_eq!((a.holder.as_deref(), a.home.as_deref()), (Some("a-2"), Some("a-1")));
    // An assign wins over responders; the home is the first routing event's agent.
    let a = analyze(&tl(&["00:00 cust", "00:01 assign a-5", "01:00 agent a-1"]));
    assert_eq!((a.holder.as_deref(), a.home.as_deref()), (Some("a-5"), Some("a-5")));
    // A transfer's from is the home when it comes first.
    let a = analyze(&tl(&["00:00 cust", "00:01 transfer a-3 a-4"]));
    assert_eq!((a.holder.as_deref(), a.home.as_deref()), (Some("a-4"), Some("a-3")));
    // Nobody: unassigned.
    let a = analyze(&tl(&["00:00 cust"]));
    assert_eq!((a.holder, a.home), (None, None));
}

#[test]
fn csat_goes_to_the_holder_at_the_rating_and_tags_are_those_at_the_end() {
    let a = analyze(&tl(&[
        "00:00 cust",
        "00:01 assign a-5",
        "01:00 agent a-1",
        "02:00 csat 5",
        "02:10 tag vip",
        "02:20 tag refund",
        "02:30 untag vip",
    ]));
    assert_eq!(a.csat, vec![(a.csat[0].0, 5, Some("a-5".to_string()))]);
    assert_eq!(a.tags, vec!["refund".to_string()]);
}

#[test]
fn deleted_messages_still_count_and_edits_change_nothing() {
    let plain = analyze(&tl(&["00:00 cust", "02:00 agent a-1"]));
    let touched = analyze(&tl(&["00:00 cust", "00:30 edit m0", "01:00 delete m0", "02:00 agent a-1"]));
    assert_eq!(plain.replies, touched.replies);
    assert_eq!(plain.depth, touched.depth);
    assert_eq!(plain.customer_messages.len(), touched.customer_messages.len());
}

#[test]
fn engagement_span_is_from_an_agents_first_to_last_response() {
    let a = analyze(&tl(&["00:00 cust", "01:00 agent a-1", "02:00 agent a-2", "09:00 agent a-1"]));
    let e = a.engagement();
    assert_eq!(e[0], ("a-1".to_string(), a.responses[0].0, a.responses[2].0));
    assert_eq!(e[1].1, e[1].2, "a single response spans 0 days");
}
