//! Exact TreeSHAP of the Isolation Forest's path length, mapped to the
//! isolation score.
//!
//! Lundberg et al. (2020), "From local explanations to global understanding
//! with explainable AI for trees", Algorithm 2, with the *path-dependent*
//! conditional expectation (`feature_perturbation="tree_path_dependent"` in
//! `shap.TreeExplainer`). A tree's output for a row is its path length
//! h(x) = depth + c(leaf size). Given a set S of known features, E[h | x_S]
//! follows x at splits on a feature in S and otherwise averages both
//! children, weighted by the sample rows that reached them when the tree was
//! grown (the node cover). The SHAP value φᵢ is feature i's Shapley value of
//! that set function; they sum to h(x) − E[h] (local accuracy), E[h] being
//! the cover-weighted mean of the leaves. This is what `shap.TreeExplainer`
//! computes for scikit-learn's `IsolationForest` (its `IsoTree`: node values
//! depth + c(n_node_samples), cover `n_node_samples`).
//!
//! The forest's values are the mean over its trees (the score uses the mean
//! path length h̄). [`Attribution::score`] maps them to score units by
//! sharing s(x) − s₀ in proportion to them, s₀ = 2^(−h̄₀ / c(ψ)) the score of
//! the expected path length h̄₀ (see [`IsolationForest::attribution`]).

use super::{average_path_length, leaf_path_length, IsolationForest, Node, Row, Tree, DIMS};

/// One row's explanation.
#[derive(Clone, PartialEq)]
pub struct Attribution {
    /// Per feature, the TreeSHAP value of the mean path length h̄(x), in
    /// path-length units: negative values shorten the path, i.e. make the
    /// row more anomalous. They sum to h̄(x) − `expected_path`.
    pub path: [f64; DIMS],
    /// Per feature, in isolation-score units: positive values raise the
    /// score. They sum to s(x) − `expected_score`.
    pub score: [f64; DIMS],
    /// h̄₀: the mean over the trees of each tree's cover-weighted mean leaf
    /// path length (shap's `expected_value`).
    pub expected_path: f64,
    /// s₀ = 2^(−h̄₀ / c(ψ)).
    pub expected_score: f64,
}

/// One feature on the path from the root, with the fractions of the
/// "feature unknown" (zero) and "feature known" (one) extensions and the
/// permutation weight (Algorithm 2's m).
#[derive(Clone, Copy)]
struct PathElement {
    feature: usize,
    zero: f64,
    one: f64,
    weight: f64,
}

/// The root's placeholder element names no feature.
const NO_FEATURE: usize = usize::MAX;

/// The placeholder plus at most one element per feature (a repeated
/// feature is unwound before it is extended again).
type Path = [PathElement; DIMS + 1];

const EMPTY: PathElement = PathElement {
    feature: NO_FEATURE,
    zero: 0.0,
    one: 0.0,
    weight: 0.0,
};

/// EXTEND: adds an element at index `unique` (the path holds `unique`
/// elements before) and updates the permutation weights.
fn extend(path: &mut Path, unique: usize, zero: f64, one: f64, feature: usize) {
    path[unique] = PathElement {
        feature,
        zero,
        one,
        weight: if unique == 0 { 1.0 } else { 0.0 },
    };
    let n = (unique + 1) as f64;
    for i in (0..unique).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / n;
        path[i].weight = zero * path[i].weight * (unique - i) as f64 / n;
    }
}

