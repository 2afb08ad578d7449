//! Hand-worked periods: each expected figure is reasoned from the metric
//! definitions (metrics.md sections 1 to 7), never produced by running the
//! code. Every test builds a real store in a temporary directory, imports
//! the events, and asks the metrics service as the API does.

use std::collections::HashMap;
use std::sync::Arc;

use super::query::QueryParams;
use super::report::{Metrics, MetricsAnswer};
use super::schedule::Schedule;
use super::service::MetricsService;
use super::settings::SlaTargets;
use crate::domain::Record;
use crate::domain::parse::parse_line;
use crate::store::{Actor, AuditSpec, OpenOptions, Store};

/// Events written compactly: `ev("c1", "11-02 09:00:00", "cust")` is a customer
/// message of conversation c1 at 2026-11-02T09:00:00Z.
#[derive(Default)]
struct Data {
    lines: Vec<String>,
    channels: HashMap<String, String>,
}

fn t(s: &str) -> String {
    let (date, time) = s.split_once(' ').unwrap();
    format!("2026-{date}T{time}Z")
}

impl Data {
    fn agent(&mut self, id: &str, team: &str, role: &str) -> &mut Self {
        self.lines.push(format!(r#"{{"type":"agent","id":"{id}","team":"{team}","role":"{role}"}}"#));
        self
    }
    fn channel(&mut self, conv: &str, ch: &str) -> &mut Self {
        self.channels.insert(conv.into(), ch.into());
        self
    }
    fn ev(&mut self, conv: &str, at: &str, spec: &str) -> &mut Self {
        let n = self.lines.len();
        let ts = if at.starts_with("20") { at.to_string() } else { t(at) };
        let ch = self.channels.get(conv).cloned().unwrap_or_else(|| "whatsapp".into());
        let p: Vec<&str> = spec.split_whitespace().collect();
        let head = format!(r#""conversation":"{conv}","ts":"{ts}""#);
        let line = match p[0] {
            "cust" => {
                format!(r#"{{"type":"message",{head},"id":"m{n}","channel":"{ch}","sender":"customer","text":"q"}}"#)
            }
            "agent" => format!(
                r#"{{"type":"message",{head},"id":"m{n}","channel":"{ch}","sender":"agent","agent":"{}","text":"a"}}"#,
                p[1]
            ),
            "bot" => format!(r#"{{"type":"message",{head},"id":"m{n}","channel":"{ch}","sender":"bot","text":"b"}}"#),
            "assign" => format!(r#"{{"type":"assign",{head},"agent":"{}"}}"#, p[1]),
            "transfer" => format!(r#"{{"type":"transfer",{head},"from":"{}","to":"{}"}}"#, p[1], p[2]),
            "resolve" if p.len() > 1 => format!(r#"{{"type":"resolve",{head},"agent":"{}"}}"#, p[1]),
            "resolve" => format!(r#"{{"type":"resolve",{head}}}"#),
            "reopen" => format!(r#"{{"type":"reopen",{head}}}"#),
            "note" => format!(r#"{{"type":"note",{head},"agent":"{}","text":"n"}}"#, p[1]),
            "tag" => format!(r#"{{"type":"tag",{head},"tag":"{}"}}"#, p[1]),
            "untag" => format!(r#"{{"type":"untag",{head},"tag":"{}"}}"#, p[1]),
            "csat" => format!(r#"{{"type":"csat",{head},"score":{}}}"#, p[1]),
            "edit" => format!(r#"{{"type":"edit",{head},"message":"{}","text":"x"}}"#, p[1]),
            "delete" => format!(r#"{{"type":"delete",{head},"message":"{}","by":"customer"}}"#, p[1]),
            other => panic!("unknown event {other}"),
        };
        self.lines.push(line);
        self
    }

    fn open(&self) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_dir(dir.path(), &OpenOptions::default()).unwrap());
        let records: Vec<Record> = self.lines.iter().map(|l| parse_line(l.as_bytes()).unwrap()).collect();
        store.append(AuditSpec::new(&Actor::system(), "test.import", "events"), records).unwrap();
        Fixture { _dir: dir, svc: MetricsService::new(store) }
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    svc: Arc<MetricsService>,
}

impl Fixture {
    /// Asks for `from`..`to` (dates or RFC 3339) with `k=v&k=v` parameters.
    fn ask(&self, from: &str, to: &str, params: &str) -> MetricsAnswer {
        let mut p = QueryParams { from: Some(from.into()), to: Some(to.into()), ..Default::default() };
        for kv in params.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap();
            let text = v;
            let v = Some(v.to_string());
            match k {
                "tz" => p.tz = v,
                "group_by" => p.group_by = v,
                "agent" => p.agent = v,
                "team" => p.team = v,
                "role" => p.role = v,
                "channel" => p.channel = v,
                "tag" => p.tag = v,
                "business" => p.business = Some(text == "true"),
                _ => panic!("{k}"),
            }
        }
        let q = p.resolve(0).unwrap();
        self.svc.metrics(&q).unwrap()
    }

    fn schedule(&self, json: &str) {
        let s: Schedule = serde_json::from_str(json).unwrap();
        self.svc.set_schedule(&Actor::system(), Some(&s)).unwrap();
    }
}

fn group<'a>(a: &'a MetricsAnswer, key: Option<&str>) -> &'a Metrics {
    &a.groups.iter().find(|g| g.group.as_deref() == key).unwrap_or_else(|| panic!("no group {key:?}")).metrics
}

fn keys(a: &MetricsAnswer) -> Vec<Option<&str>> {
    a.groups.iter().map(|g| g.group.as_deref()).collect()
}

const DAY: &str = "2026-11-02";
const NEXT: &str = "2026-11-03";

#[test]
fn events_at_and_after_to_are_invisible() {
    // Wait 1: 09:00 → 09:02 (120 s). Wait 2 starts 09:10; the answer comes exactly at 09:15.
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:02:00", "agent a1").ev("c1", "11-02 09:10:00", "cust").ev(
        "c1",
        "11-02 09:15:00",
        "agent a1",
    );
    let f = d.open();
    // Period ends at 09:15: the answer is not visible, wait 2 is pending and started inside.
    let a = f.ask(DAY, "2026-11-02T09:15:00Z", "");
    assert_eq!((a.overall.reply.count, a.overall.reply.mean), (1, Some(120.0)));
    assert_eq!(a.overall.unanswered, 1);
    assert_eq!(a.overall.messages_out, 1);
    // Duration as of `to`: first message 09:00 → last visible message 09:10 = 600 s.
    assert_eq!(a.overall.duration.median, Some(600));
    // One millisecond later the answer counts: replies 120 and 300, nothing pending.
    let a = f.ask(DAY, "2026-11-02T09:15:00.001Z", "");
    assert_eq!((a.overall.reply.count, a.overall.reply.median, a.overall.reply.p90), (2, Some(120), Some(300)));
    assert_eq!(a.overall.unanswered, 0);
    assert_eq!(a.overall.duration.median, Some(900));
}

#[test]
fn a_sample_belongs_to_the_period_that_holds_its_end() {
    let mut d = Data::default();
    d.ev("c1", "11-01 23:59:00", "cust").ev("c1", "11-02 00:01:00", "agent a1");
    let f = d.open();
    // Day of the end: first response 120 s; the conversation is not new there.
    let a = f.ask(DAY, NEXT, "");
    assert_eq!(a.overall.first_response.median, Some(120));
    assert_eq!((a.overall.new_conversations, a.overall.conversations_handled), (0, 1));
    // Day of the start: no sample; as of its end (midnight) the wait is pending and started inside.
    let a = f.ask("2026-11-01", DAY, "");
    assert_eq!(a.overall.first_response.count, 0);
    assert_eq!(a.overall.first_response.median, None);
    assert_eq!((a.overall.unanswered, a.overall.new_conversations), (1, 1));
}

#[test]
fn day_buckets_around_midnight_in_shanghai() {
    // 15:59:59 UTC is 23:59:59 on Nov 1 in Shanghai; 16:00:00 UTC is midnight of Nov 2.
    let mut d = Data::default();
    d.ev("c1", "11-01 15:50:00", "cust").ev("c1", "11-01 15:59:59", "agent a1").ev("c1", "11-01 16:00:00", "cust").ev(
        "c1",
        "11-01 16:00:30",
        "agent a1",
    );
    let f = d.open();
    let a = f.ask("2026-11-01", NEXT, "tz=Asia/Shanghai&group_by=day");
    assert_eq!(keys(&a), vec![Some("2026-11-01"), Some("2026-11-02")]);
    let d1 = group(&a, Some("2026-11-01"));
    let d2 = group(&a, Some("2026-11-02"));
    // 15:50:00 → 15:59:59 = 599 s on the 1st; 16:00:00 → 16:00:30 = 30 s on the 2nd.
    assert_eq!((d1.reply.median, d1.first_response.count, d1.new_conversations), (Some(599), 1, 1));
    assert_eq!((d2.reply.median, d2.first_response.count, d2.new_conversations), (Some(30), 0, 0));
    // Handled in each day once; over the two days it is still one conversation.
    assert_eq!((d1.conversations_handled, d2.conversations_handled, a.overall.conversations_handled), (1, 1, 1));
    // In UTC both replies fall on Nov 1.
    let a = f.ask("2026-11-01", NEXT, "group_by=day");
    assert_eq!(group(&a, Some("2026-11-01")).reply.count, 2);
    assert_eq!(group(&a, Some("2026-11-02")).reply.count, 0);
}

fn first_responses(secs: &[u32]) -> Data {
    let mut d = Data::default();
    for (i, s) in secs.iter().enumerate() {
        let c = format!("c{i}");
        d.ev(&c, "11-02 10:00:00", "cust").ev(&c, &format!("11-02 10:{:02}:{:02}", s / 60, s % 60), "agent a1");
    }
    d
}

#[test]
fn percentiles_for_even_and_odd_sample_counts() {
    // n = 4: mean 25, median rank ceil(2) = 2 → 20, p90 rank ceil(3.6) = 4 → 40.
    let a = first_responses(&[40, 10, 30, 20]).open().ask(DAY, NEXT, "");
    let fr = &a.overall.first_response;
    assert_eq!((fr.mean, fr.median, fr.p90, fr.count), (Some(25.0), Some(20), Some(40), 4));
    // n = 5: mean 30, median rank 3 → 30, p90 rank ceil(4.5) = 5 → 50.
    let a = first_responses(&[40, 10, 50, 30, 20]).open().ask(DAY, NEXT, "");
    let fr = &a.overall.first_response;
    assert_eq!((fr.mean, fr.median, fr.p90, fr.count), (Some(30.0), Some(30), Some(50), 5));
    // SLA at the default 300 s: all five met.
    assert_eq!((a.overall.sla.attained, a.overall.sla.count, a.overall.sla.share), (5, 5, Some(1.0)));
}

#[test]
fn empty_time_buckets_are_listed_with_null_statistics() {
    let a = first_responses(&[60]).open().ask("2026-11-01", "2026-11-04", "group_by=day");
    assert_eq!(keys(&a), vec![Some("2026-11-01"), Some("2026-11-02"), Some("2026-11-03")]);
    let empty = group(&a, Some("2026-11-03"));
    assert_eq!((empty.conversations_handled, empty.new_conversations, empty.unanswered), (0, 0, 0));
    assert_eq!((empty.first_response.mean, empty.first_response.count), (None, 0));
    assert_eq!((empty.channel_share.count, empty.channel_share.shares.clone()), (0, None));
    assert_eq!((empty.transfer_rate, empty.csat.mean, empty.peak_hour_stability.ratio), (None, None, None));
    assert_eq!(group(&a, Some("2026-11-02")).first_response.median, Some(60));
}

#[test]
fn handled_counts_distinct_conversations_per_agent_team_and_role() {
    let mut d = Data::default();
    d.agent("a1", "x", "support").agent("a2", "x", "sales").agent("a3", "y", "support");
    // c1: a1 and a2 both answer; c2: a3 answers twice.
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:01:00", "agent a1")
        .ev("c1", "11-02 09:02:00", "agent a2")
        .ev("c2", "11-02 09:00:00", "cust")
        .ev("c2", "11-02 09:03:00", "agent a3")
        .ev("c2", "11-02 09:04:00", "agent a3");
    let f = d.open();
    let by_agent = f.ask(DAY, NEXT, "group_by=agent");
    // The customers' first messages came while nobody held the conversations: the "none" group.
    assert_eq!(keys(&by_agent), vec![Some("a1"), Some("a2"), Some("a3"), None]);
    assert_eq!((group(&by_agent, None).messages_in, group(&by_agent, None).conversations_handled), (2, 0));
    assert_eq!(group(&by_agent, Some("a1")).conversations_handled, 1);
    assert_eq!(group(&by_agent, Some("a2")).conversations_handled, 1);
    assert_eq!(group(&by_agent, Some("a3")).conversations_handled, 1);
    assert_eq!(group(&by_agent, Some("a3")).messages_out, 2);
    assert_eq!(by_agent.overall.conversations_handled, 2);
    let by_team = f.ask(DAY, NEXT, "group_by=team");
    assert_eq!(group(&by_team, Some("x")).conversations_handled, 1);
    assert_eq!(group(&by_team, Some("x")).messages_out, 2);
    let by_role = f.ask(DAY, NEXT, "group_by=role");
    // support: c1 (a1) and c2 (a3); sales: c1 (a2).
    assert_eq!(group(&by_role, Some("support")).conversations_handled, 2);
    assert_eq!(group(&by_role, Some("sales")).conversations_handled, 1);
}

#[test]
fn channel_share_is_over_handled_for_an_agent_and_over_new_for_a_team() {
    let mut d = Data::default();
    d.agent("a1", "x", "support").agent("a2", "x", "support");
    d.channel("c1", "whatsapp").channel("c2", "line").channel("c3", "line").channel("c4", "email");
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:01:00", "agent a1");
    d.ev("c2", "11-02 09:00:00", "cust").ev("c2", "11-02 09:01:00", "agent a1");
    d.ev("c3", "11-02 09:00:00", "cust").ev("c3", "11-02 09:01:00", "agent a2");
    // c4 is new but nobody answered it.
    d.ev("c4", "11-02 09:00:00", "cust");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "group_by=agent");
    let cs = &group(&a, Some("a1")).channel_share;
    assert_eq!((cs.base, cs.count), ("handled", 2));
    let shares = cs.shares.as_ref().unwrap();
    assert_eq!((shares["whatsapp"], shares["line"]), (0.5, 0.5));
    let t = f.ask(DAY, NEXT, "group_by=team");
    // The team's new conversations: c1, c2, c3 (home agents a1, a1, a2); c4 has no home agent.
    let cs = &group(&t, Some("x")).channel_share;
    assert_eq!((cs.base, cs.count), ("new", 3));
    assert!((cs.shares.as_ref().unwrap()["line"] - 2.0 / 3.0).abs() < 1e-12);
    // The whole selection: 4 new conversations, one each of email and whatsapp, two of line.
    let cs = &t.overall.channel_share;
    assert_eq!((cs.base, cs.count, cs.shares.as_ref().unwrap()["email"]), ("new", 4, 0.25));
}

#[test]
fn new_conversations_go_to_the_home_agent() {
    // a2 is assigned first, a1 answers: home agent a2. c2 has no routing: its first responder a1.
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:00:10", "assign a2")
        .ev("c1", "11-02 09:01:00", "agent a1")
        .ev("c2", "11-02 09:00:00", "cust")
        .ev("c2", "11-02 09:05:00", "agent a1");
    let a = d.open().ask(DAY, NEXT, "group_by=agent");
    assert_eq!(group(&a, Some("a2")).new_conversations, 1);
    assert_eq!(group(&a, Some("a1")).new_conversations, 1);
    assert_eq!(group(&a, Some("a1")).conversations_handled, 2);
    // a2 was assigned (touched) but never answered.
    assert_eq!((group(&a, Some("a2")).conversations_handled, group(&a, Some("a2")).conversations_touched), (0, 1));
}

#[test]
fn duration_goes_to_the_holder_at_the_last_message() {
    // c1: 09:00 → 09:30 with the transfer to a2 before the last message: 1800 s for a2.
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:05:00", "agent a1")
        .ev("c1", "11-02 09:10:00", "transfer a1 a2")
        .ev("c1", "11-02 09:30:00", "bot");
    // c2 ends the next day: its duration is not in Nov 2.
    d.ev("c2", "11-02 23:00:00", "cust").ev("c2", "11-03 01:00:00", "agent a1");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "group_by=agent");
    assert_eq!(group(&a, Some("a2")).duration.median, Some(1800));
    assert_eq!(group(&a, Some("a1")).duration.count, 0);
    // As of Nov 2's end, c2's last visible message is its first: a duration of 0 s, held by nobody.
    assert_eq!(a.overall.duration.count, 2);
    assert_eq!(group(&a, None).duration.median, Some(0));
    // Over both days c2 counts once, with its full 7200 s.
    let a = f.ask(DAY, "2026-11-04", "");
    // Durations 1800 and 7200: mean 4500, median rank 1 → 1800.
    let dur = &a.overall.duration;
    assert_eq!((dur.count, dur.mean, dur.median), (2, Some(4500.0), Some(1800)));
}

#[test]
fn resolution_goes_to_the_resolver_or_to_nobody() {
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:01:00", "agent a1").ev(
        "c1",
        "11-02 10:00:00",
        "resolve a1",
    );
    d.ev("c2", "11-02 09:00:00", "cust").ev("c2", "11-02 09:01:00", "agent a1").ev("c2", "11-02 09:20:00", "resolve");
    let a = d.open().ask(DAY, NEXT, "group_by=agent");
    assert_eq!(group(&a, Some("a1")).resolution.median, Some(3600));
    assert_eq!((group(&a, None).resolution.median, group(&a, None).resolution.count), (Some(1200), 1));
    // Both in the whole selection: mean (3600 + 1200) / 2.
    assert_eq!((a.overall.resolution.count, a.overall.resolution.mean), (2, Some(2400.0)));
}

#[test]
fn unanswered_waits_go_to_the_holder_at_to_and_the_day_they_started() {
    let mut d = Data::default();
    // c1 waits from Nov 1 (before the period): not counted. c2 waits from Nov 2 10:00, assigned to a3 later.
    d.ev("c1", "11-01 10:00:00", "cust");
    d.ev("c2", "11-02 10:00:00", "cust").ev("c2", "11-03 08:00:00", "assign a3");
    let f = d.open();
    let a = f.ask(DAY, "2026-11-04", "group_by=day");
    assert_eq!(a.overall.unanswered, 1);
    assert_eq!(group(&a, Some("2026-11-02")).unanswered, 1);
    assert_eq!(group(&a, Some("2026-11-03")).unanswered, 0);
    let a = f.ask(DAY, "2026-11-04", "group_by=agent");
    assert_eq!(group(&a, Some("a3")).unanswered, 1);
    // As of Nov 3 (before the assign), the holder is nobody.
    let a = f.ask(DAY, NEXT, "group_by=agent");
    assert_eq!(group(&a, None).unanswered, 1);
}

#[test]
fn sla_targets_per_team_change_past_figures_at_once() {
    let mut d = first_responses(&[100, 200, 400]);
    d.agent("a1", "x", "support");
    let f = d.open();
    assert_eq!(f.ask(DAY, NEXT, "").overall.sla.attained, 2);
    let mut teams = std::collections::BTreeMap::new();
    teams.insert("x".to_string(), 150);
    f.svc.set_sla(&Actor::system(), &SlaTargets { default_seconds: 300, teams }).unwrap();
    let sla = f.ask(DAY, NEXT, "").overall.sla;
    assert_eq!((sla.attained, sla.count), (1, 3));
    assert!((sla.share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    // A target is met at exactly the target.
    f.svc.set_sla(&Actor::system(), &SlaTargets { default_seconds: 400, teams: Default::default() }).unwrap();
    assert_eq!(f.ask(DAY, NEXT, "").overall.sla.attained, 3);
}

#[test]
fn deleted_messages_count_and_edits_change_nothing() {
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust") // m0
        .ev("c1", "11-02 09:00:30", "bot")
        .ev("c1", "11-02 09:01:00", "agent a1") // m2
        .ev("c1", "11-02 09:02:00", "delete m2")
        .ev("c1", "11-02 09:03:00", "edit m0");
    let a = d.open().ask(DAY, NEXT, "");
    // The recalled agent message still answered the wait (60 s); the bot is not a message out.
    assert_eq!((a.overall.messages_in, a.overall.messages_out), (1, 1));
    assert_eq!(a.overall.first_response.median, Some(60));
    // Duration runs to the last message (09:01), not to the recall or the edit.
    assert_eq!(a.overall.duration.median, Some(60));
}

#[test]
fn every_csat_rating_counts_for_the_holder_at_the_rating() {
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:01:00", "agent a1")
        .ev("c1", "11-02 09:02:00", "csat 2")
        .ev("c1", "11-02 09:03:00", "transfer a1 a2")
        .ev("c1", "11-02 09:04:00", "csat 5");
    let a = d.open().ask(DAY, NEXT, "group_by=agent");
    assert_eq!((group(&a, Some("a1")).csat.mean, group(&a, Some("a1")).csat.count), (Some(2.0), 1));
    assert_eq!((group(&a, Some("a2")).csat.mean, group(&a, Some("a2")).csat.count), (Some(5.0), 1));
    assert_eq!((a.overall.csat.mean, a.overall.csat.count), (Some(3.5), 2));
}

#[test]
fn a_follow_up_needs_24_hours_to_the_millisecond() {
    let mut d = Data::default();
    // c1: a1 answers, then writes again exactly 24 h later: a follow-up.
    d.ev("c1", "11-01 09:00:00", "cust").ev("c1", "11-01 09:01:00", "agent a1").ev("c1", "11-02 09:01:00", "agent a1");
    // c2: one millisecond short of 24 h: not a follow-up.
    d.ev("c2", "11-01 09:00:00", "cust").ev("c2", "11-01 09:01:00", "agent a1").ev(
        "c2",
        "2026-11-02T09:00:59.999Z",
        "agent a1",
    );
    // c3: the customer wrote last: an answer after 24 h is a reply, not a follow-up.
    d.ev("c3", "11-01 09:00:00", "cust").ev("c3", "11-02 09:30:00", "agent a1");
    let a = d.open().ask(DAY, NEXT, "");
    assert_eq!(a.overall.follow_ups, 1);
}

#[test]
fn transfers_post_transfer_time_notes_and_transfer_rate() {
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:01:00", "agent a1")
        .ev("c1", "11-02 09:02:00", "note a1")
        .ev("c1", "11-02 09:03:00", "transfer a1 a2")
        .ev("c1", "11-02 09:04:30", "agent a2");
    d.ev("c2", "11-02 10:00:00", "cust").ev("c2", "11-02 10:01:00", "agent a1");
    let a = d.open().ask(DAY, NEXT, "group_by=agent");
    let a1 = group(&a, Some("a1"));
    let a2 = group(&a, Some("a2"));
    assert_eq!((a1.transfers_made, a1.transfers_received, a1.notes_written), (1, 0, 1));
    // a1 touched c1 and c2: rate 1 / 2.
    assert_eq!((a1.conversations_touched, a1.transfer_rate), (2, Some(0.5)));
    assert_eq!((a2.transfers_received, a2.post_transfer.mean, a2.post_transfer.count), (1, Some(90.0), 1));
    assert_eq!((a2.transfers_made, a2.transfer_rate), (0, Some(0.0)));
}

#[test]
fn depth_is_averaged_over_handled_conversations_and_skips_bots() {
    let mut d = Data::default();
    // c1: C, bot, A, C, A → 4 turns. c2: C C A → 2 turns. c3: nobody answered → not handled.
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:00:01", "bot")
        .ev("c1", "11-02 09:01:00", "agent a1")
        .ev("c1", "11-02 09:02:00", "cust")
        .ev("c1", "11-02 09:03:00", "agent a1");
    d.ev("c2", "11-02 09:00:00", "cust").ev("c2", "11-02 09:00:05", "cust").ev("c2", "11-02 09:01:00", "agent a1");
    d.ev("c3", "11-02 09:00:00", "cust").ev("c3", "11-02 09:00:01", "bot");
    let a = d.open().ask(DAY, NEXT, "");
    assert_eq!((a.overall.depth.mean, a.overall.depth.count), (Some(3.0), 2));
}

#[test]
fn tags_count_as_carried_at_to() {
    let mut d = Data::default();
    // c1: refund tagged then untagged, vip kept. c2: no tag. c3: tagged refund only after the period.
    d.ev("c1", "11-02 09:00:00", "cust")
        .ev("c1", "11-02 09:00:10", "tag refund")
        .ev("c1", "11-02 09:00:20", "tag vip")
        .ev("c1", "11-02 09:00:30", "untag refund")
        .ev("c1", "11-02 09:01:00", "agent a1");
    d.ev("c2", "11-02 09:00:00", "cust").ev("c2", "11-02 09:02:00", "agent a1");
    d.ev("c3", "11-02 09:00:00", "cust").ev("c3", "11-02 09:03:00", "agent a1").ev(
        "c3",
        "11-03 01:00:00",
        "tag refund",
    );
    let f = d.open();
    let a = f.ask(DAY, NEXT, "group_by=tag");
    assert_eq!(keys(&a), vec![Some("vip"), None]);
    assert_eq!(group(&a, Some("vip")).first_response.median, Some(60));
    assert_eq!(group(&a, None).conversations_handled, 2);
    // Filtered by tag: only c1 carries vip at `to`; nobody carries refund then.
    assert_eq!(f.ask(DAY, NEXT, "tag=vip").overall.conversations_handled, 1);
    assert_eq!(f.ask(DAY, NEXT, "tag=refund").overall.conversations_handled, 0);
    // Two days on, c3 carries refund.
    assert_eq!(f.ask(DAY, "2026-11-04", "tag=refund").overall.first_response.median, Some(180));
}

#[test]
fn agent_filters_keep_only_what_is_attributed_to_those_agents() {
    let mut d = Data::default();
    d.agent("a1", "x", "support").agent("a2", "y", "sales");
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:01:00", "agent a1");
    d.ev("c2", "11-02 09:00:00", "cust").ev("c2", "11-02 09:02:00", "agent a2");
    // c3 is waiting with nobody holding it.
    d.ev("c3", "11-02 09:00:00", "cust");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "agent=a1");
    assert_eq!((a.overall.conversations_handled, a.overall.new_conversations, a.overall.unanswered), (1, 1, 0));
    assert_eq!(a.overall.channel_share.base, "handled");
    let a = f.ask(DAY, NEXT, "team=y");
    assert_eq!(a.overall.first_response.median, Some(120));
    let a = f.ask(DAY, NEXT, "role=support,sales");
    assert_eq!((a.overall.conversations_handled, a.overall.unanswered), (2, 0));
    // Without a filter the unassigned wait counts.
    assert_eq!(f.ask(DAY, NEXT, "").overall.unanswered, 1);
    assert_eq!(f.ask(DAY, NEXT, "channel=line").overall.new_conversations, 0);
}

#[test]
fn an_agent_who_changes_team_takes_its_history_along() {
    let mut d = first_responses(&[60]);
    d.agent("a1", "x", "support");
    d.agent("a1", "y", "support");
    let a = d.open().ask(DAY, NEXT, "group_by=team");
    assert_eq!(keys(&a), vec![Some("y"), None]);
    assert_eq!(group(&a, Some("y")).first_response.median, Some(60));
}

#[test]
fn late_imports_of_older_events_change_the_past_period() {
    let mut d = Data::default();
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:05:00", "agent a1");
    let f = d.open();
    assert_eq!(f.ask(DAY, NEXT, "").overall.first_response.median, Some(300));
    // A message from before, imported afterwards, moves the wait's start.
    let late = parse_line(br#"{"type":"message","conversation":"c1","ts":"2026-11-02T08:55:00Z","id":"late","channel":"whatsapp","sender":"customer","text":"q"}"#).unwrap();
    f.svc.store().append(AuditSpec::new(&Actor::system(), "test.import", "late"), vec![late]).unwrap();
    assert_eq!(f.ask(DAY, NEXT, "").overall.first_response.median, Some(600));
}

#[test]
fn ties_in_ts_keep_arrival_order() {
    let mut d = Data::default();
    // Same millisecond, customer first: the wait opens and closes at once (0 s).
    d.ev("c1", "11-02 09:00:00", "cust").ev("c1", "11-02 09:00:00", "agent a1");
    // Same millisecond, agent first: the customer's message then waits.
    d.ev("c2", "11-02 09:00:00", "agent a1").ev("c2", "11-02 09:00:00", "cust");
    let a = d.open().ask(DAY, NEXT, "");
    assert_eq!((a.overall.first_response.count, a.overall.first_response.median), (1, Some(0)));
    assert_eq!(a.overall.unanswered, 1);
}

#[test]
fn engagement_span_runs_from_first_to_last_response_of_each_agent() {
    let mut d = Data::default();
    d.ev("c1", "11-01 09:00:00", "cust")
        .ev("c1", "11-01 09:00:00", "agent a1")
        .ev("c1", "11-02 21:00:00", "agent a1")
        .ev("c1", "11-02 21:30:00", "agent a2");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "group_by=agent");
    // a1: 36 h = 1.5 days, counted on Nov 2 where its last response is; a2: one response, 0 days.
    let e = &group(&a, Some("a1")).engagement_span_days;
    assert_eq!((e.mean, e.median, e.count), (Some(1.5), Some(1.5), 1));
    assert_eq!(group(&a, Some("a2")).engagement_span_days.median, Some(0.0));
    assert_eq!(a.overall.engagement_span_days.count, 2);
    // On Nov 1 a1's last response (as of that day's end) was its first: 0 days.
    let a = f.ask("2026-11-01", DAY, "");
    assert_eq!(a.overall.engagement_span_days.mean, Some(0.0));
}

#[test]
fn peak_hour_stability_uses_the_busiest_hours() {
    // Waits by start hour (UTC): 09 ×3 (10, 20, 30 s), 10 ×2 (40, 50), 11 ×2 (60, 70), 12 ×1 (1000).
    // Busy hours: 09 (3), then 10 and 11 tie at 2 over 12 (1) → [9, 10, 11].
    let mut d = Data::default();
    let waits = [(9, 10), (9, 20), (9, 30), (10, 40), (10, 50), (11, 60), (11, 70), (12, 1000)];
    for (i, (h, s)) in waits.iter().enumerate() {
        let c = format!("c{i}");
        d.ev(&c, &format!("11-02 {h:02}:00:00"), "cust").ev(
            &c,
            &format!("11-02 {h:02}:{:02}:{:02}", s / 60, s % 60),
            "agent a1",
        );
    }
    let a = d.open().ask(DAY, NEXT, "");
    let p = &a.overall.peak_hour_stability;
    assert_eq!(p.busy_hours, vec![9, 10, 11]);
    // Peak samples 10..70 (7): p90 rank ceil(6.3) = 7 → 70. All 8: p90 rank ceil(7.2) = 8 → 1000.
    assert_eq!((p.peak_p90, p.overall_p90, p.count, p.peak_count), (Some(70), Some(1000), 8, 7));
    assert_eq!(p.ratio, Some(0.07));
}

#[test]
fn an_agent_uses_its_teams_busy_hours() {
    let mut d = Data::default();
    d.agent("a1", "x", "support").agent("a2", "x", "support");
    // The team answers at 09 (a2 ×3) and 14 (a1 ×1): busy hours [9, 14]; a1 alone would have [14].
    for i in 0..3 {
        let c = format!("b{i}");
        d.ev(&c, "11-02 09:00:00", "cust").ev(&c, "11-02 09:00:10", "agent a2");
    }
    d.ev("c1", "11-02 14:00:00", "cust").ev("c1", "11-02 14:00:30", "agent a1");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "group_by=agent");
    let p = &group(&a, Some("a1")).peak_hour_stability;
    assert_eq!(p.busy_hours, vec![9, 14]);
    assert_eq!((p.peak_count, p.ratio), (1, Some(1.0)));
    // The selection of a1 alone (an agent's own view) is judged the same way.
    let a = f.ask(DAY, NEXT, "agent=a1");
    assert_eq!(a.overall.peak_hour_stability.busy_hours, vec![9, 14]);
    // The team as a whole: 09 has 3 waits, 14 has 1.
    let a = f.ask(DAY, NEXT, "group_by=team");
    assert_eq!(group(&a, Some("x")).peak_hour_stability.busy_hours, vec![9, 14]);
}

const WEEKDAYS: &str = r#""mon":[["09:00","12:00"],["13:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]"#;

fn business_first_response(start: &str, end: &str, schedule: &str) -> (Option<i64>, Option<i64>) {
    let mut d = Data::default();
    d.ev("c1", start, "cust").ev("c1", end, "agent a1");
    let f = d.open();
    f.schedule(schedule);
    let a = f.ask("2026-10-01", "2026-12-01", "");
    (a.overall.first_response.median, a.overall.business.unwrap().first_response.median)
}

#[test]
fn business_time_skips_a_lunch_break() {
    // Monday 2026-11-02, 11:50 → 13:10: 4800 s; open 11:50-12:00 and 13:00-13:10 = 1200 s.
    let s = format!(r#"{{"tz":"UTC","hours":{{{WEEKDAYS}}}}}"#);
    assert_eq!(business_first_response("11-02 11:50:00", "11-02 13:10:00", &s), (Some(4800), Some(1200)));
}

#[test]
fn business_time_skips_a_night() {
    // Monday 17:50 → Tuesday 09:10: 10 min Monday evening + 10 min Tuesday morning = 1200 s.
    let s = format!(r#"{{"tz":"UTC","hours":{{{WEEKDAYS}}}}}"#);
    assert_eq!(business_first_response("11-02 17:50:00", "11-03 09:10:00", &s), (Some(55200), Some(1200)));
}

#[test]
fn business_time_skips_a_weekend_and_a_holiday() {
    // Friday Nov 6 17:55 → Monday Nov 9 09:05: 300 + 300 = 600 s.
    let s = format!(r#"{{"tz":"UTC","hours":{{{WEEKDAYS}}}}}"#);
    assert_eq!(business_first_response("11-06 17:55:00", "11-09 09:05:00", &s).1, Some(600));
    // With Monday Nov 9 a holiday, the answer on Tuesday 09:05 still costs 600 business seconds.
    let s = format!(r#"{{"tz":"UTC","hours":{{{WEEKDAYS}}},"holidays":["2026-11-09"]}}"#);
    assert_eq!(business_first_response("11-06 17:55:00", "11-10 09:05:00", &s).1, Some(600));
    // The calendar figure is unchanged: Fri 17:55 → Tue 09:05 = 3 days 15 h 10 min.
    assert_eq!(business_first_response("11-06 17:55:00", "11-10 09:05:00", &s).0, Some(3 * 86_400 + 15 * 3600 + 600));
}

#[test]
fn business_time_across_a_dst_change() {
    // Berlin, Sunday 2026-10-25 open all day: clocks go back, so that day lasts 25 hours.
    let s = r#"{"tz":"Europe/Berlin","hours":{"sun":[["00:00","24:00"]]}}"#;
    // Local midnight Sunday (22:00 UTC Saturday, CEST) to local midnight Monday (23:00 UTC Sunday, CET).
    let (cal, biz) = business_first_response("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", s);
    assert_eq!((cal, biz), (Some(90_000), Some(90_000)));
    // Half an hour before Sunday starts adds nothing open.
    assert_eq!(business_first_response("2026-10-24T21:30:00Z", "2026-10-25T00:00:00Z", s).1, Some(7200));
}

#[test]
fn business_sla_and_changing_the_schedule_recomputes_the_past() {
    let mut d = Data::default();
    // Monday 08:00 → 09:04: 3840 s on the calendar, 240 s of business time.
    d.ev("c1", "11-02 08:00:00", "cust").ev("c1", "11-02 09:04:00", "agent a1");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "");
    assert!(a.overall.business.is_none());
    f.schedule(&format!(r#"{{"tz":"UTC","hours":{{{WEEKDAYS}}}}}"#));
    let a = f.ask(DAY, NEXT, "");
    let b = a.overall.business.as_ref().unwrap();
    assert_eq!((a.overall.sla.attained, b.sla.attained, b.sla.count), (0, 1, 1));
    assert_eq!(b.first_response.median, Some(240));
    // Opening at 08:30 instead: 34 minutes open.
    f.schedule(r#"{"tz":"UTC","hours":{"mon":[["08:30","18:00"]]}}"#);
    assert_eq!(f.ask(DAY, NEXT, "").overall.business.unwrap().first_response.median, Some(2040));
    // business=false leaves the variants out.
    assert!(f.ask(DAY, NEXT, "business=false").overall.business.is_none());
}

#[test]
fn weekday_hour_week_and_month_keys() {
    // 2026-11-01T16:30Z is Monday 2026-11-02 00:30 in Shanghai: heatmap cell mon-00, ISO week 45.
    let mut d = Data::default();
    d.ev("c1", "11-01 16:30:00", "cust").ev("c1", "11-01 16:31:00", "agent a1");
    let f = d.open();
    let a = f.ask(DAY, NEXT, "tz=Asia/Shanghai&group_by=weekday_hour");
    assert_eq!(a.groups.len(), 168);
    assert_eq!(group(&a, Some("mon-00")).new_conversations, 1);
    assert_eq!(group(&a, Some("mon-00")).reply.median, Some(60));
    let a = f.ask("2026-10-01", "2026-12-01", "tz=Asia/Shanghai&group_by=week");
    assert_eq!(group(&a, Some("2026-W45")).new_conversations, 1);
    let a = f.ask("2026-10-01", "2026-12-01", "tz=Asia/Shanghai&group_by=month");
    assert_eq!(keys(&a), vec![Some("2026-10"), Some("2026-11")]);
    assert_eq!(group(&a, Some("2026-11")).new_conversations, 1);
    let a = f.ask(DAY, NEXT, "tz=Asia/Shanghai&group_by=weekday");
    assert_eq!(group(&a, Some("mon")).new_conversations, 1);
    // In UTC the same conversation is Sunday at 16.
    let a = f.ask("2026-11-01", NEXT, "group_by=hour_of_day");
    assert_eq!(group(&a, Some("16")).new_conversations, 1);
}

#[test]
fn hour_of_day_across_a_dst_change() {
    // Berlin on 2026-10-25: 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET: both at hour 02.
    let mut d = Data::default();
    d.ev("c1", "2026-10-25T00:30:00Z", "cust").ev("c1", "2026-10-25T00:30:10Z", "agent a1");
    d.ev("c2", "2026-10-25T01:30:00Z", "cust").ev("c2", "2026-10-25T01:30:20Z", "agent a1");
    let a = d.open().ask("2026-10-25", "2026-10-26", "tz=Europe/Berlin&group_by=hour_of_day");
    assert_eq!(group(&a, Some("02")).reply.count, 2);
    assert_eq!(group(&a, Some("03")).reply.count, 0);
}
