//! The QA service: scorecards and their versions, reviews, and IQS.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use super::calibration::{self, Calibration, CalibrationView, NewCalibration};
use super::checks::run::Checks;
use super::review::{Decision, Dispute, NewDispute, NewResolution, NewReview, Resolution, Review};
use super::sampling::{self, Assignment, Plan, PlanDraft};
use super::score::Answer;
use super::score::{iqs, score};
use super::scorecard::{Scorecard, ScorecardDraft};
use crate::domain::time::{Millis, format_rfc3339, now_ms};
use crate::domain::{Body, Sender};
use crate::store::codec::{decode, encode};
use crate::store::qa::QaList;
use crate::store::{Actor, AuditSpec, Store, StoreError};
use std::collections::HashSet;

#[derive(Debug)]
pub enum QaError {
    Invalid(String),
    Forbidden(String),
    NotFound(String),
    Store(StoreError),
}

impl From<StoreError> for QaError {
    fn from(e: StoreError) -> Self {
        QaError::Store(e)
    }
}

pub type Result<T> = std::result::Result<T, QaError>;

/// Who is asking for reviews: everything, or one agent's own.
pub enum Viewer {
    All,
    Agent(String),
}

/// Which reviews.
#[derive(Default)]
pub struct ReviewFilter {
    pub agent: Option<String>,
    pub team: Option<String>,
    pub conversation: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    /// Only the reviews of this calibration session (otherwise calibration reviews are left out).
    pub calibration: Option<u64>,
}

/// One assignment in a queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    #[serde(flatten)]
    pub assignment: Assignment,
    /// The review that did it, once done.
    pub review: Option<u64>,
    pub overdue: bool,
}

/// A reviewer's queue with its progress.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Queue {
    pub total: usize,
    pub done: usize,
    pub items: Vec<QueueItem>,
}

/// IQS of one group (an agent, a team, or everything).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IqsRow {
    /// The agent or team; null for the whole selection.
    pub group: Option<String>,
    /// Mean of the review scores, 0-100; null without a scored review.
    pub iqs: Option<f64>,
    pub reviews: usize,
    /// Mean score of each category over these reviews (N/A left out).
    pub categories: BTreeMap<String, f64>,
}

