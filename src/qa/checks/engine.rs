//! The built-in automatic checks over one conversation's events. Deterministic,
//! no outside service: the same events always give the same findings.

use serde::{Deserialize, Serialize};

use super::detect::{self, Hit};
use crate::domain::time::{Millis, format_rfc3339};
use crate::domain::{Body, ConvEvent, Sender};

/// How much a finding weighs in the automatic quality score (AQS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

impl Severity {
    /// Points a finding takes off its conversation's automatic score (out of 100).
    pub fn points(self) -> f64 {
        match self {
            Severity::Minor => 10.0,
            Severity::Major => 25.0,
            Severity::Critical => 100.0,
        }
    }
}

/// The built-in rules: id, name, severity.
pub const RULES: &[(&str, &str, Severity)] = &[
    ("greeting", "No greeting in the first agent reply", Severity::Minor),
    ("closing", "No closing before the conversation was resolved", Severity::Minor),
    ("abusive", "Forbidden or abusive words from an agent", Severity::Critical),
    (
        "off_platform",
        "An agent gave the customer a personal contact (phone, WeChat, WhatsApp, e-mail, QR/card)",
        Severity::Critical,
    ),
    ("sensitive_data", "An agent sent sensitive data (card number, resident ID, password)", Severity::Critical),
    ("sla_first_response", "First response over the SLA target", Severity::Major),
    ("unanswered", "A customer left unanswered", Severity::Major),
    ("long_silence", "A long silence from the agent side", Severity::Minor),
];

pub fn severity_of(rule: &str) -> Severity {
    RULES.iter().find(|r| r.0 == rule).map_or(Severity::Minor, |r| r.2)
}

/// A rule of the company's own: a phrase or regular expression that must, or
/// must not, appear, on one side, on some channels, in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhraseRule {
    /// Names the rule in findings; letters, digits, `-`, `_`; not a built-in rule's id.
    pub id: String,
    pub name: String,
    /// A regular expression (a plain phrase is one); case is ignored.
    pub pattern: String,
    /// `must_not` (each message that matches is a finding) or `must` (a
    /// conversation where no message of that side matches is one).
    pub mode: PhraseMode,
    /// `agent` (default), `customer` or `any`.
    #[serde(default)]
    pub side: Side,
    /// Only on these channels (empty: all).
    #[serde(default)]
    pub channels: Vec<String>,
    /// Only messages in this language: `zh` (holding Chinese characters) or `en` (holding none).
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default = "minor")]
    pub severity: Severity,
}

fn minor() -> Severity {
    Severity::Minor
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhraseMode {
    Must,
    MustNot,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Agent,
    Customer,
    Any,
}

/// A phrase rule ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub rule: PhraseRule,
    pub re: regex::Regex,
}

impl PhraseRule {
    pub fn compile(&self) -> Result<Compiled, String> {
        if self.id.is_empty() || !self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("rule id {:?} must be letters, digits, '-' or '_'", self.id));
        }
        if RULES.iter().any(|r| r.0 == self.id) {
            return Err(format!("rule id {:?} is a built-in rule's", self.id));
        }
        if let Some(l) = &self.language
            && l != "zh"
            && l != "en"
        {
            return Err(format!("rule {}: `language` is zh or en", self.id));
        }
        let re = regex::RegexBuilder::new(&self.pattern)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| format!("rule {}: the pattern is not a valid regular expression: {e}", self.id))?;
        Ok(Compiled { rule: self.clone(), re })
    }

    fn applies(&self, sender: Sender, channel: &str, text: &str) -> bool {
        let side = match self.side {
            Side::Agent => sender == Sender::Agent,
            Side::Customer => sender == Sender::Customer,
            Side::Any => true,
        };
        let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        side && (self.channels.is_empty() || self.channels.iter().any(|c| c == channel))
            && match self.language.as_deref() {
                Some("zh") => chinese,
                Some("en") => !chinese,
                _ => true,
            }
    }
}

/// The thresholds the checks use.
#[derive(Debug, Clone)]
pub struct Settings {
    /// First-response target of the conversation's team, seconds.
    pub sla_seconds: i64,
    /// A customer waiting longer than this, at check time, is unanswered.
    pub unanswered_seconds: i64,
    /// A reply slower than this is a long silence.
    pub silence_seconds: i64,
    /// E-mail domains of the company (addresses there are not private).
    pub company_domains: Vec<String>,
    /// The company's own phrase rules.
    pub phrases: Vec<Compiled>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sla_seconds: 300,
            unanswered_seconds: 3600,
            silence_seconds: 1800,
            company_domains: vec![],
            phrases: vec![],
        }
    }
}

