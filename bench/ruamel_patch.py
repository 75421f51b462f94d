#!/usr/bin/env python3
"""The katib-sa patch done with a ruamel.yaml round trip: the comparison row.

    ruamel_patch.py [--quiet] PATH...

Walks each directory PATH (sorted, recursive; *.yaml, *.yml, *.json) and takes
each other PATH as a file.  Every file is loaded with ruamel.yaml's round-trip
loader; a file is rewritten in place only if one of its documents changed, the
same way floor.c does it (temporary file in the same directory, original mode,
write, fsync, rename).

The patch inserts serviceAccountName: default-editor where it is missing:
  * Experiment (kubeflow.org): every pod template under
    spec.trialTemplate.trialSpec, i.e. every mapping under a "template" key
    whose "spec" has "containers" (Job, TFJob, PyTorchJob, MPIJob, XGBoostJob,
    MXJob, PaddleJob, JAXJob); an Argo Workflow gets spec.serviceAccountName;
    a Tekton PipelineRun gets spec.serviceAccountName (tekton.dev/v1beta1) or
    spec.taskRunTemplate.serviceAccountName (tekton.dev/v1).
  * Old katib-config (ConfigMap katib-config, data.suggestion holding JSON):
    every algorithm object; the JSON is dumped again with its indentation.
  * New katib-config (ConfigMap katib-config, data."katib-config.yaml") and
    the bare KatibConfig: every item of runtime.suggestions.
Trial-template ConfigMaps and non-Katib documents are left alone.

ruamel.yaml keeps comments, key order and quoting, but normalises indentation
and sequence style, so files change beyond the inserted lines.

Exit status: 0 on success, 2 if any file failed.
"""

import io
import json
import os
import re
import sys
import tempfile

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

SA_KEY = "serviceAccountName"
SA = "default-editor"


def new_yaml():
    y = YAML()  # round trip
    y.preserve_quotes = True
    y.width = 1 << 16  # do not fold long lines
    return y


YAML_RT = new_yaml()


def set_sa(m):
    if isinstance(m, dict) and SA_KEY not in m:
        m[SA_KEY] = SA
        return True
    return False


def pod_templates(node):
    """Yield the pod spec of every pod template (template: {spec: {containers: ...}}) under node."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "template" and isinstance(v, dict) and isinstance(v.get("spec"), dict) \
                    and "containers" in v["spec"]:
                yield v["spec"]
            else:
                yield from pod_templates(v)
    elif isinstance(node, list):
        for x in node:
            yield from pod_templates(x)


def patch_experiment(doc):
    spec = doc.get("spec")
    tt = spec.get("trialTemplate") if isinstance(spec, dict) else None
    ts = tt.get("trialSpec") if isinstance(tt, dict) else None
    if not isinstance(ts, dict):
        return False
    kind, api = ts.get("kind"), str(ts.get("apiVersion", ""))
    if kind == "Workflow" and api.startswith("argoproj.io/"):
        return set_sa(ts.get("spec"))
    if kind == "PipelineRun" and api.startswith("tekton.dev/"):
        s = ts.get("spec")
        if not isinstance(s, dict):
            return False
        if api == "tekton.dev/v1beta1":
            return set_sa(s)
        if "taskRunTemplate" not in s:
            s["taskRunTemplate"] = CommentedMap()
        return set_sa(s["taskRunTemplate"])
    changed = False
    for pod_spec in pod_templates(ts):
        changed |= set_sa(pod_spec)
    return changed


def patch_katib_config_body(doc):
    rt = doc.get("runtime")
    sugg = rt.get("suggestions") if isinstance(rt, dict) else None
    changed = False
    for item in sugg if isinstance(sugg, list) else []:
        changed |= set_sa(item)
    return changed


def json_indent(text):
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" ")
        if stripped:
            return len(line) - len(stripped)
    return 2


def patch_old_config(data):
    text = data["suggestion"]
    obj = json.loads(text)
    changed = False
    for algo in obj.values() if isinstance(obj, dict) else []:
        changed |= set_sa(algo)
    if changed:
        out = json.dumps(obj, indent=json_indent(text))
        if text.endswith("\n"):
            out += "\n"
        data["suggestion"] = LiteralScalarString(out)
    return changed


def patch_new_config(data):
    text = data["katib-config.yaml"]
    y = new_yaml()
    inner = y.load(text)
    if not isinstance(inner, dict) or not patch_katib_config_body(inner):
        return False
    y.explicit_start = text.lstrip().startswith("---")
    buf = io.StringIO()
    y.dump(inner, buf)
    data["katib-config.yaml"] = LiteralScalarString(buf.getvalue())
    return True


def patch_doc(doc):
    if not isinstance(doc, dict):
        return False
    kind, api = doc.get("kind"), str(doc.get("apiVersion", ""))
    if kind == "Experiment" and api.startswith("kubeflow.org/"):
        return patch_experiment(doc)
    if kind == "KatibConfig" and api.startswith("config.kubeflow.org/"):
        return patch_katib_config_body(doc)
    if kind == "ConfigMap" and api == "v1":
        meta, data = doc.get("metadata"), doc.get("data")
        if not (isinstance(meta, dict) and meta.get("name") == "katib-config" and isinstance(data, dict)):
            return False
        changed = False
        if isinstance(data.get("suggestion"), str):
            changed |= patch_old_config(data)
        if isinstance(data.get("katib-config.yaml"), str):
            changed |= patch_new_config(data)
        return changed
    return False


def write_durably(path, data, mode):
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".ruamel-", suffix=".tmp")
    try:
        os.fchmod(fd, mode & 0o7777)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.rename(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        os.unlink(tmp)
        raise


def patch_file(path):
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        text = f.read().decode("utf-8")
    docs = list(YAML_RT.load_all(text))
    changed = False
    for doc in docs:
        changed |= patch_doc(doc)
    if not changed:
        return False
    buf = io.StringIO()
    YAML_RT.explicit_start = len(docs) > 1 or re.search(r"(?m)^---(?:\s|$)", text) is not None
    YAML_RT.dump_all(docs, buf)
    write_durably(path, buf.getvalue().encode("utf-8"), st.st_mode)
    return True


def files_under(paths):
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, names in os.walk(p):
                dirs.sort()
                for n in names:
                    if n.endswith((".yaml", ".yml", ".json")):
                        found.append(os.path.join(root, n))
            yield from sorted(found)
        else:
            yield p


def main(argv):
    args = argv[1:]
    quiet = "--quiet" in args
    args = [a for a in args if a != "--quiet"]
    if not args or any(a.startswith("-") for a in args):
        sys.stderr.write("usage: ruamel_patch.py [--quiet] PATH...\n")
        return 2
    n = changed = errors = 0
    for path in files_under(args):
        n += 1
        try:
            changed += patch_file(path)
        except Exception as e:  # report and go on, like katib-sa
            errors += 1
            sys.stderr.write("ruamel_patch: %s: %s\n" % (path, e))
    if not quiet:
        sys.stderr.write("ruamel_patch: %d files, %d changed, %d errors\n" % (n, changed, errors))
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
