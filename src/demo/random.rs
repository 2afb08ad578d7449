//! Small sampling helpers on top of `rand`.
//!
//! Only uniform draws from the generator are used (no `rand_distr`), so the output depends
//! on ChaCha8's documented, stable stream and `f64` arithmetic. (`ln`, `cos` and `exp` come
//! from the platform's libm: a different libm could in theory round a last bit differently;
//! on one platform the output is always byte-identical.)

use rand::Rng;

/// One element of a non-empty slice, uniformly.
pub fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One element of a non-empty `(item, weight)` table, proportionally to the weights.
pub fn weighted<T: Copy>(rng: &mut impl Rng, table: &[(T, f64)]) -> T {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for &(item, w) in table {
        if x < w {
            return item;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// A standard normal variate (Box-Muller; one of the pair is thrown away for simplicity).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1]: ln never sees 0
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal duration in milliseconds with the given median (ms) and shape.
///
/// Human response and reply times are well described by a log-normal: most are quick,
/// a few take ages. `sigma` ~1 gives p90 ≈ 3.6 × median.
pub fn lognormal_ms(rng: &mut impl Rng, median_ms: f64, sigma: f64) -> i64 {
    let v = median_ms * (sigma * normal(rng)).exp();
    v.clamp(1.0, 30.0 * 86_400_000.0) as i64
}

/// A uniform duration in `[lo_s, hi_s)` seconds, returned in milliseconds with ms jitter.
pub fn secs(rng: &mut impl Rng, lo_s: i64, hi_s: i64) -> i64 {
    rng.random_range(lo_s * 1000..hi_s * 1000)
}
