#!/usr/bin/env python3
"""Check a patched corpus against the pristine one.

    verify.py [--quiet] ORIGINAL PATCHED

ORIGINAL and PATCHED are two directories (files matched by relative path) or
two files.  For every file both versions are loaded (PyYAML, safe loader), the
JSON and YAML held in katib-config and trial-template ConfigMaps are parsed
too, and the patched data must equal the original data with
serviceAccountName: default-editor added exactly where ruamel_patch.py adds it
(see there).  Trial-template ConfigMaps may be left alone or have their pod
templates patched.  Files that need no change must be byte-identical.

Also counted, for information: files whose original text is a subsequence of
the patched text (nothing removed or reordered, only bytes inserted).

Prints a one-line JSON summary; exit status 1 if any file mismatched.
"""

import copy
import json
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SA_KEY, SA = "serviceAccountName", "default-editor"


def load_all(text):
    return [d for d in yaml.load_all(text, Loader=Loader) if d is not None]


def set_sa(m):
    if isinstance(m, dict) and SA_KEY not in m:
        m[SA_KEY] = SA


def pod_specs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "template" and isinstance(v, dict) and isinstance(v.get("spec"), dict) and "containers" in v["spec"]:
                yield v["spec"]
            else:
                yield from pod_specs(v)
    elif isinstance(node, list):
        for x in node:
            yield from pod_specs(x)


def is_katib_config_cm(d):
    return d.get("kind") == "ConfigMap" and isinstance(d.get("metadata"), dict) \
        and d["metadata"].get("name") == "katib-config" and isinstance(d.get("data"), dict)


def is_trial_template_cm(d):
    return d.get("kind") == "ConfigMap" and isinstance(d.get("metadata"), dict) \
        and (d["metadata"].get("labels") or {}).get("katib.kubeflow.org/component") == "trial-templates"


def normalize(d):
    """Parse the JSON/YAML strings held in ConfigMaps so that formatting does not matter."""
    if not isinstance(d, dict):
        return d
    d = copy.deepcopy(d)
    if is_katib_config_cm(d):
        if isinstance(d["data"].get("suggestion"), str):
            d["data"]["suggestion"] = json.loads(d["data"]["suggestion"])
        if isinstance(d["data"].get("katib-config.yaml"), str):
            d["data"]["katib-config.yaml"] = yaml.load(d["data"]["katib-config.yaml"], Loader=Loader)
    elif is_trial_template_cm(d):
        d["data"] = {k: yaml.load(v, Loader=Loader) for k, v in (d.get("data") or {}).items()}
    return d


def patch_katib_config(body):
    rt = body.get("runtime") if isinstance(body, dict) else None
    for item in (rt or {}).get("suggestions") or []:
        set_sa(item)


def expected(d):
    """Returns the list of acceptable patched forms of a normalized document."""
    if not isinstance(d, dict):
        return [d]
    e = copy.deepcopy(d)
    kind, api = d.get("kind"), str(d.get("apiVersion", ""))
    if kind == "Experiment" and api.startswith("kubeflow.org/"):
        ts = ((e.get("spec") or {}).get("trialTemplate") or {}).get("trialSpec")
        if isinstance(ts, dict):
            tkind, tapi = ts.get("kind"), str(ts.get("apiVersion", ""))
            if tkind == "Workflow" and tapi.startswith("argoproj.io/"):
                set_sa(ts.get("spec"))
            elif tkind == "PipelineRun" and tapi.startswith("tekton.dev/"):
                if tapi == "tekton.dev/v1beta1":
                    set_sa(ts.get("spec"))
                elif isinstance(ts.get("spec"), dict):
                    set_sa(ts["spec"].setdefault("taskRunTemplate", {}))
            else:
                for s in pod_specs(ts):
                    set_sa(s)
        return [e]
    if kind == "KatibConfig" and api.startswith("config.kubeflow.org/"):
        patch_katib_config(e)
        return [e]
    if is_katib_config_cm(e):
        sugg = e["data"].get("suggestion")
        if isinstance(sugg, dict):
            for algo in sugg.values():
                set_sa(algo)
        patch_katib_config(e["data"].get("katib-config.yaml"))
        return [e]
    if is_trial_template_cm(e):
        for v in e["data"].values():
            for s in pod_specs(v):
                set_sa(s)
        return [d, e]
    return [d]


def is_subsequence(a, b):
    it = iter(b)
    return all(c in it for c in a)


def rel_files(root):
    if os.path.isfile(root):
        return [""]
    out = []
    for r, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            if n.endswith((".yaml", ".yml", ".json")):
                out.append(os.path.relpath(os.path.join(r, n), root))
    return out


def main(argv):
    args = [a for a in argv[1:] if a != "--quiet"]
    quiet = len(args) != len(argv) - 1
    if len(args) != 2:
        sys.stderr.write("usage: verify.py [--quiet] ORIGINAL PATCHED\n")
        return 2
    orig_root, new_root = args
    s = {"files": 0, "changed": 0, "unchanged": 0, "ok": 0, "mismatched": 0, "missing": 0,
         "insertions_only": 0, "mismatch_examples": []}
    for rel in rel_files(orig_root):
        s["files"] += 1
        po, pn = os.path.join(orig_root, rel) if rel else orig_root, os.path.join(new_root, rel) if rel else new_root
        try:
            with open(po, "rb") as f:
                a = f.read()
            with open(pn, "rb") as f:
                b = f.read()
        except OSError:
            s["missing"] += 1
            continue
        if a == b:
            s["unchanged"] += 1
        else:
            s["changed"] += 1
            if is_subsequence(a, b):
                s["insertions_only"] += 1
        problem = None
        try:
            da = [normalize(d) for d in load_all(a)]
            db = [normalize(d) for d in load_all(b)]
            if len(da) != len(db):
                problem = "document count %d -> %d" % (len(da), len(db))
            else:
                for i, (x, y) in enumerate(zip(da, db)):
                    if y not in expected(x):
                        problem = "document %d (%s) differs from the expected patch" % (i, x.get("kind") if isinstance(x, dict) else type(x).__name__)
                        break
                may_change = any(f != x for x in da for f in expected(x))
                if problem is None and a != b and not may_change:
                    problem = "bytes changed although no document needed a change"
        except Exception as e:  # a patched file that does not load is a mismatch
            problem = "load error: %s" % str(e).splitlines()[0]
        if problem:
            s["mismatched"] += 1
            if len(s["mismatch_examples"]) < 5:
                s["mismatch_examples"].append("%s: %s" % (rel or pn, problem))
        else:
            s["ok"] += 1
    print(json.dumps(s))
    if not quiet and s["mismatched"]:
        for m in s["mismatch_examples"]:
            sys.stderr.write("verify: %s\n" % m)
    return 1 if s["mismatched"] or s["missing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
