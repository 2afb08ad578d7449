//! The search service: owns the indexer thread, answers searches, re-checks
//! every hit against the store and audits every search.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order, Searcher};

use crate::domain::time::format_rfc3339;
use crate::domain::{AgentRecord, Body, ConvEvent, UserRole};
use crate::store::{Actor, AuditSpec, Store};

use super::collect::{DeletedMode, Filtered};
use super::convsets::ConvSets;
use super::grammar::{self, Field};
use super::index::SearchIndex;
use super::indexer::{Indexer, subject_of};
use super::matcher::{Compiled, Cond, Facts, TextTerms, compile};
use super::normalize::fold_str;
use super::plan::{PlanInput, plan};
use super::schema::DocKind;
use super::snippet::snippet;
use super::{SearchError, Sort};

/// How often the indexer looks for new events.
const POLL: Duration = Duration::from_millis(200);
/// Hits per page, by default and at most.
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// A search, its filters already parsed.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub channel: Vec<String>,
    pub agent: Vec<String>,
    pub team: Vec<String>,
    pub tag: Vec<String>,
    pub sender: Vec<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub deleted: Option<DeletedMode>,
    pub sort: Option<Sort>,
    pub offset: usize,
    pub limit: usize,
}

/// Who searches: what they may see.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub role: UserRole,
    pub agent: Option<String>,
    pub actor: Actor,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub conversation: String,
    /// The message's id (none for a note).
    pub message: Option<String>,
    /// The store's sequence number of the event whose text matched.
    pub event: u64,
    pub ts: String,
    pub channel: Option<String>,
    /// The message's agent, else the conversation's current holder.
    pub agent: Option<String>,
    pub sender: String,
    /// The text around the match, HTML-escaped, matches in `<mark>`.
    pub snippet: String,
    pub deleted: bool,
    pub edited: bool,
    /// `message`, `revision` (an earlier text of an edited message), `note`, `subject`, `attachment`.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchAnswer {
    /// Matches in the index for this query and viewer.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Pass as `page` for the next page; null on the last.
    pub next: Option<String>,
}

/// Where the index is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndexStatus {
    pub ready: bool,
    pub events_indexed: u64,
    pub events_total: u64,
    pub error: Option<String>,
}

struct Engine {
    index: SearchIndex,
    sets: Arc<RwLock<ConvSets>>,
}

pub struct SearchService {
    store: Arc<Store>,
    dir: PathBuf,
    engine: RwLock<Option<Arc<Engine>>>,
    done: AtomicU64,
    total: AtomicU64,
    failure: Mutex<Option<String>>,
    stop: AtomicBool,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl SearchService {
    pub fn new(store: Arc<Store>, dir: &Path) -> Arc<SearchService> {
        Arc::new(SearchService {
            store,
            dir: dir.to_path_buf(),
            engine: RwLock::new(None),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            failure: Mutex::new(None),
            stop: AtomicBool::new(false),
            thread: Mutex::new(None),
        })
    }

    /// Starts the indexer thread: it opens (or rebuilds) the index, catches
    /// up with the store, then follows it. Searches answer `NotReady` until
    /// the first catch-up is done.
    pub fn start(self: &Arc<Self>) {
        let me = self.clone();
        let handle = std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || {
                if let Err(e) = me.run_indexer() {
                    tracing::error!(error = %e, "the search indexer stopped");
                    *me.failure.lock().expect("failure lock") = Some(e.to_string());
                }
            })
            .expect("spawn the search indexer");
        *self.thread.lock().expect("thread lock") = Some(handle);
    }

    /// Stops the indexer after its current batch (committed) and waits for it.
    pub fn shutdown(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.thread.lock().expect("thread lock").take() {
            let _ = h.join();
        }
    }

    /// Uses an index opened by someone else (the CLI, read-only).
    pub fn attach(&self, index: SearchIndex, sets: ConvSets) {
        *self.engine.write().expect("engine lock") =
            Some(Arc::new(Engine { index, sets: Arc::new(RwLock::new(sets)) }));
    }

    pub fn status(&self) -> IndexStatus {
        IndexStatus {
            ready: self.engine.read().expect("engine lock").is_some(),
            events_indexed: self.done.load(Ordering::Relaxed),
            events_total: self.total.load(Ordering::Relaxed),
            error: self.failure.lock().expect("failure lock").clone(),
        }
    }