pub struct QaService {
    store: Arc<Store>,
    /// The automatic checks.
    pub checks: Checks,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl QaService {
    pub fn new(store: Arc<Store>) -> Arc<QaService> {
        Arc::new(QaService {
            checks: Checks::new(store.clone()),
            store,
            stop: Arc::default(),
            thread: std::sync::Mutex::new(None),
        })
    }

    /// Starts the thread that checks every conversation that gets new events
    /// (within seconds), and every ten minutes those whose customer is waiting.
    pub fn start(self: &Arc<Self>) {
        let me = self.clone();
        let t = std::thread::Builder::new().name("qa-checks".into()).spawn(move || {
            let mut last_waiting = std::time::Instant::now();
            while !me.stop.load(std::sync::atomic::Ordering::SeqCst) {
                let stopping = || me.stop.load(std::sync::atomic::Ordering::SeqCst);
                let busy = match me.checks.catch_up_until(&stopping) {
                    Ok(n) => n > 0,
                    Err(e) => {
                        tracing::error!(error = %e, "automatic checks failed");
                        false
                    }
                };
                if last_waiting.elapsed() > std::time::Duration::from_secs(600) {
                    if let Err(e) = me.checks.recheck_waiting() {
                        tracing::error!(error = %e, "checking waiting conversations failed");
                    }
                    last_waiting = std::time::Instant::now();
                }
                if !busy {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
            }
        });
        match t {
            Ok(t) => *self.thread.lock().expect("qa thread") = Some(t),
            Err(e) => tracing::error!(error = %e, "could not start the automatic checks"),
        }
    }

    pub fn shutdown(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.lock().expect("qa thread").take() {
            let _ = t.join();
        }
    }

    fn versions(&self) -> Result<Vec<Scorecard>> {
        self.store
            .qa_scorecards()?
            .into_iter()
            .map(|(_, _, b)| decode(&b, "scorecard").map_err(QaError::from))
            .collect()
    }

    /// The latest version of every scorecard.
    pub fn scorecards(&self) -> Result<Vec<Scorecard>> {
        let mut latest: BTreeMap<String, Scorecard> = BTreeMap::new();
        for s in self.versions()? {
            latest.insert(s.id.clone(), s);
        }
        Ok(latest.into_values().collect())
    }

    /// A scorecard's version (the latest when `version` is None).
    pub fn scorecard(&self, id: &str, version: Option<u32>) -> Result<Scorecard> {
        self.versions()?
            .into_iter()
            .filter(|s| s.id == id && version.is_none_or(|v| s.version == v))
            .max_by_key(|s| s.version)
            .ok_or_else(|| {
                QaError::NotFound(format!(
                    "scorecard {id}{}",
                    version.map(|v| format!(" version {v}")).unwrap_or_default()
                ))
            })
    }

    /// Creates a scorecard (version 1) or a new version of an existing one.
    pub fn save_scorecard(&self, actor: &Actor, id: &str, draft: ScorecardDraft) -> Result<Scorecard> {
        if id.is_empty() || id.len() > 40 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(QaError::Invalid(format!("scorecard id {id:?} must be 1-40 letters, digits, '-' or '_'")));
        }
        draft.validate().map_err(QaError::Invalid)?;
        let version = match self.scorecard(id, None) {
            Ok(s) => s.version + 1,
            Err(QaError::NotFound(_)) => 1,
            Err(e) => return Err(e),
        };
        let card = Scorecard {
            id: id.into(),
            version,
            name: draft.name,
            sections: draft.sections,
            created: format_rfc3339(now_ms()),
            created_by: actor.who.clone(),
        };
        let spec =
            AuditSpec::new(actor, "qa.scorecard", format!("scorecard:{id}")).detail(format!("version {version}"));
        self.store.qa_put_scorecard(spec, id, version, &encode(&card))?;
        Ok(card)
    }

    /// The agent who sent the most messages in the conversation (ties: the first to send).
    fn main_agent(&self, conversation: &str) -> Result<String> {
        let events = self
            .store
            .conversation_events(conversation)?
            .ok_or_else(|| QaError::NotFound(format!("conversation {conversation}")))?;
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (_, e) in &events {
            if let Body::Message { sender: Sender::Agent, agent: Some(a), .. } = &e.body {
                match counts.iter_mut().find(|(x, _)| x == a) {
                    Some(c) => c.1 += 1,
                    None => counts.push((a.clone(), 1)),
                }
            }
        }
        let best = counts.iter().map(|c| c.1).max().unwrap_or(0);
        counts
            .into_iter()
            .find(|c| c.1 == best && best > 0)
            .map(|c| c.0)
            .ok_or_else(|| QaError::Invalid("no agent answered in this conversation: name the `reviewee`".into()))
    }

    /// Scores and stores a review against the scorecard's latest version (a
    /// calibration review: against the session's version).
    pub fn review(&self, actor: &Actor, reviewer: &str, r: NewReview) -> Result<Review> {
        let card = match r.calibration {
            None => self.scorecard(&r.scorecard, None)?,
            Some(cid) => {
                let s = self.calibration(cid)?;
                if s.closed {
                    return Err(QaError::Invalid(format!("calibration {cid} is closed")));
                }
                if !s.reviewers.iter().any(|u| u == reviewer) {
                    return Err(QaError::Forbidden(format!("{reviewer} is not a reviewer of calibration {cid}")));
                }
                if !s.conversations.contains(&r.conversation) {
                    return Err(QaError::Invalid(format!("{} is not in calibration {cid}", r.conversation)));
                }
                let mine = ReviewFilter {
                    conversation: Some(r.conversation.clone()),
                    calibration: Some(cid),
                    ..Default::default()
                };
                if self.reviews(&Viewer::All, &mine)?.iter().any(|x| x.reviewer == reviewer) {
                    return Err(QaError::Invalid(format!(
                        "{reviewer} has already scored {} in calibration {cid}",
                        r.conversation
                    )));
                }
                self.scorecard(&s.scorecard, Some(s.version))?
            }
        };
        if self.store.conversation(&r.conversation)?.is_none() {
            return Err(QaError::NotFound(format!("conversation {}", r.conversation)));
        }
        let reviewee = match r.reviewee.filter(|a| !a.is_empty()) {
            Some(a) => a,
            None => self.main_agent(&r.conversation)?,
        };
        let scored = score(&card, &r.answers).map_err(QaError::Invalid)?;
        let now = now_ms();
        let review = Review {
            id: 0,
            conversation: r.conversation.clone(),
            message: r.message,
            scorecard: card.id.clone(),
            version: card.version,
            reviewer: reviewer.into(),
            reviewee,
            answers: r.answers,
            comment: r.comment,
            categories: scored.categories,
            score: scored.score,
            critical_failed: scored.critical_failed,
            created: format_rfc3339(now),
            created_ms: now,
            disputes: vec![],
            calibration: r.calibration,
        };
        let spec = AuditSpec::new(actor, "qa.review", format!("conversation:{}", r.conversation)).detail(format!(
            "{} v{} → {}: {:?}",
            card.id,
            card.version,
            review.reviewee,
            review.score.map(|s| (s * 100.0).round() / 100.0)
        ));
        let mut stored = review.clone();
        let id = self.store.qa_add_review(spec, |id| {
            stored.id = id;
            encode(&stored)
        })?;
        Ok(Review { id, ..review })
    }

    fn load_review(&self, id: u64) -> Result<Review> {
        let b = self.store.qa_review(id)?.ok_or_else(|| QaError::NotFound(format!("review {id}")))?;
        Ok(decode(&b, "review")?)
    }

    /// The reviewee disputes a review, proposing other answers with a reason.
    pub fn dispute(&self, actor: &Actor, agent: &str, id: u64, d: NewDispute) -> Result<Review> {
        let mut r = self.load_review(id)?;
        if r.reviewee != agent {
            return Err(QaError::Forbidden("only the agent reviewed may dispute a review".into()));
        }
        if r.disputes.iter().any(|d| d.resolution.is_none()) {
            return Err(QaError::Invalid(format!("review {id} already has an open dispute")));
        }
        if d.reason.trim().is_empty() || d.answers.is_empty() {
            return Err(QaError::Invalid("a dispute needs the proposed `answers` and a `reason`".into()));
        }
        let card = self.scorecard(&r.scorecard, Some(r.version))?;
        score(&card, &merged(&r.answers, &d.answers)).map_err(QaError::Invalid)?;
        r.disputes.push(Dispute {
            proposed: d.answers,
            reason: d.reason.trim().into(),
            by: agent.into(),
            at: format_rfc3339(now_ms()),
            resolution: None,
        });
        let spec = AuditSpec::new(actor, "qa.dispute", format!("review:{id}"))
            .detail(r.disputes.last().map(|d| d.reason.clone()).unwrap_or_default());
        self.store.qa_put_review(spec, id, &encode(&r))?;
        Ok(r)
    }

    /// The reviewer (or a manager) accepts, partly accepts or rejects the open dispute.
    pub fn resolve(
        &self,
        actor: &Actor,
        user: &str,
        may_overrule: bool,
        id: u64,
        res: NewResolution,
    ) -> Result<Review> {
        let mut r = self.load_review(id)?;
        if r.reviewer != user && !may_overrule {
            return Err(QaError::Forbidden("only the reviewer, a manager or an admin may resolve a dispute".into()));
        }
        let Some(open) = r.disputes.iter().position(|d| d.resolution.is_none()) else {
            return Err(QaError::Invalid(format!("review {id} has no open dispute")));
        };
        if res.reason.trim().is_empty() {
            return Err(QaError::Invalid("a resolution needs a `reason`".into()));
        }
        let answers = match res.decision {
            Decision::Accept => merged(&r.answers, &r.disputes[open].proposed),
            Decision::Partial if res.answers.is_empty() => {
                return Err(QaError::Invalid("a partial acceptance gives the final `answers`".into()));
            }
            Decision::Partial => merged(&r.answers, &res.answers),
            Decision::Reject => r.answers.clone(),
        };
        let card = self.scorecard(&r.scorecard, Some(r.version))?;
        let scored = score(&card, &answers).map_err(QaError::Invalid)?;
        let before = r.score;
        r.answers = answers;
        r.categories = scored.categories;
        r.score = scored.score;
        r.critical_failed = scored.critical_failed;
        r.disputes[open].resolution = Some(Resolution {
            decision: res.decision,
            reason: res.reason.trim().into(),
            by: user.into(),
            at: format_rfc3339(now_ms()),
            score_before: before,
            score_after: r.score,
        });
        let spec = AuditSpec::new(actor, "qa.dispute.resolve", format!("review:{id}"))
            .detail(format!("{:?}: {before:?} → {:?}", res.decision, r.score));
        self.store.qa_put_review(spec, id, &encode(&r))?;
        Ok(r)
    }

    // ---- calibration ----

    pub fn calibration(&self, id: u64) -> Result<Calibration> {
        let b = self.store.qa_calibration(id)?.ok_or_else(|| QaError::NotFound(format!("calibration {id}")))?;
        Ok(decode(&b, "calibration")?)
    }

    pub fn calibrations(&self) -> Result<Vec<Calibration>> {
        self.store.qa_calibrations()?.iter().map(|b| decode(b, "calibration").map_err(QaError::from)).collect()
    }

    /// Opens a session on the scorecard's latest version.
    pub fn create_calibration(&self, actor: &Actor, by: &str, n: NewCalibration) -> Result<Calibration> {
        let card = self.scorecard(&n.scorecard, None)?;
        if n.name.trim().is_empty() || n.conversations.is_empty() || n.reviewers.len() < 2 {
            return Err(QaError::Invalid(
                "a calibration needs a `name`, `conversations` and at least two `reviewers`".into(),
            ));
        }
        for c in &n.conversations {
            if self.store.conversation(c)?.is_none() {
                return Err(QaError::NotFound(format!("conversation {c}")));
            }
        }
        for u in &n.reviewers {
            if self.store.user(u)?.is_none() {
                return Err(QaError::NotFound(format!("user {u}")));
            }
        }
        let mut session = Calibration {
            id: 0,
            name: n.name.trim().into(),
            scorecard: card.id.clone(),
            version: card.version,
            conversations: n.conversations,
            reviewers: n.reviewers,
            created: format_rfc3339(now_ms()),
            created_by: by.into(),
            closed: false,
        };
        let spec =
            AuditSpec::new(actor, "qa.calibration", format!("scorecard:{}", card.id)).detail(session.name.clone());
        let mut stored = session.clone();
        session.id = self.store.qa_put_calibration(spec, None, |id| {
            stored.id = id;
            encode(&stored)
        })?;
        Ok(session)
    }

    /// Closes a session: every score is shown, even if some reviews are missing.
    pub fn close_calibration(&self, actor: &Actor, id: u64) -> Result<Calibration> {
        let mut s = self.calibration(id)?;
        s.closed = true;
        let spec = AuditSpec::new(actor, "qa.calibration.close", format!("calibration:{id}"));
        self.store.qa_put_calibration(spec, Some(id), |_| encode(&s))?;
        Ok(s)
    }

    /// A session as `viewer` may see it: its own scores until all are in.
    pub fn calibration_view(&self, id: u64, viewer: &str) -> Result<CalibrationView> {
        let s = self.calibration(id)?;
        let reviews = self.reviews(&Viewer::All, &ReviewFilter { calibration: Some(id), ..Default::default() })?;
        Ok(calibration::view(s, reviews, viewer))
    }

    // ---- sampling and assignments ----

    pub fn plans(&self) -> Result<Vec<Plan>> {
        self.store.qa_list(QaList::Plans)?.iter().map(|(_, b)| decode(b, "plan").map_err(QaError::from)).collect()
    }

    /// Sets up a recurring sampling plan.
    pub fn create_plan(&self, actor: &Actor, by: &str, d: PlanDraft) -> Result<Plan> {
        if d.name.trim().is_empty() || d.per_agent == 0 || d.per_agent > 100 {
            return Err(QaError::Invalid("a plan needs a `name` and `per_agent` from 1 to 100".into()));
        }
        if self.store.user(&d.reviewer)?.is_none() {
            return Err(QaError::NotFound(format!("user {}", d.reviewer)));
        }
        self.scorecard(&d.scorecard, None)?;
        let plan = Plan { id: 0, draft: d, created_by: by.into(), created: format_rfc3339(now_ms()) };
        let spec = AuditSpec::new(actor, "qa.plan", plan.draft.name.clone());
        let p2 = plan.clone();
        let ids = self.store.qa_append(spec, QaList::Plans, vec![Box::new(move |id| encode(&Plan { id, ..p2 }))])?;
        Ok(Plan { id: ids[0], ..plan })
    }

    fn assignments(&self) -> Result<Vec<Assignment>> {
        self.store
            .qa_list(QaList::Assignments)?
            .iter()
            .map(|(_, b)| decode(b, "assignment").map_err(QaError::from))
            .collect()
    }

    /// The assignments of a plan for the period holding `at` (picked once; the same afterwards).
    pub fn generate(&self, actor: &Actor, plan_id: u64, at: Millis) -> Result<Vec<Assignment>> {
        let plan = self
            .plans()?
            .into_iter()
            .find(|p| p.id == plan_id)
            .ok_or_else(|| QaError::NotFound(format!("plan {plan_id}")))?;
        let (start, end) = sampling::period(plan.draft.every, at);
        let existing: Vec<Assignment> = self
            .assignments()?
            .into_iter()
            .filter(|a| a.plan == plan_id && a.period_start == format_rfc3339(start))
            .collect();
        if !existing.is_empty() {
            return Ok(existing);
        }
        let teams: HashMap<String, Option<String>> = self.store.agents()?.into_iter().map(|a| (a.id, a.team)).collect();
        let scope = sampling::agents_of(&plan.draft, &teams);
        let reviewed: HashSet<String> =
            self.reviews(&Viewer::All, &ReviewFilter::default())?.into_iter().map(|r| r.conversation).collect();
        let mut findings: HashMap<(String, String), usize> = HashMap::new();
        for f in self.checks.findings(&Default::default())? {
            if let Some(a) = f.agent {
                *findings.entry((f.conversation, a)).or_default() += 1;
            }
        }
        let mut by_agent: BTreeMap<String, Vec<(String, f64, Vec<String>)>> = BTreeMap::new();
        self.store.for_each_conversation(&mut |c: crate::store::Conversation| {
            if c.last_event < start || c.first_event >= end || reviewed.contains(&c.id) {
                return;
            }
            for a in &c.agents {
                if scope.contains(a) {
                    let n = findings.get(&(c.id.clone(), a.clone())).copied().unwrap_or(0);
                    let (w, why) = match plan.draft.pick {
                        sampling::Pick::Random => (1.0, vec![]),
                        sampling::Pick::Risk => sampling::risk(&c, n),
                    };
                    by_agent.entry(a.clone()).or_default().push((c.id.clone(), w, why));
                }
            }
        })?;
        let mut made: Vec<Assignment> = Vec::new();
        for (agent, cands) in by_agent {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (plan_id, start, &agent).hash(&mut h);
            for (conversation, reasons) in sampling::pick(cands, plan.draft.per_agent, h.finish()) {
                made.push(Assignment {
                    id: 0,
                    plan: plan_id,
                    reviewer: plan.draft.reviewer.clone(),
                    scorecard: plan.draft.scorecard.clone(),
                    conversation,
                    agent: agent.clone(),
                    period_start: format_rfc3339(start),
                    due: format_rfc3339(end),
                    due_ms: end,
                    reasons,
                });
            }
        }
        let spec = AuditSpec::new(actor, "qa.assign", format!("plan:{plan_id}")).detail(format!(
            "{} assignment(s) for {}",
            made.len(),
            format_rfc3339(start)
        ));
        let makers: Vec<Box<dyn FnOnce(u64) -> Vec<u8>>> = made
            .iter()
            .cloned()
            .map(|a| Box::new(move |id| encode(&Assignment { id, ..a })) as Box<dyn FnOnce(u64) -> Vec<u8>>)
            .collect();
        let ids = self.store.qa_append(spec, QaList::Assignments, makers)?;
        Ok(made.into_iter().zip(ids).map(|(a, id)| Assignment { id, ..a }).collect())
    }

    /// A reviewer's queue (everyone's with None): the current period's
    /// assignments are picked first if they are not yet; each item says
    /// whether it is reviewed, and whether it is overdue.
    pub fn queue(&self, actor: &Actor, reviewer: Option<&str>) -> Result<Queue> {
        let now = now_ms();
        for p in self.plans()? {
            if reviewer.is_none_or(|r| r == p.draft.reviewer) {
                self.generate(actor, p.id, now)?;
            }
        }
        let reviews = self.reviews(&Viewer::All, &ReviewFilter::default())?;
        let mut items = Vec::new();
        for a in self.assignments()? {
            if reviewer.is_some_and(|r| r != a.reviewer) {
                continue;
            }
            let review =
                reviews.iter().find(|r| r.conversation == a.conversation && r.reviewer == a.reviewer).map(|r| r.id);
            let overdue = review.is_none() && a.due_ms <= now;
            items.push(QueueItem { assignment: a, review, overdue });
        }
        let done = items.iter().filter(|i| i.review.is_some()).count();
        // Open work first, soonest due first.
        items.sort_by_key(|i| (i.review.is_some(), i.assignment.due_ms, i.assignment.id));
        Ok(Queue { total: items.len(), done, items })
    }

    /// Reviews with a dispute, open ones first.
    pub fn disputes(&self, viewer: &Viewer) -> Result<Vec<Review>> {
        let mut list: Vec<Review> =
            self.reviews(viewer, &ReviewFilter::default())?.into_iter().filter(|r| !r.disputes.is_empty()).collect();
        list.sort_by_key(|r| r.disputes.iter().all(|d| d.resolution.is_some()));
        Ok(list)
    }

    /// Reviews matching the filter that the viewer may see, newest first.
    pub fn reviews(&self, viewer: &Viewer, f: &ReviewFilter) -> Result<Vec<Review>> {
        let teams: HashMap<String, Option<String>> = self.store.agents()?.into_iter().map(|a| (a.id, a.team)).collect();
        let mut out = Vec::new();
        for (_, b) in self.store.qa_reviews()? {
            let r: Review = decode(&b, "review")?;
            let visible = match viewer {
                Viewer::All => true,
                Viewer::Agent(a) => &r.reviewee == a,
            };
            let team = teams.get(&r.reviewee).cloned().flatten();
            if visible
                && f.agent.as_ref().is_none_or(|a| a == &r.reviewee)
                && f.team.as_ref().is_none_or(|t| team.as_ref() == Some(t))
                && f.conversation.as_ref().is_none_or(|c| c == &r.conversation)
                && f.from.is_none_or(|t| r.created_ms >= t)
                && f.to.is_none_or(|t| r.created_ms < t)
                && r.calibration == f.calibration
            {
                out.push(r);
            }
        }
        out.reverse();
        Ok(out)
    }

    /// IQS overall and per `group_by` (`agent` or `team`).
    pub fn iqs(&self, viewer: &Viewer, f: &ReviewFilter, group_by: Option<&str>) -> Result<(IqsRow, Vec<IqsRow>)> {
        // Calibration reviews never count in IQS.
        let reviews: Vec<Review> = self.reviews(viewer, f)?.into_iter().filter(|r| r.calibration.is_none()).collect();
        let teams: HashMap<String, Option<String>> = self.store.agents()?.into_iter().map(|a| (a.id, a.team)).collect();
        let key = |r: &Review| -> Option<String> {
            match group_by {
                Some("agent") => Some(r.reviewee.clone()),
                Some("team") => teams.get(&r.reviewee).cloned().flatten(),
                // Reviewer workload: how many reviews each made, and its scores.
                Some("reviewer") => Some(r.reviewer.clone()),
                Some(p @ ("day" | "week" | "month")) => Some(period_key(p, r.created_ms)),
                _ => None,
            }
        };
        if let Some(g) = group_by
            && !["agent", "team", "reviewer", "day", "week", "month"].contains(&g)
        {
            return Err(QaError::Invalid(format!("group_by {g:?} is not agent, team, reviewer, day, week or month")));
        }
        let overall = row(None, &reviews.iter().collect::<Vec<_>>());
        let mut groups: BTreeMap<Option<String>, Vec<&Review>> = BTreeMap::new();
        if group_by.is_some() {
            for r in &reviews {
                groups.entry(key(r)).or_default().push(r);
            }
        }
        Ok((overall, groups.into_iter().map(|(g, rs)| row(g, &rs)).collect()))
    }
}

/// The key of a time group (UTC): `YYYY-MM-DD`, the Monday of the week, or `YYYY-MM`.
pub fn period_key(p: &str, ms: Millis) -> String {
    use chrono::{Datelike, TimeZone};
    let t = chrono::Utc.timestamp_millis_opt(ms).single().unwrap_or_default().date_naive();
    match p {
        "week" => {
            (t - chrono::Duration::days(t.weekday().num_days_from_monday() as i64)).format("%Y-%m-%d").to_string()
        }
        "month" => t.format("%Y-%m").to_string(),
        _ => t.format("%Y-%m-%d").to_string(),
    }
}

/// The answers of `base`, with those named in `changes` replaced.
fn merged(base: &[Answer], changes: &[Answer]) -> Vec<Answer> {
    let mut out: Vec<Answer> = base.to_vec();
    for c in changes {
        match out.iter_mut().find(|a| a.category == c.category) {
            Some(a) => *a = c.clone(),
            None => out.push(c.clone()),
        }
    }
    out
}

fn row(group: Option<String>, reviews: &[&Review]) -> IqsRow {
    let mut per: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for r in reviews {
        for (c, s) in &r.categories {
            if let Some(s) = s {
                let e = per.entry(c.clone()).or_default();
                e.0 += s;
                e.1 += 1;
            }
        }
    }
    IqsRow {
        group,
        iqs: iqs(reviews.iter().filter_map(|r| r.score)),
        reviews: reviews.len(),
        categories: per.into_iter().map(|(c, (sum, n))| (c, sum / n as f64)).collect(),
    }
}
