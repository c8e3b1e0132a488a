#!/usr/bin/env python3
"""Checks the rust-version the published crates declare against what they build with.

Every crate a published crate needs to build (normal and build dependencies, all features,
on this machine's target) must declare a rust-version no newer than ours. Our own code is
checked by clippy's incompatible_msrv lint, which reads the same rust-version. CI has one
toolchain only, so this is how the declared minimum is kept honest.
"""
import json
import subprocess
import sys


def version(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


host = next(
    line.split(": ", 1)[1]
    for line in subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout.splitlines()
    if line.startswith("host: ")
)
metadata = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features", "--filter-platform", host],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
)
packages = {p["id"]: p for p in metadata["packages"]}
nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}
published = [packages[i] for i in metadata["workspace_members"] if packages[i]["publish"] != []]
if not published:
    sys.exit("no published crate in the workspace")
msrv = {p["rust_version"] for p in published}
if len(msrv) != 1 or None in msrv:
    sys.exit(f"the published crates must declare one rust-version, found {msrv}")
msrv = msrv.pop()

seen, todo, too_new = set(), [p["id"] for p in published], []
while todo:
    current = todo.pop()
    if current in seen:
        continue
    seen.add(current)
    for dep in nodes[current]["deps"]:
        if any(kind["kind"] in (None, "build") for kind in dep["dep_kinds"]):
            todo.append(dep["pkg"])
for package_id in seen:
    package = packages[package_id]
    declared = package.get("rust_version")
    if declared and version(declared) > version(msrv):
        too_new.append(f"{package['name']} {package['version']} needs Rust {declared}")
names = sorted(p["name"] for p in published)
if too_new:
    sys.exit(f"rust-version {msrv} of {', '.join(names)} is too old for:\n  " + "\n  ".join(sorted(too_new)))
print(f"rust-version {msrv}: {len(seen)} crates built by {', '.join(names)} declare no newer Rust")