    fn run_indexer(&self) -> Result<(), SearchError> {
        loop {
            let started = Instant::now();
            let (mut indexer, fresh) = Indexer::open(self.store.clone(), &self.dir)?;
            self.done.store(indexer.payload.seq, Ordering::Relaxed);
            let behind = self.store.facts_version()?.0.saturating_sub(indexer.payload.seq);
            if fresh || behind > 0 {
                tracing::info!(events = behind, "search index: catching up with the store");
            }
            let last_log = std::cell::Cell::new(Instant::now());
            let progress = |done: u64, total: u64| {
                self.done.store(done, Ordering::Relaxed);
                self.total.store(total, Ordering::Relaxed);
                if last_log.get().elapsed() > Duration::from_secs(5) {
                    last_log.set(Instant::now());
                    tracing::info!(done, total, "search index: building");
                }
            };
            match indexer.catch_up(&progress) {
                Err(SearchError::Rebuild) => {
                    std::fs::remove_dir_all(&self.dir).ok();
                    continue;
                }
                Err(e) => return Err(e),
                Ok(_) => self.done.store(indexer.payload.seq, Ordering::Relaxed),
            }
            tracing::info!(seconds = started.elapsed().as_secs_f32(), "search index ready");
            *self.engine.write().expect("engine lock") =
                Some(Arc::new(Engine { index: indexer.index.clone(), sets: indexer.sets.clone() }));
            loop {
                if self.stop.load(Ordering::SeqCst) {
                    return indexer.finish();
                }
                std::thread::sleep(POLL);
                // Indexed means committed and searchable: `done` moves after the commit.
                let progress = |_done: u64, total: u64| self.total.store(total, Ordering::Relaxed);
                match indexer.catch_up(&progress) {
                    Ok(_) => self.done.store(indexer.payload.seq, Ordering::Relaxed),
                    Err(SearchError::Rebuild) => {
                        tracing::warn!("the store was reindexed; rebuilding the search index");
                        *self.engine.write().expect("engine lock") = None;
                        drop(indexer);
                        std::fs::remove_dir_all(&self.dir).ok();
                        break;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "search indexing failed; retrying");
                        std::thread::sleep(Duration::from_secs(2));
                    }
                }
            }
        }
    }

    fn engine(&self) -> Result<Arc<Engine>, SearchError> {
        if let Some(e) = self.engine.read().expect("engine lock").as_ref() {
            return Ok(e.clone());
        }
        if let Some(f) = self.failure.lock().expect("failure lock").as_ref() {
            return Err(SearchError::Index(f.clone()));
        }
        Err(SearchError::NotReady {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        })
    }

    /// Runs a search for `viewer` and records it in the audit trail.
    pub fn search(&self, viewer: &Viewer, req: &SearchRequest) -> Result<SearchAnswer, SearchError> {
        let mut compiled = compile(&grammar::parse(&req.q).map_err(|e| SearchError::Invalid(e.0))?);
        add_param_filters(&mut compiled, req);
        if compiled.is_empty() && req.from.is_none() && req.to.is_none() {
            return Err(SearchError::Invalid("type a word to search for, or a filter".into()));
        }
        let sees_all = viewer.role.sees_everything();
        let only_agent =
            if sees_all { None } else { Some(fold_str(viewer.agent.as_deref().ok_or(SearchError::Forbidden)?)) };
        let deleted = match (req.deleted, sees_all) {
            (Some(DeletedMode::Only), false) => return Err(SearchError::Forbidden),
            (_, false) => DeletedMode::Exclude,
            (d, true) => d.unwrap_or_default(),
        };
        let sort = req.sort.unwrap_or(if compiled.has_text() { Sort::Relevance } else { Sort::Newest });
        let limit = if req.limit == 0 { DEFAULT_LIMIT } else { req.limit.min(MAX_LIMIT) };
        let engine = self.engine()?;
        let directory = self.store.agents()?;
        let teams = |team: &str| -> Vec<String> {
            directory
                .iter()
                .filter(|a| a.team.as_deref().is_some_and(|t| fold_str(t) == team))
                .map(|a| fold_str(&a.id))
                .collect()
        };
        let input = PlanInput {
            compiled: &compiled,
            from: req.from,
            to: req.to,
            deleted,
            teams: &teams,
            only_agent,
            ranking: sort == Sort::Relevance,
        };
        let plan = plan(&engine.index.fields, &engine.sets.read().expect("sets lock"), &input)?;
        let searcher = engine.index.reader.searcher();
        let (total, addrs) = collect(&searcher, &plan, sort, req.offset, limit)?;
        let mut hits = Vec::with_capacity(addrs.len());
        for (addr, stored) in addrs.iter().zip(stored_ids(&searcher, &addrs)?) {
            match self.recheck(stored, &compiled, req, &directory, viewer, deleted)? {
                Some(hit) => hits.push(hit),
                None => tracing::warn!(?addr, "a search hit did not match the store on re-check; left out"),
            }
        }
        self.audit(viewer, req)?;
        let next = (req.offset + limit < total as usize).then(|| (req.offset + limit).to_string());
        Ok(SearchAnswer { total, hits, next })
    }

    fn audit(&self, viewer: &Viewer, req: &SearchRequest) -> Result<(), SearchError> {
        let mut detail = serde_json::json!({"q": req.q});
        let lists = [
            ("channel", &req.channel),
            ("agent", &req.agent),
            ("team", &req.team),
            ("tag", &req.tag),
            ("sender", &req.sender),
        ];
        for (k, v) in lists {
            if !v.is_empty() {
                detail[k] = serde_json::json!(v);
            }
        }
        if let Some(t) = req.from {
            detail["from"] = format_rfc3339(t).into();
        }
        if let Some(t) = req.to {
            detail["to"] = format_rfc3339(t).into();
        }
        self.store.write(AuditSpec::new(&viewer.actor, "search", "search").detail(detail.to_string()), |_| Ok(()))?;
        Ok(())
    }

    /// Reads a hit back from the store and checks it still matches; builds the hit.
    #[allow(clippy::too_many_arguments)]
    fn recheck(
        &self,
        (seq, conv, kind): (u64, u64, u64),
        compiled: &Compiled,
        req: &SearchRequest,
        directory: &[AgentRecord],
        viewer: &Viewer,
        deleted_mode: DeletedMode,
    ) -> Result<Option<Hit>, SearchError> {
        let Some(kind) = DocKind::from_code(kind) else { return Ok(None) };
        let Some(c) = self.store.conversation_by_internal(conv)? else { return Ok(None) };
        let events = self.store.conversation_events(&c.id)?.unwrap_or_default();
        let Some((_, ev)) = events.iter().find(|(s, _)| *s == seq) else { return Ok(None) };
        let Some(found) = describe(&events, ev, kind) else { return Ok(None) };
        if req.from.is_some_and(|t| ev.ts < t) || req.to.is_some_and(|t| ev.ts >= t) {
            return Ok(None);
        }
        if !viewer.role.sees_everything() {
            let own = fold_str(viewer.agent.as_deref().unwrap_or_default());
            if !c.agents.iter().any(|a| fold_str(a) == own) {
                return Ok(None);
            }
        }
        match deleted_mode {
            DeletedMode::Exclude if found.deleted => return Ok(None),
            DeletedMode::Only if !found.deleted => return Ok(None),
            _ => {}
        }
        let teams: Vec<String> = {
            let mut t: Vec<String> = Vec::new();
            for a in &c.agents {
                if let Some(team) = directory.iter().find(|r| r.id == *a).and_then(|r| r.team.clone())
                    && !t.contains(&team)
                {
                    t.push(team);
                }
            }
            t
        };
        let channel = found.channel.clone().or_else(|| c.channel.map(|ch| ch.as_str().to_string())).unwrap_or_default();
        let facts = Facts {
            channel: &channel,
            sender: &found.sender,
            kind: &found.kind,
            agents: &c.agents,
            tags: &c.tags,
            teams: &teams,
        };
        let terms = TextTerms::new(&found.text);
        let Some(spans) = compiled.check(&terms, &facts) else { return Ok(None) };
        Ok(Some(Hit {
            conversation: c.id.clone(),
            message: found.message,
            event: seq,
            ts: format_rfc3339(ev.ts),
            channel: (!channel.is_empty()).then_some(channel),
            agent: found.agent.or_else(|| c.holder.clone()),
            sender: found.sender,
            snippet: snippet(&found.text, &spans),
            deleted: found.deleted,
            edited: found.edited,
            kind: found.kind,
        }))
    }
}

