#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's examples and test fixtures (and the shared corpus
# when SIDECAR_LSP_CORPUS or ../shared/corpus is there). Generated, never committed.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus_dir=${SIDECAR_LSP_CORPUS:-$root/../shared/corpus}
mkdir -p corpus/analysis corpus/render corpus/session
sources=("$root/examples" "$root/tests/fixtures")
[ -d "$corpus_dir" ] && sources+=("$corpus_dir")
python3 - "${sources[@]}" <<'PY'
import hashlib, os, sys
def path_byte(name):
    if name.endswith(".sidecar.json"): return 2
    if name.endswith(".json"): return 1
    return 0
n = 0
for top in sys.argv[1:]:
    for d, _, files in os.walk(top):
        for f in files:
            if not f.endswith((".yaml", ".yml", ".json")): continue
            text = open(os.path.join(d, f), "rb").read()
            if len(text) > 60000: continue
            mid = len(text) // 2
            head = bytes([path_byte(f), mid >> 8 & 0xff, mid & 0xff])
            for target, data in (
                ("analysis", head + text),
                ("render", head + text),
                # unit UTF-16, the file name, the opening text, then a few edits and requests.
                ("session", bytes([0, path_byte(f), len(text) >> 8 & 0xff, len(text) & 0xff]) + text
                 + bytes([0, 3, 5, 3, 9, 2, 65, 66, 7, 3, 5, 2, 4, 4, 3, 3, 4, 1, 10, 7, 1, 1, 6, 7, 8, 8])),
            ):
                name = hashlib.sha1(data).hexdigest()
                open(os.path.join("corpus", target, name), "wb").write(data)
            n += 1
print(f"seeded {n} files into fuzz/corpus/{{analysis,render,session}}")
PY
