#!/usr/bin/env bash
# Quality against the DP budget (issue 17 item 6), in one run: for every dataset, the offline
# NDCG@10 of `evaluate`'s carousel rows (one evaluate per dataset, all ε on the same split and the
# same retrained towers) and the demo's online HR@10 (one demo per ε, each on a fresh data dir), then
# one Markdown table. docs/security.md, "Differential privacy (item 6)", holds its output.
#
#   scripts/dp-quality.sh [OUT]        (default OUT=/tmp/dp-quality)
#   env: DATASETS="movielens-100k amazon-gift-cards amazon-magazine"  EPSILONS=inf,8,1
#        DP_SEED=1 (repeatable noise; experiments only)  PORT=18300  CAROUSEL_DATA_DIR
#        DEMO_ARGS="--max-events 1000" (extra demo options)  EVALUATE=0 (reuse OUT/D-evaluate.json)
#        TABLE_ONLY=1 (print the table of the runs already in OUT)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-/tmp/dp-quality}" && cd "${1:-/tmp/dp-quality}" && pwd)"
datasets="${DATASETS:-movielens-100k amazon-gift-cards amazon-magazine}"
epsilons="${EPSILONS:-inf,8,1}"
seed="${DP_SEED:-1}"
port="${PORT:-18300}"
export TF_ENABLE_ONEDNN_OPTS=0
start=$(date +%s)
echo "dp-quality: $(date -u +%FT%TZ) datasets [$datasets] epsilons [$epsilons] seed $seed -> $out" >&2
for d in $datasets; do
  [[ "${TABLE_ONLY:-0}" == "1" ]] && break
  t0=$(date +%s)
  if [[ "${EVALUATE:-1}" != "0" ]]; then
  "$root/carousel" evaluate --dataset "$d" --dp-epsilon "$epsilons" --dp-seed "$seed" \
    --data-dir "$out/shared" --json >"$out/$d-evaluate.json" 2>"$out/$d-evaluate.log"
  echo "$d: evaluate $(( $(date +%s) - t0 )) s" >&2
  fi
  for e in ${epsilons//,/ }; do
    dir="$out/demo-$d-$e"
    rm -rf "$dir"
    mkdir -p "$dir"
    # The MiniLM text cache only: every demo trains, releases and replays from scratch.
    if [[ -d "$out/shared/cache" ]]; then cp -r "$out/shared/cache" "$dir/cache"; fi
    t0=$(date +%s)
    "$root/carousel" demo --exit --dataset "$d" --data-dir "$dir" --port "$port" \
      --dp-epsilon "$e" --dp-seed "$seed" ${DEMO_ARGS:-} >"$dir.log" 2>&1
    echo "$d ε=$e: demo $(( $(date +%s) - t0 )) s" >&2
  done
done
python3 - "$out" "$epsilons" "$datasets" "$(( $(date +%s) - start ))" <<'PY'
import json, sys, os, glob, re
out, eps, datasets, wall = sys.argv[1], sys.argv[2].split(','), sys.argv[3].split(), sys.argv[4]
def norm(e):
    return 'inf' if e.lower() in ('inf', 'infinity', '∞', 'off') else e
def pairs(text):
    m = re.search(r'(\d+) of (\d+) pairs released', text or '')
    return f"{m.group(1)} of {m.group(2)}" if m else "all"
print("| dataset | ε | offline NDCG@10 (carousel) | offline HR@10 | pairs released (evaluate) | online HR@10 Carousel / popularity (demo) | pairs released (demo) | demo events |")
print("|---|---|---|---|---|---|---|---|")
for d in datasets:
    ev = json.load(open(os.path.join(out, f"{d}-evaluate.json")))
    models = ev["models"]
    for e in eps:
        e = norm(e)
        row = models["carousel"] if e == "inf" else models.get(f"carousel dp ε={e}")
        s = json.load(open(glob.glob(os.path.join(out, f"demo-{d}-{e}", "report", "*", "summary.json"))[0]))
        log = open(os.path.join(out, f"demo-{d}-{e}.log"), errors="replace").read()
        m = re.search(r'training statistics released once: [^\n]*', log)
        hr = s["hr_at_10"]
        label = "∞ (off)" if e == "inf" else e
        print(f"| {d} | {label} | {row['ndcg_at_10']:.4f} | {row['hr_at_10']:.4f} | {pairs(row['settings']) if e != 'inf' else 'all'} | "
              f"{hr['carousel']:.3f} / {hr['popularity']:.3f} | {pairs(m.group(0)) if m else 'all'} | {s['events_replayed']} |")
    tower = models.get("carousel-tower")
    if tower:
        print(f"| {d} | towers alone (`carousel-tower`) | {tower['ndcg_at_10']:.4f} | {tower['hr_at_10']:.4f} | none | | | |")
print(f"\nwall time {wall} s")
PY