/// The (seq, conversation, kind) of each hit. Columns are opened once per
/// segment: opening one decodes its block index, which costs milliseconds on
/// a large segment.
fn stored_ids(searcher: &Searcher, addrs: &[DocAddress]) -> Result<Vec<(u64, u64, u64)>, SearchError> {
    use tantivy::columnar::Column;
    let mut columns: std::collections::HashMap<u32, [Column<u64>; 3]> = Default::default();
    let mut out = Vec::with_capacity(addrs.len());
    for a in addrs {
        let [seq, conv, kind] = match columns.entry(a.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let fast = searcher.segment_reader(a.segment_ord).fast_fields();
                v.insert([fast.u64("seq")?, fast.u64("conv")?, fast.u64("kind")?])
            }
        };
        let read = |c: &Column<u64>| c.first(a.doc_id).unwrap_or(0);
        out.push((read(seq), read(conv), read(kind)));
    }
    Ok(out)
}

/// The filters given as parameters join the query's own (comma = any of).
fn add_param_filters(c: &mut Compiled, req: &SearchRequest) {
    let lists = [
        (Field::Channel, &req.channel),
        (Field::Agent, &req.agent),
        (Field::Team, &req.team),
        (Field::Tag, &req.tag),
        (Field::Sender, &req.sender),
    ];
    for (field, values) in lists {
        if !values.is_empty() {
            c.groups.push(values.iter().map(|v| Cond::Filter(field, fold_str(v))).collect());
        }
    }
}