/// UNWIND: removes element `index` from a path of `unique + 1` elements,
/// undoing its extension.
fn unwind(path: &mut Path, unique: usize, index: usize) {
    let (zero, one) = (path[index].zero, path[index].one);
    let n = (unique + 1) as f64;
    let mut next = path[unique].weight;
    for i in (0..unique).rev() {
        if one != 0.0 {
            let kept = path[i].weight;
            path[i].weight = next * n / ((i + 1) as f64 * one);
            next = kept - path[i].weight * zero * (unique - i) as f64 / n;
        } else {
            path[i].weight = path[i].weight * n / (zero * (unique - i) as f64);
        }
    }
    for i in index..unique {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

/// The total permutation weight the path would have with element `index`
/// unwound (without unwinding it).
fn unwound_sum(path: &Path, unique: usize, index: usize) -> f64 {
    let (zero, one) = (path[index].zero, path[index].one);
    let mut total = 0.0;
    if one != 0.0 {
        let mut next = path[unique].weight;
        for i in (0..unique).rev() {
            let part = next / ((i + 1) as f64 * one);
            total += part;
            next = path[i].weight - part * zero * (unique - i) as f64;
        }
    } else {
        for i in (0..unique).rev() {
            total += path[i].weight / (zero * (unique - i) as f64);
        }
    }
    total * (unique + 1) as f64
}

/// One tree's walk: every node is visited once.
struct Walk<'a> {
    nodes: &'a [Node],
    row: &'a Row,
    root_cover: f64,
    phi: [f64; DIMS],
    expected: f64,
}

impl Walk<'_> {
    /// RECURSE of Algorithm 2 at `node` (at `depth`), entered through a split
    /// on `feature` with the given zero and one fractions; `parent` holds
    /// `unique` elements.
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        node: usize,
        depth: usize,
        parent: &Path,
        unique: usize,
        zero: f64,
        one: f64,
        feature: usize,
    ) {
        let mut path = *parent;
        let mut unique = unique;
        extend(&mut path, unique, zero, one, feature);
        match self.nodes[node] {
            Node::Leaf { size } => {
                let value = leaf_path_length(depth, size);
                self.expected += value * size as f64 / self.root_cover;
                for i in 1..=unique {
                    let w = unwound_sum(&path, unique, i);
                    let el = path[i];
                    self.phi[el.feature] += w * (el.one - el.zero) * value;
                }
            }
            Node::Split {
                feature: split,
                threshold,
                left,
                right,
                cover,
            } => {
                let (hot, cold) = if f64::from(self.row[split]) <= threshold {
                    (left, right)
                } else {
                    (right, left)
                };
                let cover = cover as f64;
                let hot_zero = self.nodes[hot].cover() as f64 / cover;
                let cold_zero = self.nodes[cold].cover() as f64 / cover;
                let (mut in_zero, mut in_one) = (1.0, 1.0);
                if let Some(k) = (1..=unique).find(|&k| path[k].feature == split) {
                    in_zero = path[k].zero;
                    in_one = path[k].one;
                    unwind(&mut path, unique, k);
                    unique -= 1;
                }
                let next = depth + 1;
                self.visit(
                    hot,
                    next,
                    &path,
                    unique + 1,
                    hot_zero * in_zero,
                    in_one,
                    split,
                );
                self.visit(
                    cold,
                    next,
                    &path,
                    unique + 1,
                    cold_zero * in_zero,
                    0.0,
                    split,
                );
            }
        }
    }
}

/// φ of `row` in `tree` and the tree's expected path length E[h].
fn tree_shap(tree: &Tree, row: &Row) -> ([f64; DIMS], f64) {
    let mut walk = Walk {
        nodes: &tree.nodes,
        row,
        root_cover: tree.nodes[0].cover() as f64,
        phi: [0.0; DIMS],
        expected: 0.0,
    };
    walk.visit(0, 0, &[EMPTY; DIMS + 1], 0, 1.0, 1.0, NO_FEATURE);
    (walk.phi, walk.expected)
}

