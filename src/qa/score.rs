//! The score math (compatible with the published formulas of the leading
//! hosted QA tools):
//! - category score = (chosen − scale min) / (scale max − scale min) × 100;
//! - review score = weighted mean of the non-N/A category scores, and 0 when
//!   any critical category scores below 50%;
//! - IQS of an agent, team or period = mean of its review scores.

use serde::{Deserialize, Serialize};

use super::scorecard::Scorecard;

/// A reviewer's answer for one category: a point of its scale, or N/A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Answer {
    pub category: String,
    /// None for N/A.
    pub value: Option<u8>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Category scores (None for N/A) and the review score; None when every category is N/A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scored {
    pub categories: Vec<(String, Option<f64>)>,
    pub score: Option<f64>,
    /// True when a critical category below 50% made the score 0.
    pub critical_failed: bool,
}

/// Scores answers against a scorecard version; the message says what is wrong.
pub fn score(card: &Scorecard, answers: &[Answer]) -> Result<Scored, String> {
    for a in answers {
        if card.category(&a.category).is_none() {
            return Err(format!("category {:?} is not in scorecard {} version {}", a.category, card.id, card.version));
        }
    }
    let mut categories = Vec::new();
    let (mut sum, mut weights, mut critical_failed) = (0.0, 0.0, false);
    for c in card.categories() {
        let Some(a) = answers.iter().find(|a| a.category == c.id) else {
            return Err(format!("category {:?} has no answer (N/A is `\"value\": null`)", c.id));
        };
        match a.value {
            None if !c.na_allowed => return Err(format!("category {:?} does not allow N/A", c.id)),
            None => categories.push((c.id.clone(), None)),
            Some(v) if v < c.scale.min() || v > c.scale.max() => {
                return Err(format!("category {:?}: {v} is outside {}-{}", c.id, c.scale.min(), c.scale.max()));
            }
            Some(v) => {
                let s = (v - c.scale.min()) as f64 / (c.scale.max() - c.scale.min()) as f64 * 100.0;
                if c.critical && s < 50.0 {
                    critical_failed = true;
                }
                sum += s * c.weight;
                weights += c.weight;
                categories.push((c.id.clone(), Some(s)));
            }
        }
    }
    let score = if critical_failed { Some(0.0) } else { (weights > 0.0).then(|| sum / weights) };
    Ok(Scored { categories, score, critical_failed })
}

/// The mean of review scores (reviews without a score left out).
pub fn iqs(scores: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut n, mut sum) = (0usize, 0.0);
    for s in scores {
        n += 1;
        sum += s;
    }
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qa::scorecard::{Category, Scale, Section};

    fn card(cats: Vec<Category>) -> Scorecard {
        Scorecard {
            id: "sc".into(),
            version: 1,
            name: "t".into(),
            sections: vec![Section { name: "s".into(), categories: cats }],
            created: String::new(),
            created_by: String::new(),
        }
    }

    fn cat(id: &str, scale: Scale, weight: f64, critical: bool, na: bool) -> Category {
        Category { id: id.into(), name: id.into(), scale, weight, critical, na_allowed: na }
    }

    fn ans(id: &str, v: Option<u8>) -> Answer {
        Answer { category: id.into(), value: v, comment: None }
    }

    #[test]
    fn the_issue_s_iqs_example_gives_52_97() {
        let i = iqs([100.0, 9.91, 63.96, 90.99, 0.0]).unwrap();
        assert_eq!(format!("{i:.2}"), "52.97");
        assert_eq!(iqs(Vec::<f64>::new()), None);
    }

    #[test]
    fn category_scores_follow_their_scale_and_weights_weigh() {
        let c = card(vec![
            cat("greet", Scale::Binary, 1.0, false, false),
            cat("empathy", Scale::Five, 2.0, false, false),
            cat("accuracy", Scale::Four, 1.0, false, false),
        ]);
        // greet yes: 100; empathy 4 of 1..5: 75; accuracy 2 of 1..4: 33.33.
        let s = score(&c, &[ans("greet", Some(1)), ans("empathy", Some(4)), ans("accuracy", Some(2))]).unwrap();
        assert_eq!(s.categories[1], ("empathy".to_string(), Some(75.0)));
        assert!((s.categories[2].1.unwrap() - 100.0 / 3.0).abs() < 1e-9);
        // (100×1 + 75×2 + 33.33×1) / 4 = 70.83
        assert_eq!(format!("{:.2}", s.score.unwrap()), "70.83");
    }

    #[test]
    fn n_a_is_left_out_and_a_failed_critical_category_zeroes_the_review() {
        let c = card(vec![
            cat("greet", Scale::Binary, 1.0, false, true),
            cat("solution", Scale::Three, 1.0, false, false),
            cat("privacy", Scale::Binary, 1.0, true, false),
        ]);
        let s = score(&c, &[ans("greet", None), ans("solution", Some(2)), ans("privacy", Some(1))]).unwrap();
        assert_eq!(s.score, Some(75.0), "(50 + 100) / 2, greet N/A left out");
        let s = score(&c, &[ans("greet", Some(1)), ans("solution", Some(3)), ans("privacy", Some(0))]).unwrap();
        assert_eq!((s.score, s.critical_failed), (Some(0.0), true));
        // Errors say what is wrong.
        assert!(
            score(&c, &[ans("greet", Some(1)), ans("solution", None), ans("privacy", Some(1))])
                .unwrap_err()
                .contains("N/A")
        );
        assert!(
            score(&c, &[ans("greet", Some(1)), ans("solution", Some(4)), ans("privacy", Some(1))])
                .unwrap_err()
                .contains("outside")
        );
        assert!(score(&c, &[ans("greet", Some(1)), ans("privacy", Some(1))]).unwrap_err().contains("no answer"));
        assert!(score(&c, &[ans("nope", Some(1))]).unwrap_err().contains("not in scorecard"));
        // Every category N/A: no score at all.
        let all_na = card(vec![cat("greet", Scale::Binary, 1.0, false, true)]);
        assert_eq!(score(&all_na, &[ans("greet", None)]).unwrap().score, None);
    }
}
