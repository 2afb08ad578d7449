//! Calibration: several reviewers score the same conversations without seeing
//! each other's scores; once all have (or the session is closed), the session
//! shows where they agree and differ, per category. Calibration reviews never
//! count in IQS.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::review::Review;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Calibration {
    pub id: u64,
    pub name: String,
    pub scorecard: String,
    /// The scorecard version every calibration review is scored on.
    pub version: u32,
    pub conversations: Vec<String>,
    /// User names of the reviewers.
    pub reviewers: Vec<String>,
    pub created: String,
    pub created_by: String,
    pub closed: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewCalibration {
    pub name: String,
    pub scorecard: String,
    pub conversations: Vec<String>,
    pub reviewers: Vec<String>,
}

/// How the reviewers scored one category of one conversation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryAgreement {
    pub conversation: String,
    pub category: String,
    /// Reviewer → category score (null for N/A).
    pub scores: BTreeMap<String, Option<f64>>,
    /// Highest minus lowest score (N/A left out); 0 when all agree.
    pub spread: Option<f64>,
    pub agree: bool,
}

/// A session with its progress and, once revealed, its results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalibrationView {
    pub session: Calibration,
    /// Reviews made / expected (reviewers × conversations).
    pub done: usize,
    pub expected: usize,
    /// Whether every score is shown (all reviews in, or the session closed).
    pub revealed: bool,
    /// The reviews the viewer may see: its own until revealed, then all.
    pub reviews: Vec<Review>,
    /// Per conversation and category, once revealed.
    pub agreement: Vec<CategoryAgreement>,
    /// Share of (conversation, category) pairs where every reviewer gave the same score.
    pub agreement_rate: Option<f64>,
}

/// Builds the view of a session for `viewer` (a user name) from its reviews.
pub fn view(session: Calibration, all: Vec<Review>, viewer: &str) -> CalibrationView {
    let expected = session.reviewers.len() * session.conversations.len();
    let done = all.len();
    let revealed = session.closed || done >= expected;
    let mut agreement = Vec::new();
    if revealed {
        for conv in &session.conversations {
            let of_conv: Vec<&Review> = all.iter().filter(|r| &r.conversation == conv).collect();
            let mut cats: Vec<String> = Vec::new();
            for r in &of_conv {
                for (c, _) in &r.categories {
                    if !cats.contains(c) {
                        cats.push(c.clone());
                    }
                }
            }
            for c in cats {
                let scores: BTreeMap<String, Option<f64>> = of_conv
                    .iter()
                    .map(|r| (r.reviewer.clone(), r.categories.iter().find(|(k, _)| *k == c).and_then(|(_, s)| *s)))
                    .collect();
                let vals: Vec<f64> = scores.values().flatten().copied().collect();
                let spread = (!vals.is_empty()).then(|| {
                    vals.iter().cloned().fold(f64::MIN, f64::max) - vals.iter().cloned().fold(f64::MAX, f64::min)
                });
                let agree = scores.len() > 1 && scores.values().all(|s| *s == *scores.values().next().unwrap());
                agreement.push(CategoryAgreement { conversation: conv.clone(), category: c, scores, spread, agree });
            }
        }
    }
    let agreement_rate = (!agreement.is_empty())
        .then(|| agreement.iter().filter(|a| a.agree).count() as f64 / agreement.len() as f64 * 100.0);
    let reviews = if revealed { all } else { all.into_iter().filter(|r| r.reviewer == viewer).collect() };
    CalibrationView { session, done, expected, revealed, reviews, agreement, agreement_rate }
}