impl IsolationForest {
    /// Exact TreeSHAP of `row`'s mean path length h̄(x) (the mean of the
    /// trees' values) and the same values in score units:
    /// scoreᵢ = φᵢ · (s(x) − s₀) / (h̄(x) − h̄₀), with s(x) = [`Self::score`],
    /// so that Σ scoreᵢ = s(x) − s₀: the score difference shared in
    /// proportion to the SHAP values. When |h̄(x) − h̄₀| < 10⁻⁶ · c(ψ) the
    /// factor is the derivative −ln 2 · s₀ / c(ψ) (the secant would cancel).
    pub fn attribution(&self, row: &Row) -> Attribution {
        let mut path = [0.0; DIMS];
        let mut expected_sum = 0.0;
        for tree in &self.trees {
            let (phi, expected) = tree_shap(tree, row);
            for (p, v) in path.iter_mut().zip(phi) {
                *p += v;
            }
            expected_sum += expected;
        }
        let trees = self.trees.len() as f64;
        for p in &mut path {
            *p /= trees;
        }
        let expected_path = expected_sum / trees;
        let expected_score = self.score_of_path_sum(expected_sum);
        let depths = self.path_length_sum(row);
        let delta = depths / trees - expected_path;
        let c = average_path_length(self.sample_size);
        let slope = if c == 0.0 {
            0.0
        } else if delta.abs() < 1e-6 * c {
            // s(x) − s₀ would cancel: the derivative at h̄₀ instead, within
            // 1e-6 relative of the secant here.
            -core::f64::consts::LN_2 / c * expected_score
        } else {
            (self.score_of_path_sum(depths) - expected_score) / delta
        };
        Attribution {
            path,
            score: path.map(|p| p * slope),
            expected_path,
            expected_score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    /// E[h | x_S] with the path-dependent expectation: follow `row` at
    /// splits on a feature in `known`, else average the children by cover.
    fn conditional(nodes: &[Node], at: usize, depth: usize, row: &Row, known: u32) -> f64 {
        match nodes[at] {
            Node::Leaf { size } => leaf_path_length(depth, size),
            Node::Split {
                feature,
                threshold,
                left,
                right,
                cover,
            } => {
                if known & (1 << feature) != 0 {
                    let next = if f64::from(row[feature]) <= threshold {
                        left
                    } else {
                        right
                    };
                    conditional(nodes, next, depth + 1, row, known)
                } else {
                    let l = conditional(nodes, left, depth + 1, row, known);
                    let r = conditional(nodes, right, depth + 1, row, known);
                    (l * nodes[left].cover() as f64 + r * nodes[right].cover() as f64)
                        / cover as f64
                }
            }
        }
    }

    fn factorial(n: u32) -> f64 {
        (1..=n).map(f64::from).product()
    }

    /// Shapley values by enumerating every subset of the DIMS features.
    fn brute_force(tree: &Tree, row: &Row) -> [f64; DIMS] {
        let m = DIMS as u32;
        let v: Vec<f64> = (0..1u32 << m)
            .map(|s| conditional(&tree.nodes, 0, 0, row, s))
            .collect();
        let mut phi = [0.0; DIMS];
        for (i, p) in phi.iter_mut().enumerate() {
            for s in 0..1u32 << m {
                if s & (1 << i) != 0 {
                    continue;
                }
                let k = s.count_ones();
                let weight = factorial(k) * factorial(m - k - 1) / factorial(m);
                *p += weight * (v[(s | 1 << i) as usize] - v[s as usize]);
            }
        }
        phi
    }

    /// Rows with few distinct values per feature (ties, constant features
    /// in small nodes) and some wide ranges.
    fn random_rows(rng: &mut ChaCha20Rng, n: usize) -> Vec<Row> {
        (0..n)
            .map(|_| {
                let mut r = [0.0f32; DIMS];
                for (f, v) in r.iter_mut().enumerate() {
                    let levels = 2 + (f as u64) * 3;
                    *v = (rng.next_u64() % levels) as f32 * (1.0 + f as f32 * 10.0);
                }
                r
            })
            .collect()
    }

    #[test]
    fn tree_shap_equals_brute_force_shapley_values_and_is_locally_accurate() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let mut checked = 0;
        for case in 0..40u64 {
            let n = 3 + (rng.next_u64() % 60) as usize;
            let rows = random_rows(&mut rng, n);
            let sample = 2 + (rng.next_u64() % 64) as usize;
            let forest = IsolationForest::fit(&rows, 3, sample, case);
            let probes = random_rows(&mut rng, 4);
            for tree in &forest.trees {
                for row in rows.iter().take(6).chain(&probes) {
                    let (phi, expected) = tree_shap(tree, row);
                    let exact = brute_force(tree, row);
                    for f in 0..DIMS {
                        assert!(
                            (phi[f] - exact[f]).abs() < 1e-9,
                            "case {case} feature {f}: {} vs {}",
                            phi[f],
                            exact[f]
                        );
                    }
                    // E[h] is the value with no feature known.
                    let none = conditional(&tree.nodes, 0, 0, row, 0);
                    assert!((expected - none).abs() < 1e-9);
                    let all = conditional(&tree.nodes, 0, 0, row, (1 << DIMS) - 1);
                    let single = IsolationForest {
                        trees: vec![tree.clone()],
                        sample_size: forest.sample_size,
                    };
                    let h = single.path_length_sum(row);
                    assert_eq!(all, h);
                    let sum: f64 = phi.iter().sum();
                    assert!(
                        (sum - (h - expected)).abs() < 1e-9,
                        "{sum} vs {}",
                        h - expected
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 800, "{checked}");
    }

    /// scikit-learn's trees and shap.TreeExplainer's values for them
    /// (`scripts/shap-fixture.py`): the same numbers from this TreeSHAP.
    #[test]
    fn tree_shap_matches_shap_tree_explainer_on_sklearn_trees() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("testdata/sklearn_shap.json")).unwrap();
        let ints = |v: &serde_json::Value| -> Vec<i64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect()
        };
        let floats = |v: &serde_json::Value| -> Vec<f64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        let trees: Vec<Tree> = fixture["trees"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let (left, right) = (ints(&t["left"]), ints(&t["right"]));
                let (feature, samples) = (ints(&t["feature"]), ints(&t["samples"]));
                let threshold = floats(&t["threshold"]);
                let nodes = (0..left.len())
                    .map(|i| match left[i] {
                        -1 => Node::Leaf {
                            size: samples[i] as usize,
                        },
                        l => Node::Split {
                            feature: feature[i] as usize,
                            threshold: threshold[i],
                            left: l as usize,
                            right: right[i] as usize,
                            cover: samples[i] as usize,
                        },
                    })
                    .collect();
                Tree { nodes }
            })
            .collect();
        let n = trees.len() as f64;
        let forest = IsolationForest {
            trees,
            sample_size: fixture["sample_size"].as_u64().unwrap() as usize,
        };
        let rows = fixture["rows"].as_array().unwrap();
        let expected = fixture["shap_values"].as_array().unwrap();
        for (row, theirs) in rows.iter().zip(expected) {
            let values = floats(row);
            let row: Row = core::array::from_fn(|f| values[f] as f32);
            let a = forest.attribution(&row);
            assert!((a.expected_path - fixture["expected_value"].as_f64().unwrap()).abs() < 1e-9);
            for (ours, theirs) in a.path.iter().zip(floats(theirs)) {
                assert!((ours - theirs).abs() < 1e-9, "{ours} vs {theirs}");
            }
            let sum: f64 = a.path.iter().sum();
            let h = forest.path_length_sum(&row) / n;
            assert!((sum - (h - a.expected_path)).abs() < 1e-9);
        }
    }

