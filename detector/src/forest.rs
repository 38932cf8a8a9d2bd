//! Isolation Forest with scikit-learn's semantics (Liu, Ting & Zhou 2008).
//!
//! Matches `sklearn.ensemble.IsolationForest` in everything but the random
//! stream: features are cast to `f32` as sklearn does; each tree is grown on
//! `min(sample_size, n)` rows drawn without replacement; a node splits on a
//! feature drawn uniformly among those not constant in it (range above 1e-7,
//! sklearn's `FEATURE_THRESHOLD`) at a threshold uniform in [min, max) (a draw
//! equal to max becomes min), rows `<=` threshold going left; growth stops at
//! depth `ceil(log2(sample_size))` or a single row. A row's path length in a
//! tree is its depth plus c(leaf size), and
//! `score = 2^(−mean path / c(sample_size))`, i.e. −`score_samples`.
//!
//! Randomness is ChaCha20 seeded from the config; arithmetic uses `libm`, so
//! native and wasm builds give the same bits.
//!
//! [`IsolationForest::attribution`] explains one row's score with exact
//! TreeSHAP values of its path length (submodule `shap`).

mod shap;

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use rustc_hash::FxHashMap;

use crate::config::ForestConfig;

/// Euler–Mascheroni constant (numpy's `euler_gamma`).
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Feature ranges at or below this are constant (sklearn `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

pub const DIMS: usize = 5;
pub type Row = [f32; DIMS];

/// A row's bits, to memoize per-row results: rows with the same bits score
/// and attribute alike (bit for bit), so equal rows are computed once.
pub(crate) type RowKey = [u32; DIMS];

/// The [`RowKey`] of `row`.
pub(crate) fn row_key(row: &Row) -> RowKey {
    row.map(f32::to_bits)
}

/// Average path length of an unsuccessful BST search among `n` points:
/// c(1) = 0, c(2) = 1, c(n) = 2(ln(n−1) + γ) − 2(n−1)/n.
pub fn average_path_length(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * (libm::log(n - 1.0) + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}

#[derive(Debug, Clone)]
enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
        /// Sample rows that reached this node (TreeSHAP's node cover).
        cover: usize,
    },
    Leaf {
        size: usize,
    },
}

impl Node {
    /// Sample rows that reached this node.
    fn cover(&self) -> usize {
        match *self {
            Node::Split { cover, .. } => cover,
            Node::Leaf { size } => size,
        }
    }
}

/// Path length credited at a leaf of `size` rows at `depth`, in the
/// arithmetic order of [`IsolationForest::score`]: depth + c(size).
fn leaf_path_length(depth: usize, size: usize) -> f64 {
    (depth + 1) as f64 + average_path_length(size) - 1.0
}

#[derive(Debug, Clone)]
struct Tree {
    nodes: Vec<Node>,
}

/// A fitted forest.
#[derive(Debug, Clone)]
pub struct IsolationForest {
    trees: Vec<Tree>,
    sample_size: usize,
}

/// Uniform integer in [0, n) without modulo bias.
fn below(rng: &mut ChaCha20Rng, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - (u64::MAX - n + 1) % n;
    loop {
        let v = rng.next_u64();
        if v <= zone {
            return (v % n) as usize;
        }
    }
}

/// Uniform double in [0, 1) from the top 53 bits.
fn unit(rng: &mut ChaCha20Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// ceil(log2(max(n, 2))), exactly.
fn depth_limit(n: usize) -> usize {
    let n = n.max(2);
    (usize::BITS - (n - 1).leading_zeros()) as usize
}

impl IsolationForest {
    /// Grows `trees` trees on `rows` (at least one row).
    pub fn fit(rows: &[Row], trees: usize, sample_size: usize, seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let psi = sample_size.min(rows.len()).max(1);
        let max_depth = depth_limit(psi);
        let mut pool: Vec<usize> = (0..rows.len()).collect();
        let trees = (0..trees)
            .map(|_| {
                // Partial Fisher–Yates: the first psi entries are the sample.
                for i in 0..psi {
                    let j = i + below(&mut rng, rows.len() - i);
                    pool.swap(i, j);
                }
                let mut sample = pool[..psi].to_vec();
                let mut tree = Tree { nodes: Vec::new() };
                grow(&mut tree, rows, &mut sample, 0, max_depth, &mut rng);
                tree
            })
            .collect();
        IsolationForest {
            trees,
            sample_size: psi,
        }
    }

    /// The sample size actually used (capped at the population).
    pub fn sample_size(&self) -> usize {
        self.sample_size
    }

    /// Sum over the trees of `row`'s path length.
    fn path_length_sum(&self, row: &Row) -> f64 {
        let mut depths = 0.0f64;
        for tree in &self.trees {
            let mut at = 0usize;
            let mut depth = 0usize;
            loop {
                match tree.nodes[at] {
                    Node::Split {
                        feature,
                        threshold,
                        left,
                        right,
                        ..
                    } => {
                        at = if f64::from(row[feature]) <= threshold {
                            left
                        } else {
                            right
                        };
                        depth += 1;
                    }
                    Node::Leaf { size } => {
                        depths += leaf_path_length(depth, size);
                        break;
                    }
                }
            }
        }
        depths
    }

    /// Isolation score of `row` in (0, 1], sklearn's arithmetic order.
    pub fn score(&self, row: &Row) -> f64 {
        self.score_of_path_sum(self.path_length_sum(row))
    }

    /// 2^(−(sum / trees) / c(sample size)), computed as sklearn does.
    fn score_of_path_sum(&self, depths: f64) -> f64 {
        let denominator = self.trees.len() as f64 * average_path_length(self.sample_size);
        if denominator != 0.0 {
            libm::pow(2.0, -(depths / denominator))
        } else {
            libm::pow(2.0, -1.0)
        }
    }
}

/// Grows the subtree over `idx` (depth-first, left before right) and
/// returns its node index.
fn grow(
    tree: &mut Tree,
    rows: &[Row],
    idx: &mut [usize],
    depth: usize,
    max_depth: usize,
    rng: &mut ChaCha20Rng,
) -> usize {
    let me = tree.nodes.len();
    tree.nodes.push(Node::Leaf { size: idx.len() });
    if depth >= max_depth || idx.len() < 2 {
        return me;
    }
    let mut ranges = [(0.0f64, 0.0f64); DIMS];
    let mut candidates = [0usize; DIMS];
    let mut k = 0;
    for (f, range) in ranges.iter_mut().enumerate() {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for &i in idx.iter() {
            let v = f64::from(rows[i][f]);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        *range = (lo, hi);
        if hi > lo + FEATURE_THRESHOLD {
            candidates[k] = f;
            k += 1;
        }
    }
    if k == 0 {
        return me;
    }
    let feature = candidates[below(rng, k)];
    let (lo, hi) = ranges[feature];
    let mut threshold = (hi - lo) * unit(rng) + lo;
    if threshold == hi {
        threshold = lo;
    }
    // Partition: rows <= threshold first.
    let mut split = 0;
    for j in 0..idx.len() {
        if f64::from(rows[idx[j]][feature]) <= threshold {
            idx.swap(split, j);
            split += 1;
        }
    }
    let (l, r) = idx.split_at_mut(split);
    let left = grow(tree, rows, l, depth + 1, max_depth, rng);
    let right = grow(tree, rows, r, depth + 1, max_depth, rng);
    tree.nodes[me] = Node::Split {
        feature,
        threshold,
        left,
        right,
        cover: idx.len(),
    };
    me
}

/// numpy's `percentile(values, q)` with the default linear method,
/// including its `_lerp` rounding.
pub fn percentile_linear(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let virtual_index = (n - 1) as f64 * (q / 100.0);
    let prev = libm::floor(virtual_index);
    let gamma = virtual_index - prev;
    let lo = (prev as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (v[lo], v[hi]);
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// Which rows sklearn's `predict` marks −1 for this contamination: score
/// samples (−score) strictly below their `100·contamination` percentile.
/// Returns the flags and the equivalent isolation-score cut-off.
pub fn contamination_outliers(scores: &[f64], contamination: f64) -> (Vec<bool>, f64) {
    let samples: Vec<f64> = scores.iter().map(|s| -s).collect();
    let offset = percentile_linear(&samples, 100.0 * contamination);
    (samples.iter().map(|s| *s < offset).collect(), -offset)
}

/// What the forest made of a population.
#[derive(Debug, Clone)]
pub(crate) enum PopulationScores {
    /// Fewer rows than `forest.min_entities`: not run.
    TooFew,
    /// Every row has the same features: nothing to isolate, not run.
    Identical,
    /// Scored every row.
    Ran {
        /// Per row, in the rows' order.
        scores: Vec<f64>,
        /// Per row: within the contamination share *and* at or above
        /// `forest.score_threshold`.
        outliers: Vec<bool>,
        /// The isolation score the contamination share starts above.
        contamination_threshold: f64,
        /// The fitted forest, to explain rows with
        /// [`IsolationForest::attribution`].
        forest: IsolationForest,
    },
}

/// Fits a forest on `rows` (one per entity, in a fixed order) and scores
/// every row against it, or says why it did not run.
pub(crate) fn score_population(rows: &[Row], fc: &ForestConfig) -> PopulationScores {
    if rows.len() < fc.min_entities {
        return PopulationScores::TooFew;
    }
    if rows.iter().all(|r| r == &rows[0]) {
        return PopulationScores::Identical;
    }
    let forest = IsolationForest::fit(rows, fc.trees, fc.sample_size, fc.seed);
    // A row's score depends on its bits alone: rows repeated across entities
    // (a million one-event IPs have a few thousand distinct rows) are
    // walked through the trees once.
    let mut memo: FxHashMap<RowKey, f64> = FxHashMap::default();
    let scores: Vec<f64> = rows
        .iter()
        .map(|r| *memo.entry(row_key(r)).or_insert_with(|| forest.score(r)))
        .collect();
    let (within, contamination_threshold) = contamination_outliers(&scores, fc.contamination);
    let outliers = scores
        .iter()
        .zip(within)
        .map(|(s, w)| w && *s >= fc.score_threshold)
        .collect();
    PopulationScores::Ran {
        scores,
        outliers,
        contamination_threshold,
        forest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_path_length_known_values() {
        assert_eq!(average_path_length(1), 0.0);
        assert_eq!(average_path_length(2), 1.0);
        let c256 = average_path_length(256);
        assert!((c256 - 10.244_770_920_119_917).abs() < 1e-12, "{c256}");
    }

    #[test]
    fn depth_limit_is_ceil_log2() {
        assert_eq!(depth_limit(1), 1);
        assert_eq!(depth_limit(2), 1);
        assert_eq!(depth_limit(3), 2);
        assert_eq!(depth_limit(256), 8);
        assert_eq!(depth_limit(257), 9);
    }

    fn population() -> Vec<Row> {
        let mut rows: Vec<Row> = (0..60)
            .map(|i| {
                let j = i as f32;
                [
                    10.0 + (i % 7) as f32,
                    0.02 * (i % 3) as f32,
                    1e6 + 1e4 * j,
                    5.0 + (i % 4) as f32,
                    0.0,
                ]
            })
            .collect();
        rows.push([150.0, 0.9, 3e5, 2.0, 0.0]);
        rows
    }

    #[test]
    fn obvious_outlier_scores_highest_and_above_0_6() {
        let rows = population();
        let forest = IsolationForest::fit(&rows, 100, 256, 42);
        let scores: Vec<f64> = rows.iter().map(|r| forest.score(r)).collect();
        let outlier = *scores.last().unwrap();
        assert!(outlier > 0.6, "{outlier}");
        assert!(scores[..60].iter().all(|s| *s < outlier));
        let (flags, cut) = contamination_outliers(&scores, 0.1);
        assert!(flags[60]);
        assert!(cut < outlier);
        // P90 of 61 scores is the 55th smallest; strictly above it: 6.
        assert_eq!(flags.iter().filter(|f| **f).count(), 6);
    }

    #[test]
    fn same_seed_same_scores_other_seed_differs() {
        let rows = population();
        let a = IsolationForest::fit(&rows, 100, 256, 42);
        let b = IsolationForest::fit(&rows, 100, 256, 42);
        let c = IsolationForest::fit(&rows, 100, 256, 7);
        let sa: Vec<f64> = rows.iter().map(|r| a.score(r)).collect();
        let sb: Vec<f64> = rows.iter().map(|r| b.score(r)).collect();
        let sc: Vec<f64> = rows.iter().map(|r| c.score(r)).collect();
        assert_eq!(sa, sb);
        assert_ne!(sa, sc);
    }

    #[test]
    fn identical_rows_score_one_half() {
        // Every node is a leaf of size n: path = c(n) exactly, score = 2^-1.
        let rows = vec![[1.0f32; DIMS]; 30];
        let f = IsolationForest::fit(&rows, 10, 256, 1);
        assert_eq!(f.score(&rows[0]), 0.5);
    }

    #[test]
    fn percentile_matches_numpy() {
        // numpy.percentile([1, 2, 3, 4], 10) == 1.3; [..., 90] == 3.7
        assert!((percentile_linear(&[4.0, 1.0, 3.0, 2.0], 10.0) - 1.3).abs() < 1e-15);
        assert!((percentile_linear(&[1.0, 2.0, 3.0, 4.0], 90.0) - 3.7).abs() < 1e-15);
        assert_eq!(percentile_linear(&[5.0], 10.0), 5.0);
    }
}
