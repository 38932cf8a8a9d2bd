#!/usr/bin/env python3
"""Compares signaltrace's feature attributions with shap.TreeExplainer.

signaltrace attributes each anomaly's isolation score with exact TreeSHAP
(path-dependent) of its own Isolation Forest. This fits scikit-learn's
IsolationForest (same number of trees, max_samples=min(256, n)) on the same
feature matrix -- the report's `entities`, cast to float32 as both do --
computes shap.TreeExplainer values for every anomaly that has
`feature_contributions`, and measures how the rankings agree:

  top-1     our top feature (largest share) is shap's largest |value|
  spearman  Spearman correlation of our |score_contribution| and shap's |value|
            over the five features, averaged over the anomalies (anomalies
            where either side is constant are left out of the mean)
  top-2     shap's top feature is among our two largest shares
  clear     top-1 agreement over the anomalies whose shap top share leads
            the second by at least 0.05 (elsewhere the top is a near tie)
  share     mean absolute difference of the shares (|value| / sum |value|)

The two forests use different random streams, so single attributions differ
at 100 trees; with many trees both converge to the same expectation. As a
noise floor it also compares our attributions under two forest seeds (42,
the default, and 7): two equally valid forests of ours disagree that much.

Populations: the data/ files, benchmark files from `signaltrace generate
--events N --seed S`, and planted populations (ordinary entities whose five
features all vary, with entities that one attack -- or several -- moved; the
recipe of detector/tests/attribution.rs, in Python). For planted ones it
also prints how often the top feature (ours, and shap's on sklearn's forest)
is one the attack moved.

Usage: scripts/check-shap.py [--trees N,...] [--quick]
Needs target/release/signaltrace (cargo build --release -p signaltrace) and
scikit-learn + shap (scripts/check-shap.sh installs them into a venv).
"""
import argparse, json, os, random, subprocess, sys, tempfile
import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import IsolationForest
import shap, sklearn

FEATURES = ["requests_per_minute_peak", "deny_rate", "total_bytes_transferred",
            "unique_hosts_count", "off_hours_request_ratio"]
BIN = "target/release/signaltrace"
ATTACKS = ["burst", "deny", "bytes", "hosts", "off_hours"]
SCENARIOS = [[a] for a in ATTACKS] + [["burst", "deny"], ["bytes", "off_hours"],
                                       ["hosts", "deny"], list(ATTACKS)]


def ordinary(r):
    fav = [f"site{r.randint(0, 40)}.example" for _ in range(r.randint(2, 12))]
    deny_p, off_p = 0.25 * r.random(), 0.15 * r.random()
    cluster = r.randint(2, 8) if r.randint(0, 2) == 0 else 0
    cluster_at = r.randint(9 * 3600, 17 * 3600)
    events = []
    for i in range(r.randint(8, 30)):
        if i < cluster:
            sec = cluster_at + r.randint(0, 50)
        elif r.random() < off_p:
            sec = r.randint(0, 5 * 3600 - 1)
        else:
            sec = r.randint(8 * 3600, 18 * 3600)
        events.append([sec, r.choice(fav), r.random() < deny_p, int(200 * 1000 ** r.random())])
    return events, fav


def plant(r, attack, events, fav):
    if attack == "burst":
        at = r.randint(9 * 3600, 17 * 3600)
        events += [[at + r.randint(0, 50), r.choice(fav), False, 100] for _ in range(r.randint(120, 200))]
    elif attack == "deny":
        for e in events:
            e[2] = r.random() < 0.85
    elif attack == "bytes":
        events.append([r.randint(9 * 3600, 17 * 3600), r.choice(fav), False, r.randint(60_000_000, 200_000_000)])
    elif attack == "hosts":
        events += [[r.randint(8 * 3600, 18 * 3600), f"probe{k}.example", False, 500] for k in range(r.randint(25, 45))]
    else:
        for e in events:
            e[0] = r.randint(0, 5 * 3600 - 1)


