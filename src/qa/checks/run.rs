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
        let cursor = self.store.qa_checks_cursor()?;
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
