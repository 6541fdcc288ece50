#!/usr/bin/env python3
"""Prints `use crate::` edges between modules of src/ and the import loops among them."""
import os, re, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else "src"
def modname(path):
    rel = os.path.relpath(path, root)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] in ("mod", "lib", "main"): parts = parts[:-1]
    return "::".join(parts) or "crate"
mods = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".rs"): mods[modname(os.path.join(d, f))] = os.path.join(d, f)
names = set(mods)
def resolve(m, path):
    # longest known module prefix of path
    parts = path.split("::")
    for i in range(len(parts), 0, -1):
        cand = "::".join(parts[:i])
        if cand in names: return cand
    return None
edges = set()
for m, p in mods.items():
    src = open(p).read()
    src = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", src, flags=re.S)
    # crate:: paths anywhere, and super:: relative ones
    for mm in re.finditer(r"crate::((?:\w+::)*\w+)", src):
        t = resolve(m, mm.group(1))
        if t and t != m: edges.add((m, t))
    for mm in re.finditer(r"use crate::\{([^;]*)\};", src, flags=re.S):
        body = mm.group(1)
        # top-level items of a grouped use: a::{b, c}, d::e
        depth, cur, items = 0, "", []
        for ch in body:
            if ch == "{": depth += 1
            if ch == "}": depth -= 1
            if ch == "," and depth == 0: items.append(cur.strip()); cur = ""
            else: cur += ch
        items.append(cur.strip())
        for it in items:
            it = re.sub(r"\s+", "", it)
            head = it.split("::{")[0]
            if "::{" in it:
                inner = it.split("::{",1)[1].rstrip("}")
                for sub in inner.split(","):
                    sub = sub.strip()
                    if not sub: continue
                    full = head + "::" + sub if sub != "self" else head
                    t = resolve(m, full.split("::{")[0])
                    if t and t != m: edges.add((m, t))
            else:
                t = resolve(m, head)
                if t and t != m: edges.add((m, t))
    parent = m.rsplit("::", 1)[0] if "::" in m else None
    for mm in re.finditer(r"super::((?:\w+::)*\w+)", src):
        base = m if os.path.basename(p) == "mod.rs" else parent
        if base is None: continue
        t = resolve(m, base + "::" + mm.group(1))
        if t and t != m: edges.add((m, t))
    for mm in re.finditer(r"use super::\{([^;]*)\};", src, flags=re.S):
        base = m if os.path.basename(p) == "mod.rs" else parent
        for it in re.findall(r"(?:^|,)\s*(\w+)", mm.group(1)):
            t = resolve(m, base + "::" + it)
            if t and t != m: edges.add((m, t))
# only edges between sibling-level modules matter for loops; report cycles of length 2..5
adj = {}
for a, b in edges: adj.setdefault(a, set()).add(b)
def ancestors_or_self(a, b):
    return a == b or a.startswith(b + "::") or b.startswith(a + "::")
loops = set()
for a, b in edges:
    if ancestors_or_self(a, b): continue
    # find path b -> a (BFS) avoiding parent/child hops
    prev = {b: None}; q = [b]
    while q:
        x = q.pop(0)
        if x == a: break
        for y in adj.get(x, ()):
            if y not in prev and not ancestors_or_self(x, y): prev[y] = x; q.append(y)
    if a in prev:
        cyc = [a]; x = a
        path = []
        while x is not None: path.append(x); x = prev[x]
        cyc = list(reversed(path))  # b .. a
        cyc = [a] + cyc[:-1] if False else cyc
        k = min(range(len(cyc)), key=lambda i: cyc[i])
        loops.add(tuple(cyc[k:] + cyc[:k]))
if "--edges" in sys.argv:
    for a, b in sorted(edges): print(f"{a} -> {b}")
print(f"{len(edges)} edges, {len(loops)} import loops")
for l in sorted(loops, key=len): print("  loop: " + " -> ".join(l + (l[0],)))
