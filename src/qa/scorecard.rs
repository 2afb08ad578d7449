//! Scorecards: categories with a scale, a weight, an optional critical flag
//! and whether N/A is allowed, grouped in sections. A scorecard is versioned:
//! a change is a new version, and a review keeps the version it was scored on.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// 0 (no) or 1 (yes).
    Binary,
    /// 1 to 3.
    Three,
    /// 1 to 4.
    Four,
    /// 1 to 5.
    Five,
}

impl Scale {
    pub fn min(self) -> u8 {
        match self {
            Scale::Binary => 0,
            _ => 1,
        }
    }
    pub fn max(self) -> u8 {
        match self {
            Scale::Binary => 1,
            Scale::Three => 3,
            Scale::Four => 4,
            Scale::Five => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Category {
    /// Stable within the scorecard (answers name it).
    pub id: String,
    pub name: String,
    pub scale: Scale,
    /// Relative weight in the review score (> 0).
    #[serde(default = "one")]
    pub weight: f64,
    /// Scoring below 50% here makes the whole review 0.
    #[serde(default)]
    pub critical: bool,
    /// Whether a reviewer may answer N/A.
    #[serde(default)]
    pub na_allowed: bool,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    pub name: String,
    pub categories: Vec<Category>,
}

/// What a manager writes: a scorecard's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorecardDraft {
    pub name: String,
    pub sections: Vec<Section>,
}

/// One version of a scorecard, as stored (never changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub sections: Vec<Section>,
    /// RFC 3339.
    pub created: String,
    pub created_by: String,
}

impl Scorecard {
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.sections.iter().flat_map(|s| &s.categories)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories().find(|c| c.id == id)
    }
}

impl ScorecardDraft {
    /// Checks names, ids and weights; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("a scorecard needs a `name`".into());
        }
        let mut ids = std::collections::HashSet::new();
        let mut n = 0;
        for s in &self.sections {
            for c in &s.categories {
                n += 1;
                if c.id.trim().is_empty() || c.name.trim().is_empty() {
                    return Err(format!("every category needs an `id` and a `name` (section {:?})", s.name));
                }
                if !ids.insert(c.id.as_str()) {
                    return Err(format!("category id {:?} is used twice", c.id));
                }
                if !(c.weight.is_finite() && c.weight > 0.0) {
                    return Err(format!("category {:?}: `weight` must be a number above 0", c.id));
                }
            }
        }
        if n == 0 {
            return Err("a scorecard needs at least one category".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_checked() {
        let cat = |id: &str, w: f64| Category {
            id: id.into(),
            name: id.into(),
            scale: Scale::Five,
            weight: w,
            critical: false,
            na_allowed: false,
        };
        let d = |cats: Vec<Category>| ScorecardDraft {
            name: "Support".into(),
            sections: vec![Section { name: "s".into(), categories: cats }],
        };
        assert!(d(vec![cat("greeting", 1.0)]).validate().is_ok());
        assert!(d(vec![]).validate().unwrap_err().contains("at least one"));
        assert!(d(vec![cat("a", 1.0), cat("a", 2.0)]).validate().unwrap_err().contains("twice"));
        assert!(d(vec![cat("a", 0.0)]).validate().unwrap_err().contains("weight"));
        assert_eq!((Scale::Binary.min(), Scale::Binary.max(), Scale::Four.min(), Scale::Four.max()), (0, 1, 1, 4));
    }
}
