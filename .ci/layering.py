#!/usr/bin/env python3
"""Fails if a workspace crate depends on a crate at or above its own layer (see shared/STYLE.md).

Layers, bottom to top: xmtp-crypto -> xmtp-proto -> xmtp-keystore -> xmtp-api -> xmtp-client -> xmtp-cli.
xmtp-node sits beside xmtp-api: it may use crypto, proto and keystore, never api, client or cli, and
only the CLI and the benches may depend on it. Dev-dependencies are exempt (tests of a layer may start
the real node); normal and build dependencies are checked.
"""
import json
import subprocess
import sys

RANK = {
    "xmtp-crypto": 0,
    "xmtp-proto": 1,
    "xmtp-keystore": 2,
    "xmtp-api": 3,
    "xmtp-node": 3,
    "xmtp-client": 4,
    "xmtp-cli": 5,
    "xmtp-benches": 6,
}
MAY_USE_NODE = {"xmtp-cli", "xmtp-benches"}

meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
members = {p["name"] for p in meta["packages"]}
problems = []
for package in meta["packages"]:
    name = package["name"]
    if name not in RANK:
        problems.append(f"{name}: not in the layer map of .ci/layering.py; place it there")
        continue
    for dep in package["dependencies"]:
        if dep["name"] not in members or dep.get("kind") == "dev":
            continue
        target = dep["name"]
        if target == "xmtp-node" and name not in MAY_USE_NODE:
            problems.append(f"{name} -> xmtp-node: only {sorted(MAY_USE_NODE)} may depend on the node")
        elif RANK.get(target, 99) >= RANK[name]:
            problems.append(f"{name} (layer {RANK[name]}) -> {target} (layer {RANK.get(target)}): upward or sideways")
if problems:
    print("layering check failed:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"layering check: {len(meta['packages'])} crates, no upward dependencies")