def planted_population(path, seed, size, attacks):
    r = random.Random(seed)
    plants = 1 + size // 150
    planted = []
    with open(path, "w") as out:
        for i in range(size):
            ip = f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"
            events, fav = ordinary(r)
            if i % (size // plants) == 0 and len(planted) < plants:
                for a in attacks:
                    plant(r, a, events, fav)
                planted.append(ip)
            for sec, host, deny, size_b in events:
                t = f"2026-02-10T{sec // 3600:02}:{sec // 60 % 60:02}:{sec % 60:02}Z"
                out.write(json.dumps({"time": t, "clientip": ip, "url": f"https://{host}/",
                                      "action": "DENY" if deny else "ALLOW",
                                      "responsesize": size_b}) + "\n")
    return planted


def populations(work, quick):
    """(label, path, {planted ip: moved features} or None)"""
    out = [(f"data/{f}", f"data/{f}", None) for f in sorted(os.listdir("data"))]
    for events, seed in ([(3000, 7), (20000, 2026)] if quick else
                         [(e, s) for e in (1000, 3000, 12000, 50000) for s in (1, 7, 42)]):
        path = os.path.join(work, f"gen-{events}-{seed}.jsonl")
        subprocess.run([BIN, "generate", "--events", str(events), "--seed", str(seed), "--out", path],
                       check=True, capture_output=True)
        out.append((f"generate {events} seed {seed}", path, None))
    sizes = (30, 120, 500) if quick else (20, 50, 120, 300, 500)
    seeds = (1,) if quick else (1, 2)
    for k, attacks in enumerate(SCENARIOS):
        for size in sizes:
            for seed in seeds:
                path = os.path.join(work, f"plant-{k}-{size}-{seed}.jsonl")
                ips = planted_population(path, 1000 * k + 10 * size + seed, size, attacks)
                moved = {FEATURES[ATTACKS.index(a)] for a in attacks}
                out.append((f"planted {'+'.join(attacks)} n={size} seed {seed}", path,
                            {ip: moved for ip in ips}))
    return out


def analyze(path, trees, *extra):
    return json.loads(subprocess.run([BIN, "analyze", path, "--logs", "none", "--trees", str(trees), *extra],
                                     check=True, capture_output=True).stdout)


def ours_by_seed(path, trees, seed):
    """Our shares per anomaly with another forest seed: the noise floor."""
    r = analyze(path, trees, "--seed", str(seed))
    return {a["entity"]: np.array([next(c["share"] for c in a["feature_contributions"] if c["feature"] == f)
                                   for f in FEATURES])
            for a in r["anomalies"] if a["feature_contributions"]}


def compare(path, trees, seed):
    report = analyze(path, trees)
    if report["statistics"]["status"] != "ran":
        return None
    X = np.array([[e["features"][f] for f in FEATURES] for e in report["entities"]], dtype=np.float32)
    index = {e["entity"]: i for i, e in enumerate(report["entities"])}
    anomalies = [a for a in report["anomalies"] if a["feature_contributions"]]
    if not anomalies:
        return report, [], [], []
    forest = IsolationForest(n_estimators=trees, max_samples=min(256, len(X)), random_state=seed).fit(X)
    rows = X[[index[a["entity"]] for a in anomalies]]
    theirs = np.asarray(shap.TreeExplainer(forest).shap_values(rows))
    ours = np.array([[next(c["score_contribution"] for c in a["feature_contributions"] if c["feature"] == f)
                      for f in FEATURES] for a in anomalies])
    return report, anomalies, ours, theirs


def shares(v):
    a = np.abs(v)
    t = a.sum()
    return a / t if t > 0 else np.full(len(v), 1 / len(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trees", default="100,1000")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(f"scikit-learn {sklearn.__version__}, shap {shap.__version__}")
    with tempfile.TemporaryDirectory() as work:
        pops = populations(work, args.quick)
        for trees in [int(t) for t in args.trees.split(",")]:
            top1 = top2 = clear = clear_top1 = n = 0
            self_n = self_top1 = 0
            self_diffs = []
            rhos, share_diffs = [], []
            planted = {"ours": 0, "shap": 0, "n": 0}
            kinds = {}
            for label, path, moved in pops:
                got = compare(path, trees, seed=len(label))
                if got is None:
                    continue
                _, anomalies, ours, theirs = got
                kind = label.split()[0].split("/")[0]
                other = ours_by_seed(path, trees, 7) if anomalies else {}
                k = kinds.setdefault(kind, [0, 0])
                for a, o, t in zip(anomalies, ours, theirs):
                    n += 1
                    same = int(np.argmax(shares(o))) == int(np.argmax(np.abs(t)))
                    top1 += same
                    theirs_top = int(np.argmax(np.abs(t)))
                    top2 += theirs_top in [FEATURES.index(c["feature"]) for c in a["feature_contributions"][:2]]
                    ts = np.sort(shares(t))
                    if ts[-1] - ts[-2] >= 0.05:
                        clear += 1
                        clear_top1 += same
                    k[0] += same
                    k[1] += 1
                    share_diffs.append(float(np.abs(shares(o) - shares(t)).mean()))
                    if a["entity"] in other:
                        self_n += 1
                        self_top1 += int(np.argmax(shares(o))) == int(np.argmax(other[a["entity"]]))
                        self_diffs.append(float(np.abs(shares(o) - other[a["entity"]]).mean()))
                    if np.ptp(np.abs(o)) > 0 and np.ptp(np.abs(t)) > 0:
                        rhos.append(spearmanr(np.abs(o), np.abs(t)).statistic)
                    if moved and a["entity"] in moved:
                        planted["n"] += 1
                        planted["ours"] += FEATURES[int(np.argmax(shares(o)))] in moved[a["entity"]]
                        planted["shap"] += FEATURES[int(np.argmax(np.abs(t)))] in moved[a["entity"]]
            print(f"\n{trees} trees: {n} anomalies in {len(pops)} populations")
            print(f"  top-1 agreement with shap.TreeExplainer: {top1}/{n} = {100 * top1 / n:.1f} %"
                  + "".join(f"; {kk} {v[0]}/{v[1]}" for kk, v in kinds.items()))
            print(f"  shap's top feature among our top two: {top2}/{n} = {100 * top2 / n:.1f} %")
            print(f"  top-1 agreement where shap's top share leads by >= 0.05: {clear_top1}/{clear}"
                  f" = {100 * clear_top1 / max(clear, 1):.1f} %")
            print(f"  mean Spearman of |values|: {np.mean(rhos):.3f} over {len(rhos)} anomalies"
                  f" (median {np.median(rhos):.3f})")
            print(f"  mean |share difference| per feature: {np.mean(share_diffs):.4f}")
            print(f"  noise floor, ours with forest seed 42 vs seed 7: top-1 {self_top1}/{self_n}"
                  f" = {100 * self_top1 / max(self_n, 1):.1f} %, mean |share difference| {np.mean(self_diffs):.4f}")
            if planted["n"]:
                p = planted
                print(f"  planted entities whose top feature the attack moved: ours {p['ours']}/{p['n']}"
                      f" = {100 * p['ours'] / p['n']:.1f} %, shap on sklearn's forest {p['shap']}/{p['n']}"
                      f" = {100 * p['shap'] / p['n']:.1f} %")


if __name__ == "__main__":
    sys.exit(main())
