//! `/qa/…`: scorecards, reviews and the internal quality score (IQS).

use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};

use super::time_param;
use crate::domain::UserRole;
use crate::http::AppState;
use crate::http::error::{ApiError, Code, blocking};
use crate::http::extract::Auth;
use crate::qa::calibration::{Calibration, CalibrationView, NewCalibration};
use crate::qa::review::{NewDispute, NewResolution, NewReview, Review};
use crate::qa::scorecard::{Scorecard, ScorecardDraft};
use crate::qa::service::{IqsRow, QaError, ReviewFilter, Viewer};

impl From<QaError> for ApiError {
    fn from(e: QaError) -> Self {
        match e {
            QaError::Invalid(m) => ApiError::bad(m),
            QaError::Forbidden(m) => ApiError::new(Code::Forbidden, m),
            QaError::NotFound(m) => ApiError::new(Code::NotFound, format!("no such {m}")),
            QaError::Store(e) => e.into(),
        }
    }
}

/// Those who review: admins, managers and QA.
const REVIEWERS: &[UserRole] = &[UserRole::Admin, UserRole::Manager, UserRole::Qa];

fn viewer(auth: &Auth) -> Viewer {
    match auth.who.role {
        UserRole::Agent => Viewer::Agent(auth.who.agent.clone().unwrap_or_default()),
        _ => Viewer::All,
    }
}

/// The latest version of every scorecard.
#[utoipa::path(get, path = "/api/v1/qa/scorecards", tag = "qa", responses((status = 200, body = Vec<Scorecard>)))]
#[get("/qa/scorecards")]
pub async fn scorecards(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let list = blocking(move || state.qa.scorecards()).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A past version (default: the latest).
    pub version: Option<u32>,
}

/// One scorecard, at its latest or a given version.
#[utoipa::path(get, path = "/api/v1/qa/scorecards/{id}", tag = "qa", params(VersionQuery),
    responses((status = 200, body = Scorecard), (status = 404, body = crate::http::error::ErrorBody)))]
#[get("/qa/scorecards/{id}")]
pub async fn scorecard(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<String>,
    q: web::Query<VersionQuery>,
) -> Result<HttpResponse, ApiError> {
    let v = q.version;
    let card = blocking(move || state.qa.scorecard(&id, v)).await?;
    Ok(HttpResponse::Ok().json(card))
}

/// Creates a scorecard, or saves a new version of it (past reviews keep theirs).
#[utoipa::path(put, path = "/api/v1/qa/scorecards/{id}", tag = "qa", request_body = ScorecardDraft,
    responses((status = 200, body = Scorecard), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/qa/scorecards/{id}")]
pub async fn save_scorecard(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: web::Json<ScorecardDraft>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager, UserRole::Qa])?;
    let actor = auth.actor();
    let card = blocking(move || state.qa.save_scorecard(&actor, &id, body.into_inner())).await?;
    Ok(HttpResponse::Ok().json(card))
}

/// Scores a conversation (or one message) against a scorecard's latest version.
#[utoipa::path(post, path = "/api/v1/qa/reviews", tag = "qa", request_body = NewReview,
    responses((status = 201, body = Review), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/qa/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<NewReview>,
) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let (actor, reviewer) = (auth.actor(), auth.who.username.clone());
    let r = blocking(move || state.qa.review(&actor, &reviewer, body.into_inner())).await?;
    Ok(HttpResponse::Created().json(r))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReviewQuery {
    pub agent: Option<String>,
    pub team: Option<String>,
    pub conversation: Option<String>,
    /// Reviews made in [from, to): RFC 3339 or YYYY-MM-DD.
    pub from: Option<String>,
    pub to: Option<String>,
    /// For `/qa/iqs`: `agent`, `team`, `reviewer` (workload), `day`, `week` or `month`.
    pub group_by: Option<String>,
}

impl ReviewQuery {
    fn filter(&self) -> Result<ReviewFilter, ApiError> {
        Ok(ReviewFilter {
            agent: self.agent.clone(),
            team: self.team.clone(),
            conversation: self.conversation.clone(),
            from: time_param("from", &self.from)?,
            to: time_param("to", &self.to)?,
            calibration: None,
        })
    }
}

