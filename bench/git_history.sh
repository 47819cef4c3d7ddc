#!/usr/bin/env bash
# Git history benchmark: what committing an archive costs newsvault
# (build/bench/git_history_bench: commit_all_changes, objects written as packs
# and rolled up geometrically) beside git doing the same (`git add -A && git
# commit`, then `git gc`), on generated Markdown documents.
#
# usage: bench/git_history.sh     (from anywhere; needs build/bench/git_history_bench)
#   FEEDS=n   feeds, one folder each (default 200)
#   ITEMS=n   documents per feed in the first run (default 50)
#   RUNS=n    steady-state runs, each adding one document per feed (default 20)
#   COMPARE=path  a second git_history_bench (another build) measured alongside
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${NEWSVAULT_GIT_BENCH:-build/bench/git_history_bench}
feeds=${FEEDS:-200}
items=${ITEMS:-50}
runs=${RUNS:-20}
compare=${COMPARE:-}
out=bench/out/git_history
if [ ! -x "$bench" ]; then
  echo "git_history: $bench is missing: cmake --build build --target git_history_bench" >&2
  exit 1
fi
command -v git >/dev/null || { echo "git_history: git is missing: run scripts/install-deps.sh" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/newsvault" "$out/git" "$out/compare"

# Documents of 2-5 KB (mixed scripts, fixed seed), FEED/YYYY/MM/DD-KEY.md,
# and each feed's README.md listing its documents, rewritten when one is added.
generate() {  # generate DIR FIRST_ITEM LAST_ITEM
  python3 - "$1" "$2" "$3" "$feeds" <<'PY'
import os, random, sys
root, first, last, feeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
words = ("archive news report 新闻 報導 台湾 政府 市场 économie société "
         "новости события خبر تقرير είδηση γεγονός river policy market").split()
for feed in range(feeds):
    folder = os.path.join(root, f"feed-{feed:04d}")
    for item in range(first, last):
        rng = random.Random(feed * 100003 + item)
        day = 1 + item % 28
        path = os.path.join(folder, "2024", f"{1 + item // 28 % 12:02d}", f"{day:02d}-{item:05d}.md")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        paragraphs = ["".join(" ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + ".")
                      for _ in range(rng.randint(2, 5))]
        with open(path, "w") as f:
            f.write(f"---\ntitle: Article {item} of feed {feed}\nurl: https://example.org/{feed}/{item}\n---\n\n")
            f.write("\n\n".join(paragraphs) + "\n")
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write(f"# feed-{feed:04d}\n\n")
        for item in reversed(range(last)):
            f.write(f"- 2024-{1 + item // 28 % 12:02d}-{1 + item % 28:02d} [Article {item}](2024/{item:05d}.md)\n")
PY
}
bytes_of() { du -sb "$1" | cut -f1; }
git_bytes() { du -sb "$1/.git" | cut -f1; }
loose() { git -C "$1" count-objects -v | awk '/^count:/ {print $2}'; }
packs() { git -C "$1" count-objects -v | awk '/^packs:/ {print $2}'; }
git_commit() {  # git_commit DIR MESSAGE: prints seconds
  local start end
  start=$(date +%s.%N)
  git -C "$1" add -A
  git -C "$1" -c gc.auto=0 -c user.name=bench -c user.email=bench@localhost commit -q -m "$2"
  end=$(date +%s.%N)
  printf '%.2f\n' "$(echo "$end - $start" | bc)"
}
row() { printf '| %-34s | %8s | %10s | %7s | %5s |\n' "$@"; }

generate "$out/newsvault" 0 "$items"
doc_bytes=$(bytes_of "$out/newsvault")
cp -r "$out/newsvault/." "$out/git/"
git -C "$out/git" init -q -b main
printf '/.newsvault/\n' >"$out/git/.gitignore"
cp "$out/git/.gitignore" "$out/newsvault/.gitignore"
[ -z "$compare" ] || cp -r "$out/newsvault/." "$out/compare/"
documents=$(find "$out/newsvault" -name '*.md' | wc -l)

echo "Git history: $feeds feeds, $documents files ($((doc_bytes / 1000000)) MB) in the first commit," \
  "then $runs runs adding one document per feed (and rewriting its README.md)"
echo
row "run" "seconds" ".git bytes" "loose" "packs"
row "---" "---:" "---:" "---:" "---:"
nv_first=$("$bench" "$out/newsvault" "first")
row "newsvault first commit" "$nv_first" "$(git_bytes "$out/newsvault")" "$(loose "$out/newsvault")" "$(packs "$out/newsvault")"
if [ -n "$compare" ]; then
  row "$(basename "$compare") first commit" "$("$compare" "$out/compare" first)" "$(git_bytes "$out/compare")" \
    "$(loose "$out/compare")" "$(packs "$out/compare")"
fi
git_first=$(git_commit "$out/git" "first")
row "git add -A && git commit, first" "$git_first" "$(git_bytes "$out/git")" "$(loose "$out/git")" "$(packs "$out/git")"

nv_before=$(git_bytes "$out/newsvault")
git_before=$(git_bytes "$out/git")
nv_total=0
compare_total=0
git_total=0
steady_doc_bytes=0
for run in $(seq 1 "$runs"); do
  item=$((items + run - 1))
  generate "$out/newsvault" "$item" "$((item + 1))"
  generate "$out/git" "$item" "$((item + 1))"
  steady_doc_bytes=$((steady_doc_bytes + $(find "$out/newsvault" -name "*-$(printf %05d "$item").md" -printf '%s\n' | paste -sd+ | bc)))
  nv_total=$(echo "$nv_total + $("$bench" "$out/newsvault" "run $run")" | bc)
  git_total=$(echo "$git_total + $(git_commit "$out/git" "run $run")" | bc)
  if [ -n "$compare" ]; then
    generate "$out/compare" "$item" "$((item + 1))"
    compare_total=$(echo "$compare_total + $("$compare" "$out/compare" "run $run")" | bc)
  fi
done
nv_growth=$(($(git_bytes "$out/newsvault") - nv_before))
git_growth=$(($(git_bytes "$out/git") - git_before))
row "newsvault, $runs steady runs" "$(printf %.2f "$nv_total")" "$(git_bytes "$out/newsvault")" "$(loose "$out/newsvault")" "$(packs "$out/newsvault")"
if [ -n "$compare" ]; then
  row "$(basename "$compare"), $runs steady runs" "$(printf %.2f "$compare_total")" "$(git_bytes "$out/compare")" \
    "$(loose "$out/compare")" "$(packs "$out/compare")"
fi
row "git, $runs steady runs (no gc)" "$(printf %.2f "$git_total")" "$(git_bytes "$out/git")" "$(loose "$out/git")" "$(packs "$out/git")"
start=$(date +%s.%N)
git -C "$out/git" gc -q
gc_seconds=$(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")
row "git gc after them" "$gc_seconds" "$(git_bytes "$out/git")" "$(loose "$out/git")" "$(packs "$out/git")"
git -C "$out/newsvault" fsck --full --strict --no-dangling >/dev/null 2>&1 && fsck=passes || fsck=FAILS
echo
echo "new documents in the steady runs: $steady_doc_bytes bytes;" \
  ".git growth: newsvault $nv_growth ($(printf %.1f "$(echo "scale=2; $nv_growth / $steady_doc_bytes" | bc)")x)," \
  "git without gc $git_growth ($(printf %.1f "$(echo "scale=2; $git_growth / $steady_doc_bytes" | bc)")x)"
echo "newsvault .git / git gc's .git: $(printf %.2f "$(echo "scale=3; $(git_bytes "$out/newsvault") / $(git_bytes "$out/git")" | bc)");" \
  "git fsck --full --strict of newsvault's repository: $fsck"
