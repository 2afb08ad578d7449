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
}
