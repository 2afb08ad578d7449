//! Aggregates of whole-second samples (metrics.md section 3).

use serde::Serialize;

/// Whole seconds of a duration: floor((end_ms - start_ms) / 1000).
pub fn whole_seconds(start_ms: i64, end_ms: i64) -> i64 {
    (end_ms - start_ms).div_euclid(1000)
}

/// The p-th percentile by nearest rank: the sample at 1-based rank ceil(p·n/100),
/// computed in integers. `sorted` must be ascending. None for no samples.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    let n = sorted.len() as u64;
    if n == 0 {
        return None;
    }
    let rank = (p as u64 * n).div_ceil(100).max(1);
    Some(sorted[(rank - 1) as usize])
}

/// Mean, median (p50), p90 and count of a set of samples.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub mean: Option<f64>,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub count: u64,
}

impl Summary {
    pub fn of(samples: &[i64]) -> Summary {
        let mut s = samples.to_vec();
        s.sort_unstable();
        let count = s.len() as u64;
        let mean = (count > 0).then(|| s.iter().map(|&x| x as f64).sum::<f64>() / count as f64);
        Summary { mean, median: nearest_rank(&s, 50), p90: nearest_rank(&s, 90), count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_floor_and_do_not_round() {
        assert_eq!(whole_seconds(0, 1999), 1);
        assert_eq!(whole_seconds(500, 1499), 0);
        assert_eq!(whole_seconds(0, 120_000), 120);
    }

    #[test]
    fn nearest_rank_for_even_and_odd_n() {
        // n = 4: median rank ceil(2) = 2 (the lower middle), p90 rank ceil(3.6) = 4.
        assert_eq!(nearest_rank(&[10, 20, 30, 40], 50), Some(20));
        assert_eq!(nearest_rank(&[10, 20, 30, 40], 90), Some(40));
        // n = 5: median rank ceil(2.5) = 3, p90 rank ceil(4.5) = 5.
        assert_eq!(nearest_rank(&[1, 2, 3, 4, 5], 50), Some(3));
        assert_eq!(nearest_rank(&[1, 2, 3, 4, 5], 90), Some(5));
        // n = 10: p90 rank 9 exactly; n = 1: every percentile is the sample.
        assert_eq!(nearest_rank(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn statistics_of_nothing_are_null_and_counts_zero() {
        let s = Summary::of(&[]);
        assert_eq!((s.mean, s.median, s.p90, s.count), (None, None, None, 0));
        let s = Summary::of(&[30, 10, 20]);
        assert_eq!((s.mean, s.median, s.p90, s.count), (Some(20.0), Some(20), Some(30), 3));
    }
}
