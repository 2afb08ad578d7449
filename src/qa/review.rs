//! A review: a conversation (or one message) scored against one version of a scorecard.

use serde::{Deserialize, Serialize};

use super::score::Answer;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Review {
    pub id: u64,
    pub conversation: String,
    /// When a single message is reviewed, its id.
    pub message: Option<String>,
    pub scorecard: String,
    /// The scorecard version it was scored on: later versions never change it.
    pub version: u32,
    /// The user who reviewed.
    pub reviewer: String,
    /// The agent reviewed: by default the one who sent the most messages.
    pub reviewee: String,
    pub answers: Vec<Answer>,
    pub comment: Option<String>,
    /// Each category's score (None for N/A), in the scorecard's order.
    pub categories: Vec<(String, Option<f64>)>,
    /// The review score, 0-100; None when every category was N/A.
    pub score: Option<f64>,
    pub critical_failed: bool,
    /// RFC 3339; the period of a review is when it was made.
    pub created: String,
    pub created_ms: i64,
    /// Disputes raised by the reviewee, oldest first, each with its outcome.
    #[serde(default)]
    pub disputes: Vec<Dispute>,
    /// The calibration session it belongs to: such reviews never count in IQS.
    #[serde(default)]
    pub calibration: Option<u64>,
}

/// An agent's dispute of a review, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dispute {
    /// The agent's proposed answers (only the categories disputed).
    pub proposed: Vec<Answer>,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// None while open.
    pub resolution: Option<Resolution>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The proposed answers replace the reviewer's.
    Accept,
    /// The reviewer gives final answers of its own.
    Partial,
    /// The review stays as it was.
    Reject,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Resolution {
    pub decision: Decision,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The review score before and after.
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
}

/// What a reviewer sends.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewReview {
    pub conversation: String,
    pub message: Option<String>,
    pub scorecard: String,
    pub answers: Vec<Answer>,
    pub comment: Option<String>,
    /// Default: the agent who sent the most messages in the conversation.
    pub reviewee: Option<String>,
    /// A calibration session this review belongs to (it then never counts in IQS).
    #[serde(default)]
    pub calibration: Option<u64>,
}

/// An agent disputing a review.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewDispute {
    /// The answers the agent proposes instead, for the categories it disputes.
    pub answers: Vec<Answer>,
    pub reason: String,
}

/// A reviewer's answer to a dispute.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewResolution {
    pub decision: Decision,
    pub reason: String,
    /// For `partial`: the final answers of the categories that change.
    #[serde(default)]
    pub answers: Vec<Answer>,
}