    #[test]
    fn forest_values_sum_to_score_minus_expected_score() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let mut rows = random_rows(&mut rng, 200);
        rows.push([500.0, 0.0, 0.0, 0.0, 0.0]);
        let forest = IsolationForest::fit(&rows, 50, 128, 3);
        for row in rows.iter().rev().take(20) {
            let a = forest.attribution(row);
            let s = forest.score(row);
            let sum: f64 = a.score.iter().sum();
            assert!((sum - (s - a.expected_score)).abs() < 1e-12, "{sum}");
            let path_sum: f64 = a.path.iter().sum();
            let h = forest.path_length_sum(row) / 50.0;
            assert!((path_sum - (h - a.expected_path)).abs() < 1e-9);
            // Shorter paths, higher scores: the signs are opposite.
            for (p, v) in a.path.iter().zip(a.score) {
                assert!(p * v <= 0.0);
            }
        }
        // The planted row is isolated by feature 0, and that raises its score.
        let a = forest.attribution(rows.last().unwrap());
        let top = (0..DIMS)
            .max_by(|&x, &y| a.score[x].abs().total_cmp(&a.score[y].abs()))
            .unwrap();
        assert_eq!(top, 0);
        assert!(a.score[0] > 0.0);
    }

    #[test]
    fn single_node_tree_attributes_nothing() {
        let rows = vec![[1.0f32; DIMS]; 30];
        let forest = IsolationForest::fit(&rows, 4, 256, 1);
        let a = forest.attribution(&rows[0]);
        assert_eq!(a.path, [0.0; DIMS]);
        assert_eq!(a.score, [0.0; DIMS]);
        assert_eq!(a.expected_score, 0.5);
    }
}