fn collect(
    searcher: &Searcher,
    plan: &super::plan::Plan,
    sort: Sort,
    offset: usize,
    limit: usize,
) -> Result<(u64, Vec<DocAddress>), SearchError> {
    let allowed = plan.allowed.clone();
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let q = plan.query.as_ref();
    let everything = allowed.is_everything();
    Ok(match sort {
        Sort::Relevance => {
            let c = (top.order_by_score(), Count);
            let (docs, n) = if everything {
                searcher.search(q, &c)?
            } else {
                searcher.search(q, &Filtered { inner: c, allowed })?
            };
            (n as u64, docs.into_iter().map(|(_, a)| a).collect())
        }
        Sort::Newest => {
            let c = (top.order_by_fast_field::<i64>("ts", Order::Desc), Count);
            let (docs, n) = if everything {
                searcher.search(q, &c)?
            } else {
                searcher.search(q, &Filtered { inner: c, allowed })?
            };
            (n as u64, docs.into_iter().map(|(_, a)| a).collect())
        }
    })
}

/// A hit's text and facts, read from the conversation's events.
struct Found {
    text: String,
    message: Option<String>,
    channel: Option<String>,
    sender: String,
    agent: Option<String>,
    kind: String,
    deleted: bool,
    edited: bool,
}

fn describe(events: &[(u64, ConvEvent)], ev: &ConvEvent, kind: DocKind) -> Option<Found> {
    // The message the text belongs to (for a message, an edit, a subject, attachments).
    let message_id = match &ev.body {
        Body::Message { id, .. } => Some(id.clone()),
        Body::Edit { message, .. } => Some(message.clone()),
        Body::Note { .. } => None,
        _ => return None,
    };
    if let Body::Note { agent, text } = &ev.body {
        return Some(Found {
            text: text.clone()?,
            message: None,
            channel: None,
            sender: "agent".into(),
            agent: Some(agent.clone()),
            kind: "note".into(),
            deleted: false,
            edited: false,
        });
    }
    let id = message_id?;
    let original = events.iter().find_map(|(_, e)| match &e.body {
        Body::Message { id: m, channel, sender, agent, text, attachments, .. } if *m == id => {
            Some((e, channel, sender, agent, text, attachments))
        }
        _ => None,
    });
    let edits: Vec<&ConvEvent> = events
        .iter()
        .map(|(_, e)| e)
        .filter(|e| matches!(&e.body, Body::Edit { message, text: Some(_) } if *message == id))
        .collect();
    let deleted = events.iter().any(|(_, e)| matches!(&e.body, Body::Delete { message, .. } if *message == id));
    let (channel, sender, agent) = match original {
        Some((_, ch, s, a, _, _)) => (Some(ch.as_str().to_string()), s.as_str().to_string(), a.clone()),
        None => (None, "customer".to_string(), None),
    };
    let latest_edit = edits.last().copied();
    let (text, kind) = match (kind, &ev.body) {
        (DocKind::Message, Body::Message { text, .. }) => {
            (text.clone()?, if latest_edit.is_some() { "revision" } else { "message" })
        }
        (DocKind::Edit, Body::Edit { text, .. }) => {
            let current = latest_edit.is_some_and(|l| std::ptr::eq(l, ev));
            (text.clone()?, if current { "message" } else { "revision" })
        }
        (DocKind::Subject, Body::Message { .. }) => (subject_of(ev)?, "subject"),
        (DocKind::Attachment, Body::Message { attachments, .. }) => {
            let names: Vec<&str> = attachments.iter().flatten().filter_map(|a| a.name.as_deref()).collect();
            (names.join("\n"), "attachment")
        }
        _ => return None,
    };
    Some(Found {
        text,
        message: Some(id),
        channel,
        sender,
        agent,
        kind: kind.to_string(),
        deleted,
        edited: !edits.is_empty(),
    })
}