/// Reviews, newest first. An agent sees the reviews of its own work.
#[utoipa::path(get, path = "/api/v1/qa/reviews", tag = "qa", params(ReviewQuery), responses((status = 200, body = Vec<Review>)))]
#[get("/qa/reviews")]
pub async fn reviews(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<ReviewQuery>,
) -> Result<HttpResponse, ApiError> {
    let (f, v) = (q.filter()?, viewer(&auth));
    let list = blocking(move || state.qa.reviews(&v, &f)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IqsAnswer {
    pub overall: IqsRow,
    pub groups: Vec<IqsRow>,
}

/// The internal quality score: the mean of the review scores, overall and per agent or team,
/// with each category's mean.
#[utoipa::path(get, path = "/api/v1/qa/iqs", tag = "qa", params(ReviewQuery), responses((status = 200, body = IqsAnswer)))]
#[get("/qa/iqs")]
pub async fn iqs(state: web::Data<AppState>, auth: Auth, q: web::Query<ReviewQuery>) -> Result<HttpResponse, ApiError> {
    let (f, v, g) = (q.filter()?, viewer(&auth), q.group_by.clone());
    let (overall, groups) = blocking(move || state.qa.iqs(&v, &f, g.as_deref())).await?;
    Ok(HttpResponse::Ok().json(IqsAnswer { overall, groups }))
}

/// The reviewed agent disputes a review: proposed answers and a reason.
#[utoipa::path(post, path = "/api/v1/qa/reviews/{id}/dispute", tag = "qa", request_body = NewDispute,
    responses((status = 200, body = Review), (status = 403, body = crate::http::error::ErrorBody)))]
#[post("/qa/reviews/{id}/dispute")]
pub async fn dispute(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<u64>,
    body: web::Json<NewDispute>,
) -> Result<HttpResponse, ApiError> {
    let agent = auth
        .who
        .agent
        .clone()
        .ok_or_else(|| ApiError::new(Code::Forbidden, "only an agent's user may dispute its reviews"))?;
    let actor = auth.actor();
    let r = blocking(move || state.qa.dispute(&actor, &agent, *id, body.into_inner())).await?;
    Ok(HttpResponse::Ok().json(r))
}

/// The reviewer (or a manager or admin) accepts, partly accepts or rejects the open dispute.
#[utoipa::path(post, path = "/api/v1/qa/reviews/{id}/resolve", tag = "qa", request_body = NewResolution,
    responses((status = 200, body = Review), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/qa/reviews/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<u64>,
    body: web::Json<NewResolution>,
) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let (actor, user) = (auth.actor(), auth.who.username.clone());
    let overrule = auth.who.is(&[UserRole::Admin, UserRole::Manager]);
    let r = blocking(move || state.qa.resolve(&actor, &user, overrule, *id, body.into_inner())).await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Reviews with disputes, open ones first (agents: their own).
