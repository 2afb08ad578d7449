//! The metrics as a service: the facts in memory (loaded once, caught up
//! before each query), the settings, and every kind of answer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::engine::Prepared;
use super::ledger::Ledger;
use super::query::Query;
use super::report::MetricsAnswer;
use super::schedule::{Compiled, Schedule};
use super::settings::{SCHEDULE_KEY, SLA_KEY, SlaTargets};
use crate::domain::AgentRecord;
use crate::domain::role::AgentRole;
use crate::store::{Actor, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("the metrics are still loading ({loaded} conversations so far); try again in a moment")]
    Loading { loaded: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, MetricsError>;

pub struct MetricsService {
    store: Arc<Store>,
    ledger: RwLock<Option<Ledger>>,
    loading: AtomicBool,
    loaded: AtomicU64,
}

/// The settings as one query uses them.
pub struct Settings {
    pub schedule: Option<Schedule>,
    pub compiled: Option<Compiled>,
    pub sla: SlaTargets,
}

impl MetricsService {
    pub fn new(store: Arc<Store>) -> Arc<MetricsService> {
        Arc::new(MetricsService {
            store,
            ledger: RwLock::new(None),
            loading: AtomicBool::new(false),
            loaded: AtomicU64::new(0),
        })
    }

    /// Reads every conversation's facts into memory (the server does this on
    /// a thread at start; queries meanwhile answer "loading").
    pub fn load(&self) -> Result<usize> {
        self.loading.store(true, Ordering::SeqCst);
        let started = std::time::Instant::now();
        let l = Ledger::load(&self.store, &|n| self.loaded.store(n, Ordering::Relaxed));
        self.loading.store(false, Ordering::SeqCst);
        let l = l?;
        tracing::debug!(
            conversations = l.conversations(),
            megabytes = l.bytes() / 1_000_000,
            ms = started.elapsed().as_millis() as u64,
            "metrics facts loaded"
        );
        let n = l.conversations();
        *self.ledger.write().expect("ledger lock") = Some(l);
        Ok(n)
    }

    /// Runs `f` on the ledger caught up with the store.
    pub fn with_ledger<R>(&self, f: impl FnOnce(&Ledger) -> R) -> Result<R> {
        {
            let g = self.ledger.read().expect("ledger lock");
            match &*g {
                None => {
                    drop(g);
                    if self.loading.load(Ordering::SeqCst) {
                        return Err(MetricsError::Loading { loaded: self.loaded.load(Ordering::Relaxed) });
                    }
                    self.load()?;
                }
                Some(l) if l.is_current(&self.store)? => return Ok(f(l)),
                Some(_) => {}
            }
        }
        {
            let mut g = self.ledger.write().expect("ledger lock");
            if let Some(l) = g.as_mut()
                && !l.is_current(&self.store)?
            {
                l.refresh(&self.store)?;
            }
        }
        let g = self.ledger.read().expect("ledger lock");
        Ok(f(g.as_ref().expect("loaded")))
    }

    pub fn settings(&self) -> Result<Settings> {
        let schedule: Option<Schedule> = match self.store.setting(SCHEDULE_KEY)? {
            Some(j) => Some(serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("schedule: {e}")))?),
            None => None,
        };
        let compiled = schedule.as_ref().map(|s| s.compile()).transpose().map_err(MetricsError::Invalid)?;
        let sla = match self.store.setting(SLA_KEY)? {
            Some(j) => serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("sla: {e}")))?,
            None => SlaTargets::default(),
        };
        Ok(Settings { schedule, compiled, sla })
    }

    /// Sets (or with None removes) the business-hours schedule, after checking it.
    pub fn set_schedule(&self, actor: &Actor, s: Option<&Schedule>) -> Result<()> {
        if let Some(s) = s {
            s.compile().map_err(MetricsError::Invalid)?;
        }
        let json = s.map(|s| serde_json::to_string(s).expect("serializable"));
        Ok(self.store.put_setting(actor, SCHEDULE_KEY, json.as_deref())?)
    }

    pub fn set_sla(&self, actor: &Actor, sla: &SlaTargets) -> Result<()> {
        sla.check().map_err(MetricsError::Invalid)?;
        let json = serde_json::to_string(sla).expect("serializable");
        Ok(self.store.put_setting(actor, SLA_KEY, Some(&json))?)
    }

    /// Whether to compute business variants, and the error when asked without a schedule.
    pub fn business(q: &Query, s: &Settings) -> Result<bool> {
        match (q.business, &s.compiled) {
            (Some(true), None) => Err(MetricsError::Invalid(
                "business=true needs a business-hours schedule (PUT /api/v1/settings/business-hours)".into(),
            )),
            (Some(b), _) => Ok(b),
            (None, c) => Ok(c.is_some()),
        }
    }

    /// Runs `f` with the query prepared against the current facts and settings.
    pub fn prepared<R>(&self, q: &Query, f: impl FnOnce(&Prepared<'_>, bool) -> R) -> Result<R> {
        let settings = self.settings()?;
        let business = Self::business(q, &settings)?;
        let agents = self.store.agents()?;
        self.with_ledger(|l| {
            let p = Prepared::new(l, q, &agents, settings.compiled.as_ref().filter(|_| business), &settings.sla);
            f(&p, business)
        })
    }

    /// `GET /api/v1/metrics`.
    pub fn metrics(&self, q: &Query) -> Result<MetricsAnswer> {
        self.prepared(q, |p, business| {
            let (overall, groups) = p.run(business);
            MetricsAnswer { query: q.echo(business), overall, groups }
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Rows per batch of the per-conversation export.
const EXPORT_BATCH: usize = 2_000;

impl MetricsService {
    /// `GET /api/v1/metrics/samples`: one page of the rows behind a figure.
    pub fn samples(
        &self,
        q: &Query,
        metric: &str,
        group: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<super::samples::SamplesPage> {
        let (total, business, page, internals) = self.prepared(q, |p, business| {
            let rows = p.sample_rows(metric, group).map_err(MetricsError::Invalid)?;
            let end = rows.len().min(offset.saturating_add(limit));
            let slice = &rows[offset.min(rows.len())..end];
            let internals: Vec<u64> = slice.iter().map(|r| r.internal).collect();
            let ids = self.store.conversation_ids(&internals)?;
            Ok::<_, MetricsError>((rows.len(), business, p.render_rows(slice, &ids, business), internals.len()))
        })??;
        let next = (offset + internals < total).then(|| (offset + internals).to_string());
        Ok(super::samples::SamplesPage {
            query: q.echo(business),
            metric: metric.to_string(),
            group: group.map(str::to_string),
            total: total as u64,
            samples: page,
            next,
        })
    }

    /// Which conversations the per-conversation CSV lists (internal ids):
    /// the part that can fail on a bad query, done before the answer starts.
    /// One conversation's figures over its whole life, as the per-conversation
    /// CSV computes them (column → number, text or null). None when there is
    /// no such conversation, or `viewer_agent` did not take part in it.
    pub fn conversation_figures(
        &self,
        id: &str,
        viewer_agent: Option<&str>,
        now: i64,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>> {
        use crate::domain::time::format_rfc3339;
        let Some(c) = self.store.conversation(id)? else { return Ok(None) };
        if viewer_agent.is_some_and(|a| !c.agents.iter().any(|x| x == a)) {
            return Ok(None);
        }
        let params = super::query::QueryParams {
            from: Some(format_rfc3339(c.first_event)),
            to: Some(format_rfc3339(now.max(c.last_event) + 1)),
            ..Default::default()
        };
        let q = params.resolve(now).map_err(MetricsError::Invalid)?;
        let mut bytes = Vec::new();
        self.export_csv(&q, &[c.internal], &mut |b| {
            bytes.extend(b);
            true
        })?;
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().map_err(|e| MetricsError::Invalid(e.to_string()))?.clone();
        let Some(row) = reader.records().next().transpose().map_err(|e| MetricsError::Invalid(e.to_string()))? else {
            return Ok(None);
        };
        let value = |v: &str| -> serde_json::Value {
            if v.is_empty() {
                serde_json::Value::Null
            } else if let Ok(n) = v.parse::<i64>() {
                n.into()
            } else if let Ok(f) = v.parse::<f64>() {
                f.into()
            } else {
                v.into()
            }
        };
        Ok(Some(headers.iter().zip(row.iter()).map(|(h, v)| (h.to_string(), value(v))).collect()))
    }

    pub fn export_plan(&self, q: &Query) -> Result<Vec<u64>> {
        self.prepared(q, |p, _| p.export_ids())
    }

    /// The per-conversation CSV of a plan, in batches given to `out` (which
    /// answers false to stop, e.g. when the client went away). Returns the row count.
    pub fn export_csv(&self, q: &Query, internals: &[u64], out: &mut dyn FnMut(Vec<u8>) -> bool) -> Result<u64> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(super::conv_rows::HEADER).expect("in memory");
        if !out(w.into_inner().expect("in memory")) {
            return Ok(0);
        }
        let mut n = 0u64;
        for batch in internals.chunks(EXPORT_BATCH) {
            let ids = self.store.conversation_ids(batch)?;
            let bytes = self.prepared(q, |p, _| {
                let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
                p.export_rows(batch, &ids, &mut w);
                w.into_inner().expect("in memory")
            })?;
            n += batch.len() as u64;
            if !out(bytes) {
                break;
            }
        }
        Ok(n)
    }

    /// The role scorecard of one agent (with its team's spread) or of a team.
    pub fn scorecard(
        &self,
        q: &Query,
        agent: Option<&str>,
        team: Option<&str>,
        role: Option<AgentRole>,
    ) -> Result<super::scorecard::Scorecard> {
        let directory = self.store.agents()?;
        let (team, focus) = match (agent, team) {
            (Some(a), _) => {
                let rec =
                    directory.iter().find(|r| r.id == a).ok_or_else(|| StoreError::NotFound(format!("agent {a}")))?;
                (rec.team.clone(), Some(a))
            }
            (None, Some(t)) => (Some(t.to_string()), None),
            (None, None) => return Err(MetricsError::Invalid("scorecard needs agent or team".into())),
        };
        let members: Vec<AgentRecord> = match (&team, focus) {
            (Some(t), _) => directory.iter().filter(|r| r.team.as_deref() == Some(t.as_str())).cloned().collect(),
            (None, Some(a)) => directory.iter().filter(|r| r.id == a).cloned().collect(),
            (None, None) => Vec::new(),
        };
        if members.is_empty() {
            return Err(StoreError::NotFound(format!("team {}", team.unwrap_or_default())).into());
        }
        let role = role
            .or_else(|| focus.and_then(|a| members.iter().find(|r| r.id == a)).and_then(|r| r.role))
            .or_else(|| most_common_role(&members))
            .unwrap_or(AgentRole::Support);
        let mut q = q.clone();
        q.group_by = Some(super::query::GroupBy::Agent);
        q.filters.agent = members.iter().map(|m| m.id.clone()).collect();
        q.filters.team.clear();
        q.filters.role.clear();
        let answer = self.metrics(&q)?;
        Ok(super::scorecard::build(answer.query, role, team, &members, &answer.groups, focus))
    }
}

fn most_common_role(members: &[AgentRecord]) -> Option<AgentRole> {
    let mut counts: Vec<(AgentRole, usize)> = Vec::new();
    for r in members.iter().filter_map(|m| m.role) {
        match counts.iter_mut().find(|(x, _)| *x == r) {
            Some(c) => c.1 += 1,
            None => counts.push((r, 1)),
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(r, _)| r)
}
