//! Running the checks: over the whole history on demand, and over the
//! conversations that got new events as they come (a cursor on the event
//! log, like the search index's). Findings are stored by conversation; a
//! dismissal survives every later run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::engine::{self, Compiled, Dismissal, Finding, PhraseRule, Settings};
use crate::domain::time::{Millis, format_rfc3339, now_ms};
use crate::metrics::settings::{SLA_KEY, SlaTargets};
use crate::store::codec::{decode, encode};
use crate::store::{Actor, AuditSpec, Conversation, Store, StoreError};

type Result<T> = std::result::Result<T, StoreError>;

/// The setting holding the company's phrase rules (JSON).
pub const PHRASES_KEY: &str = "qa_phrase_rules";

/// Agent id → team.
type Teams = HashMap<String, Option<String>>;
/// An agent's part of a conversation: its group, its conversation score, its findings' rules.
type Part = (Option<String>, f64, Vec<String>);

/// What a run did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    pub conversations: usize,
    pub findings: usize,
    pub seconds: f64,
}

/// AQS of one group.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AqsRow {
    pub group: Option<String>,
    /// Mean automatic score of the group's conversations (100 less the points of
    /// their findings, at least 0); null without a conversation.
    pub aqs: Option<f64>,
    pub conversations: usize,
    /// Findings not dismissed, per rule.
    pub findings: BTreeMap<String, usize>,
}

/// Which findings.
#[derive(Default)]
pub struct FindingFilter {
    pub agent: Option<String>,
    pub rule: Option<String>,
    pub conversation: Option<String>,
    /// `include`, `exclude` (default) or `only`.
    pub dismissed: Option<String>,
}

/// More new events than this since the last run: the conversations to check
/// are picked from their summaries instead of from the events.
#[cfg(not(test))]
const BACKLOG_BY_SUMMARIES: u64 = 100_000;
#[cfg(test)]
const BACKLOG_BY_SUMMARIES: u64 = 6;
/// Conversations per write when catching up with a backlog.
#[cfg(not(test))]
const BACKLOG_CHUNK: usize = 1_000;
#[cfg(test)]
const BACKLOG_CHUNK: usize = 2;

pub struct Checks {
    store: Arc<Store>,
}

impl Checks {
    pub fn new(store: Arc<Store>) -> Checks {
        Checks { store }
    }

    /// The thresholds: the SLA targets of the metrics, and the company's own
    /// e-mail domains (those of the e-mail channels) which are not private addresses.
    /// The company's phrase rules, as stored.
    pub fn phrase_rules(&self) -> Result<Vec<PhraseRule>> {
        Ok(self.store.setting(PHRASES_KEY)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
    }

    /// Replaces the company's phrase rules (each checked); audited as a setting.
    pub fn set_phrase_rules(&self, actor: &Actor, rules: &[PhraseRule]) -> std::result::Result<(), String> {
        let mut ids = HashSet::new();
        for r in rules {
            r.compile()?;
            if !ids.insert(r.id.as_str()) {
                return Err(format!("rule id {:?} is used twice", r.id));
            }
        }
        let json = serde_json::to_string(rules).expect("rules serialise");
        self.store.put_setting(actor, PHRASES_KEY, Some(&json)).map_err(|e| e.to_string())
    }

    fn compiled_phrases(&self) -> Result<Vec<Compiled>> {
        Ok(self
            .phrase_rules()?
            .iter()
            .filter_map(|r| r.compile().map_err(|e| tracing::warn!(error = %e, "a stored phrase rule is skipped")).ok())
            .collect())
    }

    fn context(&self) -> Result<(SlaTargets, Vec<String>, Teams)> {
        let sla = self.store.setting(SLA_KEY)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let channels: Vec<serde_json::Value> =
            self.store.setting("channels")?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let domains = channels
            .iter()
            .filter(|c| c["kind"] == "email")
            .filter_map(|c| c["account_id"].as_str())
            .flat_map(|a| a.split(','))
            .filter_map(|a| a.trim().rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()))
            .collect();
        let teams = self.store.agents()?.into_iter().map(|a| (a.id, a.team)).collect();
        Ok((sla, domains, teams))
    }

    fn check_one(
        &self,
        conv: &str,
        sla: &SlaTargets,
        domains: &[String],
        phrases: &[Compiled],
        teams: &Teams,
        now: Millis,
    ) -> Result<Vec<Finding>> {
        let Some(events) = self.store.conversation_events(conv)? else { return Ok(vec![]) };
        let summary = self.store.conversation(conv)?;
        let team = summary.and_then(|c| c.agents.first().cloned()).and_then(|a| teams.get(&a).cloned().flatten());
        let s = Settings {
            sla_seconds: sla.for_team(team.as_deref()),
            company_domains: domains.to_vec(),
            phrases: phrases.to_vec(),
            ..Default::default()
        };
        Ok(engine::check(conv, &events, &s, now))
    }