/// One finding (before it is stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    /// `{conversation}|{rule}|{message or ts}`: the same finding keeps its id when the checks run again.
    pub id: String,
    pub conversation: String,
    pub rule: String,
    pub severity: Severity,
    /// The agent it is attributed to.
    pub agent: Option<String>,
    /// The message that caused it.
    pub message: Option<String>,
    pub ts: String,
    /// What was found, with sensitive values masked.
    pub detail: String,
    /// Set when a reviewer dismissed it as a false positive (it is kept).
    #[serde(default)]
    pub dismissed: Option<Dismissal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dismissal {
    pub by: String,
    pub reason: String,
    pub at: String,
}

fn finding(conv: &str, rule: &str, agent: Option<&str>, message: Option<&str>, ts: Millis, detail: String) -> Finding {
    Finding {
        id: format!("{conv}|{rule}|{}", message.map(str::to_string).unwrap_or_else(|| ts.to_string())),
        conversation: conv.into(),
        rule: rule.into(),
        severity: severity_of(rule),
        agent: agent.map(str::to_string),
        message: message.map(str::to_string),
        ts: format_rfc3339(ts),
        detail,
        dismissed: None,
    }
}

/// Shows what was found, masking all but the ends of sensitive values.
fn describe(text: &str, hits: &[Hit], mask: bool) -> String {
    hits.iter()
        .map(|h| {
            let v = &text[h.start..h.end];
            let shown = if mask {
                let chars: Vec<char> = v.chars().collect();
                let keep = 2.min(chars.len() / 4);
                let masked = chars.len().saturating_sub(keep * 2);
                format!(
                    "{}{}{}",
                    chars[..keep].iter().collect::<String>(),
                    "•".repeat(masked),
                    chars[chars.len() - keep..].iter().collect::<String>()
                )
            } else {
                v.to_string()
            };
            format!("{}: {shown}", h.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every finding of one conversation, from its events in timeline order, at time `now`.
pub fn check(conv: &str, events: &[(u64, ConvEvent)], s: &Settings, now: Millis) -> Vec<Finding> {
    let mut out = Vec::new();
    // The texts an agent sent: each message and each of its later edits.
    let mut sent: Vec<(String, String, Millis, String)> = Vec::new(); // (message id, agent, ts, text)
    let mut first_customer: Option<Millis> = None;
    let mut first_human: Option<(String, String, Millis, String)> = None;
    let mut waiting_since: Option<(Millis, Option<String>)> = None; // customer message waiting, the agent holding
    let mut last_agent: Option<(String, String, Millis, String)> = None;
    let mut holder: Option<String> = None;
    let mut agent_of_message: std::collections::HashMap<String, String> = Default::default();
    for (_, e) in events {
        match &e.body {
            Body::Message { id, sender: Sender::Customer, .. } => {
                first_customer.get_or_insert(e.ts);
                if waiting_since.is_none() {
                    waiting_since = Some((e.ts, holder.clone()));
                }
                let _ = id;
            }
            Body::Message { id, sender: Sender::Agent, agent: Some(a), text, .. } => {
                let text = text.clone().unwrap_or_default();
                agent_of_message.insert(id.clone(), a.clone());
                if first_human.is_none() {
                    first_human = Some((id.clone(), a.clone(), e.ts, text.clone()));
                }
                if let Some((since, _)) = waiting_since.take() {
                    let gap = (e.ts - since) / 1000;
                    if gap > s.silence_seconds && Some(since) != first_customer {
                        out.push(finding(
                            conv,
                            "long_silence",
                            Some(a),
                            Some(id),
                            e.ts,
                            format!("the customer waited {gap} s for this reply"),
                        ));
                    }
                }
                holder = Some(a.clone());
                sent.push((id.clone(), a.clone(), e.ts, text.clone()));
                last_agent = Some((id.clone(), a.clone(), e.ts, text));
            }
            Body::Edit { message, text: Some(t) } => {
                if let Some(a) = agent_of_message.get(message) {
                    sent.push((message.clone(), a.clone(), e.ts, t.clone()));
                }
            }
            Body::Assign { agent } => holder = Some(agent.clone()),
            Body::Transfer { to, .. } => holder = Some(to.clone()),
            Body::Resolve { agent } => {
                waiting_since = None;
                if let Some((id, a, _, text)) = &last_agent
                    && !detect::closes(text)
                {
                    let who = agent.as_deref().unwrap_or(a);
                    out.push(finding(
                        conv,
                        "closing",
                        Some(who),
                        Some(id),
                        e.ts,
                        "the last agent message before the resolve has no closing".into(),
                    ));
                }
            }
            Body::Reopen => {}
            _ => {}
        }
    }
    if let Some((id, a, ts, text)) = &first_human {
        if !detect::greets(text) {
            out.push(finding(conv, "greeting", Some(a), Some(id), *ts, "the first agent reply has no greeting".into()));
        }
        if let Some(c) = first_customer
            && *ts > c
            && (ts - c) / 1000 > s.sla_seconds
        {
            out.push(finding(
                conv,
                "sla_first_response",
                Some(a),
                Some(id),
                *ts,
                format!("first response after {} s (target {} s)", (ts - c) / 1000, s.sla_seconds),
            ));
        }
    }
    if let Some((since, agent)) = waiting_since
        && (now - since) / 1000 > s.unanswered_seconds
    {
        out.push(finding(
            conv,
            "unanswered",
            agent.as_deref(),
            None,
            since,
            format!("waiting since {} with no reply", format_rfc3339(since)),
        ));
    }
    for (id, a, ts, text) in &sent {
        let abusive = detect::abusive(text);
        if !abusive.is_empty() {
            out.push(finding(conv, "abusive", Some(a), Some(id), *ts, describe(text, &abusive, false)));
        }
        let off = detect::off_platform(text, &s.company_domains);
        if !off.is_empty() {
            out.push(finding(conv, "off_platform", Some(a), Some(id), *ts, describe(text, &off, true)));
        }
        let sens = detect::sensitive(text);
        if !sens.is_empty() {
            out.push(finding(conv, "sensitive_data", Some(a), Some(id), *ts, describe(text, &sens, true)));
        }
    }
    phrase_findings(conv, events, s, &mut out);
    // An edit repeating a finding of its message is the same finding.
    let mut seen = std::collections::HashSet::new();
    out.retain(|f| seen.insert(f.id.clone()));
    out
}

/// The company's phrase rules over the conversation's messages (and edits).
fn phrase_findings(conv: &str, events: &[(u64, ConvEvent)], s: &Settings, out: &mut Vec<Finding>) {
    if s.phrases.is_empty() {
        return;
    }
    // (message id, sender, agent, channel, ts, text) of every text sent, edits included.
    let mut texts: Vec<(String, Sender, Option<String>, String, Millis, String)> = Vec::new();
    let mut main_agent: Option<String> = None;
    for (_, e) in events {
        match &e.body {
            Body::Message { id, channel, sender, agent, text, .. } => {
                if *sender == Sender::Agent && main_agent.is_none() {
                    main_agent.clone_from(agent);
                }
                texts.push((
                    id.clone(),
                    *sender,
                    agent.clone(),
                    channel.as_str().to_string(),
                    e.ts,
                    text.clone().unwrap_or_default(),
                ));
            }
            Body::Edit { message, text: Some(t) } => {
                if let Some(m) = texts.iter().find(|x| &x.0 == message).cloned() {
                    texts.push((m.0, m.1, m.2, m.3, e.ts, t.clone()));
                }
            }
            _ => {}
        }
    }
    let last_ts = events.last().map_or(0, |(_, e)| e.ts);
    for c in &s.phrases {
        let r = &c.rule;
        let mut matched_any = false;
        for (id, sender, agent, channel, ts, text) in &texts {
            if !r.applies(*sender, channel, text) {
                continue;
            }
            if let Some(m) = c.re.find(text) {
                matched_any = true;
                if r.mode == PhraseMode::MustNot {
                    let mut f = finding(
                        conv,
                        &r.id,
                        agent.as_deref(),
                        Some(id),
                        *ts,
                        format!("{}: \"{}\"", r.name, m.as_str()),
                    );
                    f.severity = r.severity;
                    out.push(f);
                }
            }
        }
        let applicable = texts.iter().any(|(_, sender, _, channel, _, text)| r.applies(*sender, channel, text));
        if r.mode == PhraseMode::Must && applicable && !matched_any {
            let mut f = finding(conv, &r.id, main_agent.as_deref(), None, last_ts, format!("{}: never said", r.name));
            f.severity = r.severity;
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::test_events;

    fn rules(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn a_good_conversation_has_no_finding() {
        let e = test_events(&[
            r#"{"type":"message","conversation":"c","id":"m1","channel":"wechat","ts":"2026-11-02T09:00:00Z","sender":"customer","text":"我想退款"}"#,
            r#"{"type":"message","conversation":"c","id":"m2","channel":"wechat","ts":"2026-11-02T09:01:00Z","sender":"agent","agent":"a-1","text":"您好，请提供订单号 2026110512345"}"#,
            r#"{"type":"message","conversation":"c","id":"m3","channel":"wechat","ts":"2026-11-02T09:02:00Z","sender":"customer","text":"2026110512345"}"#,
            r#"{"type":"message","conversation":"c","id":"m4","channel":"wechat","ts":"2026-11-02T09:03:00Z","sender":"agent","agent":"a-1","text":"已为您退款，感谢您的耐心"}"#,
            r#"{"type":"resolve","conversation":"c","ts":"2026-11-02T09:04:00Z","agent":"a-1"}"#,
        ]);
        let now = e[4].1.ts + 86_400_000;
        assert!(
            check("c", &e, &Settings::default(), now).is_empty(),
            "{:?}",
            check("c", &e, &Settings::default(), now)
        );
    }

    #[test]
    fn each_rule_fires_on_its_case_and_names_the_message() {
        let e = test_events(&[
            r#"{"type":"message","conversation":"c","id":"m1","channel":"whatsapp","ts":"2026-11-02T09:00:00Z","sender":"customer","text":"my order is late"}"#,
            r#"{"type":"message","conversation":"c","id":"m2","channel":"whatsapp","ts":"2026-11-02T09:20:00Z","sender":"agent","agent":"a-2","text":"Order 77 shipped. Add me on WhatsApp wa.me/5511987654321"}"#,
            r#"{"type":"message","conversation":"c","id":"m3","channel":"whatsapp","ts":"2026-11-02T09:21:00Z","sender":"customer","text":"ok and my card?"}"#,
            r#"{"type":"message","conversation":"c","id":"m4","channel":"whatsapp","ts":"2026-11-02T10:30:00Z","sender":"agent","agent":"a-2","text":"Your card 4111 1111 1111 1111 is on file"}"#,
            r#"{"type":"edit","conversation":"c","message":"m4","ts":"2026-11-02T10:31:00Z","text":"Your card is on file, don't be stupid"}"#,
            r#"{"type":"resolve","conversation":"c","ts":"2026-11-02T10:32:00Z","agent":"a-2"}"#,
            r#"{"type":"message","conversation":"c","id":"m5","channel":"whatsapp","ts":"2026-11-02T11:00:00Z","sender":"customer","text":"hello?"}"#,
        ]);
        let now = e[6].1.ts + 2 * 3_600_000;
        let f = check("c", &e, &Settings::default(), now);
        let mut got = rules(&f);
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "abusive",
                "closing",
                "greeting",
                "long_silence",
                "off_platform",
                "sensitive_data",
                "sla_first_response",
                "unanswered"
            ]
        );
        let off = f.iter().find(|f| f.rule == "off_platform").unwrap();
        assert_eq!(
            (off.message.as_deref(), off.agent.as_deref(), off.severity),
            (Some("m2"), Some("a-2"), Severity::Critical)
        );
        assert!(!off.detail.contains("987654"), "masked: {}", off.detail);
        let card = f.iter().find(|f| f.rule == "sensitive_data").unwrap();
        assert_eq!(card.message.as_deref(), Some("m4"));
        assert!(!card.detail.contains("1111 1111"), "masked: {}", card.detail);
        let abuse = f.iter().find(|f| f.rule == "abusive").unwrap();
        assert_eq!(abuse.message.as_deref(), Some("m4"), "found in the edited text");
        // The company's own rules: a forbidden phrase, and one that must be said (in English conversations).
        let rules = [
            PhraseRule {
                id: "no-promise".into(),
                name: "No refund promises".into(),
                pattern: r"guarantee|保证退款".into(),
                mode: PhraseMode::MustNot,
                side: Side::Agent,
                channels: vec![],
                language: None,
                severity: Severity::Major,
            },
            PhraseRule {
                id: "survey".into(),
                name: "Offer the survey".into(),
                pattern: "survey".into(),
                mode: PhraseMode::Must,
                side: Side::Agent,
                channels: vec!["whatsapp".into()],
                language: Some("en".into()),
                severity: Severity::Minor,
            },
        ];
        let s = Settings { phrases: rules.iter().map(|r| r.compile().unwrap()).collect(), ..Settings::default() };
        let mut e2 = e.clone();
        e2.push(test_events(&[r#"{"type":"message","conversation":"c","id":"m6","channel":"whatsapp","ts":"2026-11-02T11:05:00Z","sender":"agent","agent":"a-2","text":"I GUARANTEE a refund"}"#])[0].clone());
        let f2 = check("c", &e2, &s, now);
        let promise = f2.iter().find(|f| f.rule == "no-promise").unwrap();
        assert_eq!((promise.message.as_deref(), promise.severity), (Some("m6"), Severity::Major));
        let survey = f2.iter().find(|f| f.rule == "survey").unwrap();
        assert_eq!((survey.message.as_deref(), survey.agent.as_deref()), (None, Some("a-2")));
        assert!(
            PhraseRule { pattern: "(".into(), ..rules[0].clone() }
                .compile()
                .unwrap_err()
                .contains("regular expression")
        );
        assert!(PhraseRule { id: "greeting".into(), ..rules[0].clone() }.compile().unwrap_err().contains("built-in"));
        // The ids are stable: a second run gives the same ones.
        assert_eq!(
            check("c", &e, &Settings::default(), now).iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
            f.iter().map(|f| f.id.clone()).collect::<Vec<_>>()
        );
    }
}