#[utoipa::path(get, path = "/api/v1/qa/disputes", tag = "qa", responses((status = 200, body = Vec<Review>)))]
#[get("/qa/disputes")]
pub async fn disputes(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let v = viewer(&auth);
    let list = blocking(move || state.qa.disputes(&v)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Opens a calibration session (managers and admins).
#[utoipa::path(post, path = "/api/v1/qa/calibrations", tag = "qa", request_body = NewCalibration,
    responses((status = 201, body = Calibration), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/qa/calibrations")]
pub async fn create_calibration(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<NewCalibration>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let (actor, by) = (auth.actor(), auth.who.username.clone());
    let s = blocking(move || state.qa.create_calibration(&actor, &by, body.into_inner())).await?;
    Ok(HttpResponse::Created().json(s))
}

/// Every calibration session.
#[utoipa::path(get, path = "/api/v1/qa/calibrations", tag = "qa", responses((status = 200, body = Vec<Calibration>)))]
#[get("/qa/calibrations")]
pub async fn calibrations(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let list = blocking(move || state.qa.calibrations()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A session: progress, and, once every review is in (or it is closed), where the reviewers agree and differ.
#[utoipa::path(get, path = "/api/v1/qa/calibrations/{id}", tag = "qa", responses((status = 200, body = CalibrationView)))]
#[get("/qa/calibrations/{id}")]
pub async fn calibration(state: web::Data<AppState>, auth: Auth, id: web::Path<u64>) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let user = auth.who.username.clone();
    let v = blocking(move || state.qa.calibration_view(*id, &user)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Closes a session: every score is shown.
#[utoipa::path(post, path = "/api/v1/qa/calibrations/{id}/close", tag = "qa", responses((status = 200, body = Calibration)))]
#[post("/qa/calibrations/{id}/close")]
pub async fn close_calibration(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let actor = auth.actor();
    let s = blocking(move || state.qa.close_calibration(&actor, *id)).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// The automatic checks: the built-in rules (id, name, severity, points) and the company's phrase rules.
#[utoipa::path(get, path = "/api/v1/qa/rules", tag = "qa", responses((status = 200, body = Object)))]
#[get("/qa/rules")]
pub async fn rules(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let built_in: Vec<serde_json::Value> = crate::qa::checks::engine::RULES
        .iter()
        .map(|(id, name, sev)| serde_json::json!({"id": id, "name": name, "severity": sev, "points": sev.points()}))
        .collect();
    let custom = blocking(move || state.qa.checks.phrase_rules()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"built_in": built_in, "phrases": custom})))
}

/// Replaces the company's phrase rules (must or must not appear, per side,
/// channel and language). New events use them at once; `POST /qa/checks/run` applies them to the history.
#[utoipa::path(put, path = "/api/v1/qa/rules/phrases", tag = "qa", request_body = Vec<crate::qa::checks::engine::PhraseRule>,
    responses((status = 200), (status = 400, body = crate::http::error::ErrorBody)))]
#[put("/qa/rules/phrases")]
pub async fn put_phrase_rules(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<Vec<crate::qa::checks::engine::PhraseRule>>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let actor = auth.actor();
    let list = body.into_inner();
    let saved = list.clone();
    blocking(move || state.qa.checks.set_phrase_rules(&actor, &list).map_err(ApiError::bad)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Runs every check over the whole history now (new events are checked as they come).
#[utoipa::path(post, path = "/api/v1/qa/checks/run", tag = "qa", responses((status = 200, body = crate::qa::checks::run::RunSummary)))]
#[post("/qa/checks/run")]
pub async fn run_checks(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let actor = auth.actor();
    let r = blocking(move || state.qa.checks.run_all(&actor)).await?;
    Ok(HttpResponse::Ok().json(r))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FindingQuery {
    pub agent: Option<String>,
    pub rule: Option<String>,
    pub conversation: Option<String>,
    /// `exclude` (default), `include` or `only`.
    pub dismissed: Option<String>,
}

/// Findings of the automatic checks, by conversation (agents: their own).
#[utoipa::path(get, path = "/api/v1/qa/findings", tag = "qa", params(FindingQuery),
    responses((status = 200, body = Vec<crate::qa::checks::engine::Finding>)))]
#[get("/qa/findings")]
pub async fn findings(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<FindingQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut f = crate::qa::checks::run::FindingFilter {
        agent: q.agent.clone(),
        rule: q.rule.clone(),
        conversation: q.conversation.clone(),
        dismissed: q.dismissed.clone(),
    };
    if auth.who.role == UserRole::Agent {
        if f.agent.is_some() && f.agent != auth.who.agent {
            return Err(ApiError::forbidden());
        }
        f.agent = Some(auth.who.agent.clone().unwrap_or_default());
    }
    let list = blocking(move || state.qa.checks.findings(&f)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Dismiss {
    /// The finding's id.
    pub id: String,
    pub reason: String,
}

/// Dismisses a finding as a false positive (it is kept, with who and why).
#[utoipa::path(post, path = "/api/v1/qa/findings/dismiss", tag = "qa", request_body = Dismiss,
    responses((status = 200, body = crate::qa::checks::engine::Finding), (status = 404, body = crate::http::error::ErrorBody)))]
#[post("/qa/findings/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<Dismiss>,
) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::bad("say why the finding is a false positive (`reason`)"));
    }
    let (actor, user) = (auth.actor(), auth.who.username.clone());
    let f = blocking(move || state.qa.checks.dismiss(&actor, &user, &body.id, body.reason.trim())).await?;
    f.map(|f| HttpResponse::Ok().json(f)).ok_or_else(|| ApiError::not_found("finding"))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AqsQuery {
    /// `agent`, `team`, `day`, `week` or `month`.
    pub group_by: Option<String>,
    /// Conversations active in [from, to).
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AqsAnswer {
    pub overall: crate::qa::checks::run::AqsRow,
    pub groups: Vec<crate::qa::checks::run::AqsRow>,
}

/// The automatic quality score: per agent and conversation, 100 less the points of
/// its findings (minor 10, major 25, critical 100; at least 0), averaged.
#[utoipa::path(get, path = "/api/v1/qa/aqs", tag = "qa", params(AqsQuery), responses((status = 200, body = AqsAnswer)))]
#[get("/qa/aqs")]
pub async fn aqs(state: web::Data<AppState>, auth: Auth, q: web::Query<AqsQuery>) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    if let Some(g) = q.group_by.as_deref()
        && !["agent", "team", "day", "week", "month"].contains(&g)
    {
        return Err(ApiError::bad(format!("group_by {g:?} is not agent, team, day, week or month")));
    }
    let (from, to, g) = (time_param("from", &q.from)?, time_param("to", &q.to)?, q.group_by.clone());
    let (overall, groups) = blocking(move || state.qa.checks.aqs(g.as_deref(), from, to)).await?;
    Ok(HttpResponse::Ok().json(AqsAnswer { overall, groups }))
}

