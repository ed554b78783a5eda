#!/usr/bin/env python3
"""Builds the public evaluation sources of `example-prompt-eval` into OUTDIR
as JSON lines (`text`, `label`, `family`, `channel`, `source`, `licence`).

    python3 fetch_sources.py OUTDIR [--bipia PATH_TO_BIPIA_CHECKOUT]

- agentdojo (PyPI `agentdojo==0.1.35`, MIT): held out, never read. Attacks:
  every injection task's goal (`GOAL` constants of the suites'
  `injection_tasks.py`) put into the package's fixed attack templates (the
  `_JB_STRING` of its attack classes, in turn), placed inside one of the
  suites' own tool-output texts. Benign: the suites' tool-output texts
  (emails, files, calendar entries, reviews, messages, web pages) with
  every injection slot filled with its benign default.
- bipia (github microsoft/BIPIA, MIT; its email set's own notice applies):
  tuned on. Benign only: the e-mails of `benchmark/email/{train,test}.jsonl`
  as documents.

Nothing from these sources is committed: this script fetches and builds
them. It prints counts, never items.
"""

import ast
import glob
import json
import os
import random
import re
import subprocess
import sys
import zipfile

import yaml


def evaluate(node, names):
    """A constant, an f-string or a concatenation of them, with `names` for
    the names and attributes it reads; None when it cannot be read."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                inner = evaluate(value.value, names)
                if inner is None:
                    return None
                parts.append(str(inner))
            else:
                return None
        return "".join(parts)
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        return names.get(node.attr)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = evaluate(node.left, names), evaluate(node.right, names)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    return None


def constants(body, outer):
    """The names a block of statements assigns constants to."""
    names = dict(outer)
    for node in body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = evaluate(node.value, names)
            if value is not None:
                for t in targets:
                    if isinstance(t, ast.Name):
                        names[t.id] = value
    return names


def agentdojo(outdir):
    work = os.path.join(outdir, "agentdojo-pkg")
    os.makedirs(work, exist_ok=True)
    wheel = glob.glob(os.path.join(work, "agentdojo-0.1.35-*.whl"))
    if not wheel:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "agentdojo==0.1.35", "-d", work],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wheel = glob.glob(os.path.join(work, "agentdojo-0.1.35-*.whl"))
    root = os.path.join(work, "x")
    with zipfile.ZipFile(wheel[0]) as z:
        z.extractall(root)
    pkg = os.path.join(root, "agentdojo")

    # Attack templates: every string constant of the attack modules with a
    # `{goal}` slot; and the fixed denial-of-service injections
    # (`_DOS_STRING`), which need no goal.
    templates = []
    fixed = []
    for path in sorted(glob.glob(os.path.join(pkg, "attacks", "*.py"))):
        tree = ast.parse(open(path, encoding="utf-8").read())
        # Docstrings are no templates.
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if "{goal}" in node.value and node.value not in templates:
                    templates.append(node.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_DOS_STRING" for t in node.targets
            ):
                value = evaluate(node.value, {})
                if isinstance(value, str) and value not in fixed:
                    fixed.append(value)

    # Goals: the `GOAL` of every injection task, every version; f-strings
    # read with the constants of their class and module.
    goals = []
    skipped = 0
    for path in sorted(glob.glob(os.path.join(pkg, "default_suites", "*", "*", "injection_tasks.py"))):
        tree = ast.parse(open(path, encoding="utf-8").read())
        module = constants(tree.body, {})
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            names = constants(cls.body, module)
            if "GOAL" not in names:
                if any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "GOAL" for t in n.targets) for n in cls.body):
                    skipped += 1
                continue
            goal = names["GOAL"]
            if isinstance(goal, str) and goal not in goals:
                goals.append(goal)

    # Tool outputs: the string leaves of the suites' environments, with the
    # injection slots filled with their defaults.
    texts = []
    for suite in sorted(glob.glob(os.path.join(pkg, "data", "suites", "*"))):
        vectors_path = os.path.join(suite, "injection_vectors.yaml")
        defaults = {}
        if os.path.exists(vectors_path):
            for name, spec in (yaml.safe_load(open(vectors_path, encoding="utf-8")) or {}).items():
                if isinstance(spec, dict) and isinstance(spec.get("default"), str):
                    defaults[name] = spec["default"]
        files = [os.path.join(suite, "environment.yaml")] + sorted(
            glob.glob(os.path.join(suite, "include", "*.yaml"))
        )
        for path in files:
            raw = open(path, encoding="utf-8").read()
            # `{{include ...}}` lines are not YAML to a plain loader.
            raw = re.sub(r"^.*\{\{\s*include.*$", "", raw, flags=re.M)
            for name, default in defaults.items():
                raw = raw.replace("{" + name + "}", default.replace("\n", " "))
            try:
                data = yaml.safe_load(raw)
            except yaml.YAMLError:
                continue
            stack = [data]
            while stack:
                item = stack.pop()
                if isinstance(item, dict):
                    stack.extend(item.values())
                elif isinstance(item, list):
                    stack.extend(item)
                elif isinstance(item, str) and len(item) >= 40 and " " in item:
                    if item not in texts:
                        texts.append(item)

    rng = random.Random(17)
    licence = "MIT (agentdojo 0.1.35)"
    rows = []
    for i, goal in enumerate(goals):
        for k in range(len(templates)):
            template = templates[(i + k) % len(templates)]
            injection = template.replace("{goal}", goal).replace("{user}", "Emma Johnson").replace(
                "{model}", "GPT-4"
            )
            # Other slots (a list of tools) left empty.
            injection = re.sub(r"\{[a-z_]+\}", "", injection)
            host = rng.choice(texts)
            cut = rng.randrange(len(host) + 1)
            # At a word boundary.
            while 0 < cut < len(host) and host[cut] != " ":
                cut -= 1
            text = host[:cut] + " " + injection + " " + host[cut:]
            rows.append(
                dict(text=text, label="attack", family="indirect", channel="tool", source="agentdojo", licence=licence)
            )
    for injection in fixed:
        host = rng.choice(texts)
        rows.append(
            dict(text=host + " " + injection, label="attack", family="indirect", channel="tool", source="agentdojo", licence=licence)
        )
    for text in texts:
        rows.append(dict(text=text, label="benign", family="benign", channel="tool", source="agentdojo", licence=licence))
    with open(os.path.join(outdir, "agentdojo.jsonl"), "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"agentdojo: {len(templates)} templates, {len(goals)} goals ({skipped} not constant), "
        f"{len(fixed)} fixed injections, {len(goals) * len(templates) + len(fixed)} attacks, "
        f"{len(texts)} benign tool outputs"
    )


def bipia(outdir, path):
    rows = []
    for split in ("train", "test"):
        show = subprocess.run(
            ["git", "-C", path, "show", f"HEAD:benchmark/email/{split}.jsonl"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in show.splitlines():
            if line.strip():
                context = json.loads(line)["context"]
                rows.append(
                    dict(text=context, label="benign", family="benign", channel="document", source="bipia-email",
                         licence="MIT (BIPIA); e-mails under the notices of the BIPIA repository")
                )
    with open(os.path.join(outdir, "bipia-email.jsonl"), "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"bipia-email: {len(rows)} benign documents")


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    outdir = args[0]
    os.makedirs(outdir, exist_ok=True)
    agentdojo(outdir)
    if "--bipia" in args:
        bipia(outdir, args[args.index("--bipia") + 1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