    /// Checks these conversations and stores their findings (in one write).
    fn check_ids(&self, actor: &Actor, ids: &[String], cursor: Option<u64>) -> Result<usize> {
        let (sla, domains, teams) = self.context()?;
        let phrases = self.compiled_phrases()?;
        let now = now_ms();
        let mut found = Vec::new();
        for id in ids {
            for f in self.check_one(id, &sla, &domains, &phrases, &teams, now)? {
                found.push((f.id.clone(), encode(&f)));
            }
        }
        let n = found.len();
        // A dismissed finding keeps its dismissal when it is found again.
        let merge = |old: &[u8], new: &[u8]| -> Option<Vec<u8>> {
            let old: Finding = decode(old, "finding").ok()?;
            let mut new: Finding = decode(new, "finding").ok()?;
            new.dismissed = Some(old.dismissed?);
            Some(encode(&new))
        };
        let spec = AuditSpec::new(actor, "qa.checks", format!("{} conversation(s)", ids.len()))
            .detail(format!("{n} finding(s)"));
        self.store.qa_replace_findings(spec, ids, found, &merge, cursor)?;
        Ok(n)
    }

    /// Runs every check over the whole history.
    pub fn run_all(&self, actor: &Actor) -> Result<RunSummary> {
        let started = std::time::Instant::now();
        let mut ids = Vec::new();
        let (head, _) = self.store.for_each_conversation(&mut |c| ids.push(c.id))?;
        let mut findings = 0;
        for (i, chunk) in ids.chunks(1000).enumerate() {
            let last = (i + 1) * 1000 >= ids.len();
            findings += self.check_ids(actor, chunk, last.then_some(head))?;
        }
        if ids.is_empty() {
            self.check_ids(actor, &[], Some(head))?;
        }
        Ok(RunSummary { conversations: ids.len(), findings, seconds: started.elapsed().as_secs_f64() })
    }

    /// Checks the conversations that got events since the last time; how many.
    pub fn catch_up(&self) -> Result<usize> {
        self.catch_up_until(&|| false)
    }

    /// [`Checks::catch_up`], stopping early (at a resume point) once `stop` says so.
    pub fn catch_up_until(&self, stop: &dyn Fn() -> bool) -> Result<usize> {
        let cursor = self.store.qa_checks_cursor()?;
        let (head, _) = self.store.facts_version()?;
        if head.saturating_sub(cursor) > BACKLOG_BY_SUMMARIES {
            return self.catch_up_backlog(cursor, stop);
        }
        let batch = self.store.events_after(cursor, 20_000)?;
        if batch.last_seq == cursor {
            return Ok(0);
        }
        let mut seen = HashSet::new();
        let ids: Vec<String> =
            batch.events.into_iter().map(|(_, _, e)| e.conversation).filter(|c| seen.insert(c.clone())).collect();
        self.check_ids(&Actor::system(), &ids, Some(batch.last_seq))?;
        Ok(ids.len())
    }

    /// A long backlog (after a bulk import, or a server that was stopped):
    /// the conversations with an event after `cursor`, from their summaries,
    /// each checked once. (Batches of events would check a conversation once
    /// per batch its events fall in, and an import interleaves conversations.)
    fn catch_up_backlog(&self, cursor: u64, stop: &dyn Fn() -> bool) -> Result<usize> {
        // By the newest event each conversation got (not `last_seq`, the event
        // last in time: an event imported later may be dated earlier).
        let mut changed: Vec<(u64, String)> = Vec::new();
        let (head, _) = self.store.for_each_conversation(&mut |c| {
            let newest = c.events.iter().map(|e| e.0).max().unwrap_or(0);
            if newest > cursor {
                changed.push((newest, c.id));
            }
        })?;
        // In the order of their newest events, so that each stored chunk is a
        // resume point: every conversation whose events all lie at or before
        // the chunk's last one has been checked.
        changed.sort_unstable();
        let started = std::time::Instant::now();
        tracing::info!(conversations = changed.len(), "automatic checks: catching up");
        let chunks = changed.len().div_ceil(BACKLOG_CHUNK);
        let mut done = 0;
        for (i, chunk) in changed.chunks(BACKLOG_CHUNK).enumerate() {
            if stop() {
                tracing::info!(conversations = done, "automatic checks: stopped, to resume at the next start");
                return Ok(done);
            }
            done += chunk.len();
            let upto = if i + 1 == chunks { head } else { chunk.last().map_or(cursor, |c| c.0) };
            let ids: Vec<String> = chunk.iter().map(|(_, id)| id.clone()).collect();
            self.check_ids(&Actor::system(), &ids, Some(upto))?;
        }
        if changed.is_empty() {
            self.check_ids(&Actor::system(), &[], Some(head))?;
        }
        tracing::info!(
            conversations = changed.len(),
            seconds = started.elapsed().as_secs_f64(),
            "automatic checks: caught up"
        );
        Ok(changed.len())
    }