/// Sets up a recurring sampling plan (managers and admins).
#[utoipa::path(post, path = "/api/v1/qa/plans", tag = "qa", request_body = crate::qa::sampling::PlanDraft,
    responses((status = 201, body = crate::qa::sampling::Plan), (status = 400, body = crate::http::error::ErrorBody)))]
#[post("/qa/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<crate::qa::sampling::PlanDraft>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let (actor, by) = (auth.actor(), auth.who.username.clone());
    let p = blocking(move || state.qa.create_plan(&actor, &by, body.into_inner())).await?;
    Ok(HttpResponse::Created().json(p))
}

/// Every sampling plan.
#[utoipa::path(get, path = "/api/v1/qa/plans", tag = "qa", responses((status = 200, body = Vec<crate::qa::sampling::Plan>)))]
#[get("/qa/plans")]
pub async fn plans(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let list = blocking(move || state.qa.plans()).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct GenerateQuery {
    /// A day of the period to pick for (default: now): RFC 3339 or YYYY-MM-DD.
    pub at: Option<String>,
}

/// Picks a plan's assignments for a period (once; asking again answers the same).
#[utoipa::path(post, path = "/api/v1/qa/plans/{id}/generate", tag = "qa", params(GenerateQuery),
    responses((status = 200, body = Vec<crate::qa::sampling::Assignment>)))]
#[post("/qa/plans/{id}/generate")]
pub async fn generate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<u64>,
    q: web::Query<GenerateQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[UserRole::Admin, UserRole::Manager])?;
    let at = time_param("at", &q.at)?.unwrap_or_else(crate::domain::time::now_ms);
    let actor = auth.actor();
    let list = blocking(move || state.qa.generate(&actor, *id, at)).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct QueueQuery {
    /// Managers and admins: another reviewer's queue, or `all`.
    pub reviewer: Option<String>,
}

/// The caller's review queue (the current period's assignments are picked when
/// first asked for), with progress and due dates; open work first.
#[utoipa::path(get, path = "/api/v1/qa/queue", tag = "qa", params(QueueQuery), responses((status = 200, body = crate::qa::service::Queue)))]
#[get("/qa/queue")]
pub async fn queue(
    state: web::Data<AppState>,
    auth: Auth,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(REVIEWERS)?;
    let me = auth.who.username.clone();
    let who = match q.reviewer.as_deref() {
        None => Some(me),
        Some(other) if auth.who.is(&[UserRole::Admin, UserRole::Manager]) => {
            (other != "all").then(|| other.to_string())
        }
        Some(other) if other == me => Some(me),
        Some(_) => return Err(ApiError::forbidden()),
    };
    let actor = auth.actor();
    let queue = blocking(move || state.qa.queue(&actor, who.as_deref())).await?;
    Ok(HttpResponse::Ok().json(queue))
}
