#!/usr/bin/env python3
"""Cross-checks signaltrace's Isolation Forest against scikit-learn.

The two use different random streams, so single scores differ; but with many
trees the mean path length converges, so scores must agree closely. Runs
`signaltrace analyze` with --trees N on each file, fits sklearn's
IsolationForest(n_estimators=N, contamination=0.1) on the same feature
vectors (the report's `entities`), and prints the largest score difference
and whether the outlier sets (predict == -1 and score >= 0.6) agree.

Usage: scripts/check-sklearn.py [TREES] FILE...   (needs scikit-learn)
"""
import json, subprocess, sys
import numpy as np
from sklearn.ensemble import IsolationForest

FEATURES = ["requests_per_minute_peak", "deny_rate", "total_bytes_transferred",
            "unique_hosts_count", "off_hours_request_ratio"]

def main():
    args = sys.argv[1:]
    trees = int(args.pop(0)) if args and args[0].isdigit() else 5000
    worst = 0.0
    for path in args:
        out = subprocess.run(["target/release/signaltrace", "analyze", path, "--no-logs",
                              "--trees", str(trees)], check=True, capture_output=True).stdout
        r = json.loads(out)
        if r["statistics"]["status"] != "ran":
            print(f"{path}: statistics skipped ({r['statistics']['reason']})")
            continue
        X = np.array([[e["features"][f] for f in FEATURES] for e in r["entities"]], dtype=float)
        ours = np.array([e["isolation_score"] for e in r["entities"]])
        forest = IsolationForest(n_estimators=trees, contamination=0.1, random_state=0).fit(X)
        theirs = -forest.score_samples(X)
        sk_out = (forest.predict(X) == -1) & (theirs >= 0.6)
        our_out = np.array([e["is_outlier"] for e in r["entities"]])
        diff = float(np.max(np.abs(ours - theirs)))
        worst = max(worst, diff)
        agree = "agree" if (sk_out == our_out).all() else f"DIFFER ({int((sk_out != our_out).sum())})"
        print(f"{path}: {len(X)} entities, max |score - sklearn| = {diff:.4f}, "
              f"outliers: ours {int(our_out.sum())}, sklearn {int(sk_out.sum())} -> {agree}")
    print(f"worst difference {worst:.4f} with {trees} trees")

if __name__ == "__main__":
    main()