    /// Conversations whose customer is waiting: `unanswered` depends on the clock.
    pub fn recheck_waiting(&self) -> Result<usize> {
        let mut ids = Vec::new();
        self.store.for_each_conversation(&mut |c: Conversation| {
            if c.waiting_since.is_some() && !c.resolved {
                ids.push(c.id);
            }
        })?;
        for chunk in ids.chunks(1000) {
            self.check_ids(&Actor::system(), chunk, None)?;
        }
        Ok(ids.len())
    }

    pub fn findings(&self, f: &FindingFilter) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for b in self.store.qa_findings()? {
            let x: Finding = decode(&b, "finding")?;
            let dismissed_ok = match f.dismissed.as_deref() {
                Some("include") => true,
                Some("only") => x.dismissed.is_some(),
                _ => x.dismissed.is_none(),
            };
            if dismissed_ok
                && f.agent.as_ref().is_none_or(|a| x.agent.as_ref() == Some(a))
                && f.rule.as_ref().is_none_or(|r| &x.rule == r)
                && f.conversation.as_ref().is_none_or(|c| &x.conversation == c)
            {
                out.push(x);
            }
        }
        Ok(out)
    }

    /// Marks a finding as a false positive; it is kept, with who and why.
    pub fn dismiss(&self, actor: &Actor, user: &str, id: &str, reason: &str) -> Result<Option<Finding>> {
        let Some(b) = self.store.qa_finding(id)? else { return Ok(None) };
        let mut f: Finding = decode(&b, "finding")?;
        f.dismissed = Some(Dismissal { by: user.into(), reason: reason.into(), at: format_rfc3339(now_ms()) });
        let spec = AuditSpec::new(actor, "qa.finding.dismiss", id.to_string()).detail(reason.to_string());
        self.store.qa_put_finding(spec, id, &encode(&f))?;
        Ok(Some(f))
    }

    /// AQS overall and per agent or team, over conversations active in [from, to).
    pub fn aqs(
        &self,
        group_by: Option<&str>,
        from: Option<Millis>,
        to: Option<Millis>,
    ) -> Result<(AqsRow, Vec<AqsRow>)> {
        let teams: Teams = self.store.agents()?.into_iter().map(|a| (a.id, a.team)).collect();
        let mut by_conv: HashMap<String, Vec<Finding>> = HashMap::new();
        for b in self.store.qa_findings()? {
            let f: Finding = decode(&b, "finding")?;
            if f.dismissed.is_none() {
                by_conv.entry(f.conversation.clone()).or_default().push(f);
            }
        }
        // (group, conversation score, its findings per rule) for each agent of each conversation.
        let mut rows: Vec<Part> = Vec::new();
        self.store.for_each_conversation(&mut |c: Conversation| {
            if from.is_some_and(|t| c.last_event < t) || to.is_some_and(|t| c.first_event >= t) {
                return;
            }
            for a in &c.agents {
                let mine: Vec<&Finding> =
                    by_conv.get(&c.id).into_iter().flatten().filter(|f| f.agent.as_ref() == Some(a)).collect();
                let score = (100.0 - mine.iter().map(|f| f.severity.points()).sum::<f64>()).max(0.0);
                let group = match group_by {
                    Some("agent") => Some(a.clone()),
                    Some("team") => teams.get(a).cloned().flatten(),
                    // Over time: by the conversation's last activity.
                    Some(p @ ("day" | "week" | "month")) => Some(crate::qa::service::period_key(p, c.last_event)),
                    _ => None,
                };
                rows.push((group, score, mine.iter().map(|f| f.rule.clone()).collect()));
            }
        })?;
        let row = |group: Option<String>, rs: &[&Part]| {
            let mut findings = BTreeMap::new();
            for r in rs {
                for rule in &r.2 {
                    *findings.entry(rule.clone()).or_insert(0) += 1;
                }
            }
            AqsRow {
                group,
                aqs: (!rs.is_empty()).then(|| rs.iter().map(|r| r.1).sum::<f64>() / rs.len() as f64),
                conversations: rs.len(),
                findings,
            }
        };
        let all: Vec<&Part> = rows.iter().collect();
        let overall = row(None, &all);
        let mut groups: BTreeMap<Option<String>, Vec<&Part>> = BTreeMap::new();
        if group_by.is_some() {
            for r in &rows {
                groups.entry(r.0.clone()).or_default().push(r);
            }
        }
        Ok((overall, groups.into_iter().map(|(g, rs)| row(g, &rs)).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::parse_line;
    use crate::store::OpenOptions;

    /// A LINE message at 2026-11-02 `hh:mm`.
    fn msg(conv: &str, id: &str, hhmm: &str, sender: &str, text: &str) -> crate::domain::Record {
        let agent = if sender == "agent" { r#","agent":"a-1""# } else { "" };
        let line = format!(
            r#"{{"type":"message","conversation":"{conv}","id":"{id}","channel":"line","ts":"2026-11-02T{hhmm}:00Z","sender":"{sender}"{agent},"text":"{text}"}}"#
        );
        parse_line(line.as_bytes()).unwrap()
    }

    fn findings_of(checks: &Checks) -> Vec<(String, String)> {
        let all = checks.findings(&FindingFilter { dismissed: Some("include".into()), ..Default::default() }).unwrap();
        let mut v: Vec<_> = all.into_iter().map(|f| (f.conversation, f.rule)).collect();
        v.sort();
        v
    }

    fn has(findings: &[(String, String)], conv: &str, rule: &str) -> bool {
        findings.iter().any(|(c, r)| c == conv && r == rule)
    }

    #[test]
    fn a_backlog_checks_each_conversation_once_in_resumable_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_dir(dir.path(), &OpenOptions::default()).unwrap());
        let spec = || AuditSpec::new(&Actor::system(), "test.import", "events");
        let checks_written =
            || store.audit_entries(None, 1000).unwrap().iter().filter(|e| e.action == "qa.checks").count();
        // Five conversations with their events interleaved, as a bulk import has them;
        // c2's agent writes a card number. The newest events: c0's, c1's, ... c4's last.
        let mut recs = Vec::new();
        for round in 0..3u32 {
            for c in 0..5 {
                let (sender, text) = match (round % 2, c) {
                    (1, 2) => ("agent", "card 4111 1111 1111 1111"),
                    (1, _) => ("agent", "ok"),
                    _ => ("customer", "hello"),
                };
                let hhmm = format!("09:{:02}", round * 10 + c);
                recs.push(msg(&format!("c{c}"), &format!("m{round}"), &hhmm, sender, text));
            }
        }
        store.append(spec(), recs).unwrap();
        let (head, _) = store.facts_version().unwrap();
        let checks = Checks::new(store.clone());

        // 15 events since the cursor, more than the backlog limit: the summaries pick the
        // five, in chunks of two. Stopped after the first chunk (c0, c1), the cursor is
        // c1's newest event, three before the head: a resume point.
        let calls = std::cell::Cell::new(0);
        let stop = || {
            calls.set(calls.get() + 1);
            calls.get() > 1
        };
        assert_eq!(checks.catch_up_until(&stop).unwrap(), 2);
        assert_eq!(store.qa_checks_cursor().unwrap(), head - 3);
        assert_eq!(checks_written(), 1);
        assert!(!has(&findings_of(&checks), "c2", "sensitive_data"), "c2 is not checked yet");
        // Three events remain: below the limit, the events pick c2, c3, c4.
        assert_eq!(checks.catch_up().unwrap(), 3);
        assert_eq!(store.qa_checks_cursor().unwrap(), head);
        assert!(has(&findings_of(&checks), "c2", "sensitive_data"));
        assert_eq!(checks.catch_up().unwrap(), 0);

        // A backlog holding an event dated before everything else of its conversation
        // (c0's `last_seq`, its last event in time, does not move): c0 is checked all the same.
        let mut recs: Vec<_> =
            (0..7).map(|i| msg("c5", &format!("n{i}"), &format!("10:{i:02}"), "customer", "hi")).collect();
        recs.push(msg("c0", "late", "08:00", "agent", "card 4111 1111 1111 1111"));
        store.append(spec(), recs).unwrap();
        let before = checks_written();
        assert_eq!(checks.catch_up().unwrap(), 2);
        assert_eq!(checks_written(), before + 1);
        let by_backlog = findings_of(&checks);
        assert!(has(&by_backlog, "c0", "sensitive_data"), "{by_backlog:?}");
        assert_eq!(store.qa_checks_cursor().unwrap(), store.facts_version().unwrap().0);
        // The same findings as a run over the whole history.
        checks.run_all(&Actor::system()).unwrap();
        assert_eq!(findings_of(&checks), by_backlog);
    }
}
