#!/usr/bin/env python3
"""Writes detector/src/forest/testdata/sklearn_shap.json: a small scikit-learn
IsolationForest (its trees: children, features mapped through
estimators_features_, thresholds, n_node_samples), rows, and
shap.TreeExplainer's values and expected_value for them. The unit test
`tree_shap_matches_shap_tree_explainer_on_sklearn_trees` (forest/shap.rs)
loads those trees into the detector's own tree type and checks that its
TreeSHAP gives shap's numbers.

Usage: target/shap-venv/bin/python scripts/shap-fixture.py   (scripts/check-shap.sh
installs the venv)
"""
import json
import numpy as np
from sklearn.ensemble import IsolationForest
import shap, sklearn

rng = np.random.default_rng(2026)
X = np.column_stack([
    rng.integers(1, 12, 60), rng.integers(0, 4, 60) / 10, rng.lognormal(10, 1, 60),
    rng.integers(2, 9, 60), rng.choice([0, 0, 0, 0.2, 0.5], 60),
]).astype(np.float32)
X[-1] = [150, 0.9, 3e5, 30, 1.0]
forest = IsolationForest(n_estimators=8, max_samples=48, random_state=3).fit(X)
rows = X[np.r_[0:10, 55:60]]
explainer = shap.TreeExplainer(forest)
values = explainer.shap_values(rows)
trees = []
for est, feats in zip(forest.estimators_, forest.estimators_features_):
    t = est.tree_
    trees.append({
        "left": t.children_left.tolist(), "right": t.children_right.tolist(),
        "feature": [int(feats[f]) if f >= 0 else -1 for f in t.feature],
        "threshold": t.threshold.tolist(), "samples": t.n_node_samples.tolist(),
    })
json.dump({
    "source": f"scikit-learn {sklearn.__version__}, shap {shap.__version__}; scripts/shap-fixture.py",
    "sample_size": 48,
    "trees": trees,
    "rows": rows.astype(float).tolist(),
    "shap_values": np.asarray(values).tolist(),
    "expected_value": float(np.ravel(explainer.expected_value)[0]),
}, open("detector/src/forest/testdata/sklearn_shap.json", "w"))
print("wrote detector/src/forest/testdata/sklearn_shap.json")
