#!/usr/bin/env python3
"""Shrinks a target's corpus to at most CAP inputs that keep as many coverage edges as possible.

    fuzz/cap-corpus.py <target> <dir>...   (run from fuzz/, after the target is built)

Runs libFuzzer's merge over the committed corpus plus <dir>s to learn which edges each input
covers, then picks inputs greedily (most new edges first), always keeping the seeds (`seed-*`)
and crash regressions (`crash-*`), and writes the result back to corpus/<target>/.
"""
import glob, hashlib, os, shutil, subprocess, sys, tempfile

CAP = int(os.environ.get("CORPUS_CAP", "200"))
target, extra = sys.argv[1], sys.argv[2:]
binary = glob.glob(f"target/*/release/{target}")[0]
corpus = f"corpus/{target}"
with tempfile.TemporaryDirectory() as tmp:
    control = os.path.join(tmp, "control")
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    subprocess.run([binary, "-merge=1", f"-merge_control_file={control}", out, corpus, *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = open(control).read().splitlines()
    n = int(lines[0])
    files = lines[2:2 + n]
    cov = {}
    for line in lines[2 + n:]:
        if line.startswith("COV "):
            parts = line.split()
            cov[int(parts[1])] = set(parts[2:])
    def pinned(path):
        name = os.path.basename(path)
        return os.path.dirname(path) == corpus and name.startswith(("seed-", "crash-"))
    chosen = [i for i, f in enumerate(files) if pinned(f)]
    covered = set().union(*(cov.get(i, set()) for i in chosen))
    rest = {i for i in range(n) if i not in chosen}
    while len(chosen) < CAP and rest:
        best = max(rest, key=lambda i: (len(cov.get(i, set()) - covered), -os.path.getsize(files[i])))
        gain = cov.get(best, set()) - covered
        if not gain:
            break
        chosen.append(best)
        covered |= gain
        rest.discard(best)
    total = set().union(*cov.values()) if cov else set()
    keep = {}
    for i in chosen:
        data = open(files[i], "rb").read()
        name = os.path.basename(files[i]) if pinned(files[i]) else hashlib.sha1(data).hexdigest()
        keep[name] = data
for name in os.listdir(corpus):
    os.remove(os.path.join(corpus, name))
for name, data in keep.items():
    open(os.path.join(corpus, name), "wb").write(data)
print(f"{target}: kept {len(keep)} inputs covering {len(covered)} of {len(total)} edges")
