#!/usr/bin/env python3
"""Deterministic corpus generator for the katib-sa benchmark.

    gen_corpus.py SEED OUTDIR NFILES           a directory of NFILES manifests
    gen_corpus.py --stream SEED OUTFILE MB     one multi-document file of >= MB
                                               megabytes (10^6 bytes)

The output depends only on SEED and the size argument (file i of a corpus is
derived from SEED and i alone, so a smaller corpus is a prefix of a larger one
with the same seed).  A JSON summary goes to stdout: "to_change" counts the files holding an
Experiment or a katib-config, "trial_templates_only" the files whose only Katib
content is a trial-template ConfigMap (katib-sa patches those too; the ruamel
baseline does not).

The corpus mixes Experiments of every trial kind (Job, TFJob, PyTorchJob,
MPIJob, XGBoostJob, MXJob, PaddleJob, JAXJob, Argo Workflow, Tekton
PipelineRun), old katib-configs (data.suggestion holding JSON), new
katib-configs (data."katib-config.yaml" holding a KatibConfig), bare KatibConfig
files, trial-template ConfigMaps, multi-document files and non-Katib files
(Deployments, Services).  Layout, indentation, sequence style, quoting and
comments vary from file to file.  No generated file contains
serviceAccountName anywhere, so every file holding an Experiment or a
katib-config needs a change.
"""

import json
import os
import random
import re
import sys

# --------------------------------------------------------------------------
# A small YAML writer with per-file style choices.


class Lit(str):
    """A literal block scalar (| or |-)."""

    chomp = ""


class LitStrip(Lit):
    chomp = "-"


class Q(str):
    """A string always written double-quoted."""


class SQ(str):
    """A string always written single-quoted."""


class Flow(list):
    """A sequence of scalars written in flow style: [a, b]."""


class Cmt:
    """A comment line, used as a mapping key (its value is ignored)."""

    def __init__(self, text):
        self.text = text


_SPECIAL_PLAIN = re.compile(
    r"""^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"""
    r"""|[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+"""
    r"""|[-+]?\d+(?::[0-5]?\d)+(?:\.\d*)?|\d{4}-\d\d?-\d\d?.*|<<|=)$"""
)


def _plain_ok(s, flow):
    if not s or s != s.strip() or "\n" in s:
        return False
    if _SPECIAL_PLAIN.match(s):
        return False
    if s[0] in "?:,[]{}#&*!|>'\"%@`":
        return False
    if s[0] == "-" and (len(s) == 1 or s[1] == " "):
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    return True


def scalar(v, flow=False):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, SQ):
        return "'" + v.replace("'", "''") + "'"
    if isinstance(v, Q) or not _plain_ok(v, flow):
        return json.dumps(v)
    return v


class Style:
    def __init__(self, r):
        self.step = 2 if r.random() < 0.8 else 4
        self.seq_indent = r.random() < 0.6  # "key:\n  - a" versus "key:\n- a"
        self.flow_p = 0.25 if r.random() < 0.5 else 0.0  # short scalar lists in flow style
        self.r = r

    def dump(self, node):
        out = []
        self._map(node, 0, out)
        return "\n".join(out) + "\n"

    def _value(self, key, v, ind, out):
        pre = " " * ind + key + ":"
        if isinstance(v, Lit):
            out.append(pre + " |" + v.chomp)
            body = " " * (ind + self.step)
            for line in v.rstrip("\n").split("\n"):
                out.append(body + line if line else "")
        elif isinstance(v, dict):
            if not v:
                out.append(pre + " {}")
            else:
                out.append(pre)
                self._map(v, ind + self.step, out)
        elif isinstance(v, list):
            if not v:
                out.append(pre + " []")
            elif isinstance(v, Flow):
                out.append(pre + " [" + ", ".join(scalar(x, True) for x in v) + "]")
            else:
                out.append(pre)
                self._seq(v, ind + (self.step if self.seq_indent else 0), out)
        else:
            out.append(pre + " " + scalar(v))

    def _map(self, m, ind, out):
        for k, v in m.items():
            if isinstance(k, Cmt):
                out.append(" " * ind + "# " + k.text)
            else:
                self._value(scalar(k), v, ind, out)

    def _seq(self, s, ind, out):
        for item in s:
            if isinstance(item, dict) and item:
                sub = []
                self._map(item, ind + 2, sub)
                sub[0] = " " * ind + "- " + sub[0][ind + 2 :]
                out.extend(sub)
            elif isinstance(item, (dict, list)):
                out.append(" " * ind + "- " + ("{}" if isinstance(item, dict) else "[]"))
            else:
                out.append(" " * ind + "- " + scalar(item))

    def lst(self, items):
        """A list of scalars, sometimes in flow style."""
        if self.flow_p and self.r.random() < self.flow_p and len(items) <= 6:
            return Flow(items)
        return list(items)


# --------------------------------------------------------------------------
# Vocabulary.

KATIB_VERSIONS = ["v0.14.0", "v0.15.0", "v0.16.0", "v0.17.0", "latest"]
ALGORITHMS = ["random", "tpe", "grid", "bayesianoptimization", "hyperband", "cmaes", "sobol", "multivariate-tpe"]
TEAMS = ["vision", "nlp", "recsys", "speech", "forecast", "fraud", "search", "ads", "ranking", "platform"]
DATASETS = ["mnist", "fashion-mnist", "cifar10", "imdb", "criteo", "librispeech", "wikitext", "coco"]
REGISTRIES = ["docker.io/kubeflowkatib", "ghcr.io/example-org/ml", "registry.internal.example.com/ml-team",
              "gcr.io/example-project/training"]
TRIAL_KINDS = ["Job", "TFJob", "PyTorchJob", "MPIJob", "XGBoostJob", "MXJob", "PaddleJob", "JAXJob",
               "Workflow", "PipelineRun"]

PARAMS = [
    # name, type, min, max, step, trial parameter name, description, flag
    ("lr", "double", "0.001", "0.1", None, "learningRate", "Learning rate for the training model", "--lr"),
    ("momentum", "double", "0.5", "0.99", None, "momentum", "Momentum for the optimizer", "--momentum"),
    ("num-layers", "int", "2", "8", None, "numberLayers", "Number of training model layers", "--num-layers"),
    ("batch-size", "int", "16", "256", "16", "batchSize", "Mini-batch size", "--batch-size"),
    ("dropout", "double", "0.1", "0.6", "0.05", "dropoutRate", "Dropout rate", "--dropout"),
    ("weight-decay", "double", "0.00001", "0.01", None, "weightDecay", "L2 weight decay", "--weight-decay"),
    ("epochs", "int", "1", "20", None, "numEpochs", "Number of epochs to train", "--epochs"),
    ("optimizer", "categorical", None, None, None, "optimizer", "Training optimizer", "--optimizer"),
    ("hidden-units", "discrete", None, None, None, "hiddenUnits", "Width of the hidden layers", "--hidden-units"),
]


def image(r, name):
    return "%s/%s:%s" % (r.choice(REGISTRIES), name, r.choice(KATIB_VERSIONS))


def resources(r):
    cpu = r.choice(["500m", "1", "2", "4"])
    mem = r.choice(["512Mi", "1Gi", "2Gi", "4Gi", "8Gi"])
    res = {"limits": {"cpu": cpu, "memory": mem}}
    if r.random() < 0.6:
        res["requests"] = {"cpu": r.choice(["100m", "250m", "500m"]), "memory": r.choice(["256Mi", "512Mi", "1Gi"])}
    if r.random() < 0.15:
        res["limits"]["nvidia.com/gpu"] = r.choice([1, 2])
    return res


def env(r):
    pool = [
        {"name": "PYTHONUNBUFFERED", "value": Q("1")},
        {"name": "DATA_DIR", "value": "/data/%s" % r.choice(DATASETS)},
        {"name": "LOG_LEVEL", "value": r.choice(["INFO", "DEBUG", "WARNING"])},
        {"name": "OMP_NUM_THREADS", "value": Q(str(r.choice([1, 2, 4])))},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "WANDB_MODE", "value": "offline"},
        {"name": "HF_HOME", "value": "/cache/huggingface"},
    ]
    return r.sample(pool, r.randint(1, 4))


# --------------------------------------------------------------------------
# Experiments.


def parameters(r, st):
    chosen = r.sample(PARAMS, r.randint(2, 4))
    params, trial_params, flags = [], [], []
    for name, ptype, lo, hi, step, tname, desc, flag in chosen:
        if ptype == "categorical":
            space = {"list": st.lst(r.sample(["sgd", "adam", "ftrl", "adagrad", "rmsprop", "lamb"], r.randint(2, 4)))}
        elif ptype == "discrete":
            space = {"list": st.lst([Q(str(x)) for x in r.sample([32, 64, 128, 256, 512, 1024], r.randint(2, 4))])}
        else:
            space = {"min": Q(lo), "max": Q(hi)}
            if step:
                space["step"] = Q(step)
        params.append({"name": name, "parameterType": ptype, "feasibleSpace": space})
        tp = {"name": tname, "description": desc, "reference": name}
        if r.random() < 0.3:
            tp = {"name": tname, "reference": name}
        trial_params.append(tp)
        flags.append("%s=${trialParameters.%s}" % (flag, tname))
    return params, trial_params, flags


def train_command(r, st, script, flags):
    cmd = ["python3", script] + flags
    if r.random() < 0.5:
        cmd = [Q(x) for x in cmd]
    if r.random() < 0.2:
        return {"command": st.lst(["python3", script]), "args": [Q(x) for x in flags]}
    return {"command": cmd}


def container(r, st, name, img, flags, script, gpu_ok=True):
    c = {"name": name, "image": img}
    if r.random() < 0.4:
        c["imagePullPolicy"] = r.choice(["IfNotPresent", "Always"])
    c.update(train_command(r, st, script, flags))
    if r.random() < 0.6:
        c["env"] = env(r)
    if r.random() < 0.7:
        c["resources"] = resources(r)
    if r.random() < 0.4:
        c["volumeMounts"] = [{"name": "data", "mountPath": "/data", "readOnly": True}]
        if r.random() < 0.5:
            c["volumeMounts"].append({"name": "dshm", "mountPath": "/dev/shm"})
    return c


def pod_spec(r, st, containers, restart=None, volumes=False):
    spec = {}
    if restart and r.random() < 0.3:
        spec["restartPolicy"] = restart
    spec["containers"] = containers
    if restart and "restartPolicy" not in spec:
        spec["restartPolicy"] = restart
    if volumes or r.random() < 0.2:
        spec["volumes"] = [
            {"name": "data", "persistentVolumeClaim": {"claimName": "%s-data" % r.choice(DATASETS)}},
            {"name": "dshm", "emptyDir": {"medium": "Memory"}},
        ]
    if r.random() < 0.2:
        spec["nodeSelector"] = {"node.kubernetes.io/instance-type": r.choice(["m5.2xlarge", "n2-standard-8", "c6i.4xlarge"])}
    if r.random() < 0.15:
        spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    if r.random() < 0.1:
        spec["securityContext"] = {"runAsUser": 1000, "fsGroup": 100}
    return spec


def pod_template(r, st, containers, restart=None):
    t = {}
    if r.random() < 0.4:
        t["metadata"] = {"annotations": {"sidecar.istio.io/inject": Q("false")}}
    t["spec"] = pod_spec(r, st, containers, restart)
    return t


REPLICA_KINDS = {
    # kind: (spec key, replica names, container name, image, script)
    "TFJob": ("tfReplicaSpecs", ["Chief", "PS", "Worker"], "tensorflow", "tf-mnist-with-summaries", "/opt/tf-mnist-with-summaries/mnist.py"),
    "PyTorchJob": ("pytorchReplicaSpecs", ["Master", "Worker"], "pytorch", "pytorch-mnist-cpu", "/opt/pytorch-mnist/mnist.py"),
    "MPIJob": ("mpiReplicaSpecs", ["Launcher", "Worker"], "training-container", "mpi-horovod-mnist", "/examples/tensorflow2_mnist.py"),
    "XGBoostJob": ("xgbReplicaSpecs", ["Master", "Worker"], "xgboost", "xgboost-dist-iris", "/opt/xgboost-dist/main.py"),
    "MXJob": ("mxReplicaSpecs", ["Scheduler", "Server", "Worker"], "mxnet", "mxnet-mnist", "/opt/mxnet-mnist/mnist.py"),
    "PaddleJob": ("paddleReplicaSpecs", ["Master", "Worker"], "paddle", "paddle-mnist", "/opt/paddle-mnist/train.py"),
    "JAXJob": ("jaxReplicaSpecs", ["Worker"], "jax", "jax-mnist", "/opt/jax-mnist/train.py"),
}


def trial_spec(r, st, kind, flags):
    """Returns (trialSpec, extra trialTemplate fields)."""
    if kind == "Job":
        name = "training-container"
        c = container(r, st, name, image(r, r.choice(["pytorch-mnist-cpu", "mxnet-mnist", "tf-mnist-with-summaries"])), flags,
                      "/opt/train/%s.py" % r.choice(DATASETS))
        spec = {"apiVersion": "batch/v1", "kind": "Job", "spec": {"template": pod_template(r, st, [c], "Never")}}
        if r.random() < 0.3:
            spec["spec"] = dict([("backoffLimit", 0)] + list(spec["spec"].items()))
        return spec, {"primaryContainerName": name}
    if kind in REPLICA_KINDS:
        key, roles, cname, img, script = REPLICA_KINDS[kind]
        if kind == "TFJob":
            roles = r.choice([["Chief", "Worker"], ["PS", "Worker"], ["Worker"]])
        replica_specs = {}
        for role in roles:
            rs = {}
            if role in ("Chief", "Master", "Launcher", "Scheduler"):
                rs["replicas"] = 1
            else:
                rs["replicas"] = r.choice([1, 2, 3, 4])
            rs["restartPolicy"] = r.choice(["OnFailure", "Never"])
            role_flags = flags if role != "Server" else []
            c = container(r, st, cname, image(r, img), role_flags, script)
            if kind == "MPIJob" and role == "Worker":
                c = {"name": cname, "image": c["image"], "resources": resources(r)}
            rs["template"] = pod_template(r, st, [c])
            replica_specs[role] = rs
        spec = {}
        if kind == "MPIJob":
            spec = {"slotsPerWorker": 1, "cleanPodPolicy": "Running"}
        elif kind in ("TFJob", "PyTorchJob") and r.random() < 0.4:
            spec = {"runPolicy": {"cleanPodPolicy": "None"}}
        spec[key] = replica_specs
        api = "kubeflow.org/v2beta1" if kind == "MPIJob" and r.random() < 0.4 else "kubeflow.org/v1"
        extra = {"primaryContainerName": cname}
        if kind == "MPIJob":
            extra["primaryPodLabels"] = {"training.kubeflow.org/job-role": "launcher"}
        elif len(roles) > 1 and r.random() < 0.5:
            extra["primaryPodLabels"] = {"training.kubeflow.org/replica-type": roles[0].lower()}
        return {"apiVersion": api, "kind": kind, "spec": spec}, extra
    if kind == "Workflow":
        train_cmd = train_command(r, st, "/opt/train/train.py", flags)
        prep = {"name": "data-preprocessing", "image": image(r, "data-preprocessing"),
                "command": st.lst(["python3", "/opt/prep/prep.py", "--dataset=%s" % r.choice(DATASETS)])}
        train = {"name": "model-training", "image": image(r, "model-training")}
        train.update(train_cmd)
        if r.random() < 0.6:
            train["resources"] = resources(r)
        spec = {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "spec": {
                "entrypoint": "hyperparameter-tuning",
                "templates": [
                    {"name": "hyperparameter-tuning", "dag": {"tasks": [
                        {"name": "data-preprocessing", "template": "data-preprocessing"},
                        {"name": "model-training", "template": "model-training",
                         "dependencies": st.lst(["data-preprocessing"])},
                    ]}},
                    {"name": "data-preprocessing", "container": prep},
                    {"name": "model-training", "metadata": {"labels": {"katib.kubeflow.org/model-training": Q("true")}},
                     "container": train},
                ],
            },
        }
        if r.random() < 0.3:
            spec["spec"] = dict([("podGC", {"strategy": "OnPodCompletion"})] + list(spec["spec"].items()))
        return spec, {
            "primaryPodLabels": {"katib.kubeflow.org/model-training": Q("true")},
            "primaryContainerName": "main",
            "successCondition": 'status.[@this].#(phase=="Succeeded")#',
            "failureCondition": 'status.[@this].#(phase=="Failed")#',
        }
    if kind == "PipelineRun":
        pnames = [f.split("=")[0].lstrip("-") for f in flags]
        api = "tekton.dev/v1beta1" if r.random() < 0.7 else "tekton.dev/v1"
        steps_args = "python3 /opt/train/train.py " + " ".join("%s=$(params.%s)" % (f.split("=")[0], p)
                                                               for f, p in zip(flags, pnames))
        spec = {
            "apiVersion": api,
            "kind": "PipelineRun",
            "spec": {
                "params": [{"name": p, "value": f.split("=", 1)[1]} for f, p in zip(flags, pnames)],
                "pipelineSpec": {
                    "params": [{"name": p, "description": "Hyperparameter %s" % p} for p in pnames],
                    "tasks": [
                        {"name": "data-preprocessing", "taskSpec": {"steps": [
                            {"name": "data-preprocessing", "image": "python:3.11-alpine",
                             "command": st.lst(["sh", "-c"]),
                             "args": ["python3 -c 'print(\"preprocessing %s\")'" % r.choice(DATASETS)]}]}},
                        {"name": "model-training", "runAfter": st.lst(["data-preprocessing"]),
                         "params": [{"name": p, "value": "$(params.%s)" % p} for p in pnames],
                         "taskSpec": {
                             "params": [{"name": p} for p in pnames],
                             "steps": [{"name": "model-training", "image": image(r, "model-training"),
                                        "command": st.lst(["sh", "-c"]), "args": [steps_args]}]}},
                    ],
                },
            },
        }
        return spec, {
            "primaryPodLabels": {"tekton.dev/pipelineTask": "model-training"},
            "primaryContainerName": "step-model-training",
            "successCondition": 'status.conditions.#(type=="Succeeded")#.status=="True"',
            "failureCondition": 'status.conditions.#(type=="Succeeded")#.status=="False"',
        }
    raise ValueError(kind)


def experiment(r, st, idx, kind):
    team = r.choice(TEAMS)
    algo = r.choice(ALGORITHMS)
    meta = {"namespace": "kubeflow-user-%s" % team, "name": "%s-%s-%d" % (algo, kind.lower(), idx)}
    if r.random() < 0.4:
        meta["labels"] = {"team": team, "app.kubernetes.io/part-of": "hpo"}
    if r.random() < 0.2:
        meta["annotations"] = {"example.com/owner": "%s@example.com" % team}
    maximize = r.random() < 0.7
    objective = {
        "type": "maximize" if maximize else "minimize",
        "goal": round(r.uniform(0.9, 0.999), 3) if maximize else round(r.uniform(0.01, 0.2), 3),
        "objectiveMetricName": "Validation-accuracy" if maximize else "loss",
    }
    if r.random() < 0.6:
        objective["additionalMetricNames"] = st.lst(["Train-accuracy"] if maximize else ["accuracy"])
    algorithm = {"algorithmName": algo}
    if algo == "bayesianoptimization" or (algo in ("tpe", "random", "multivariate-tpe") and r.random() < 0.3):
        algorithm["algorithmSettings"] = [{"name": "random_state", "value": Q(str(r.randint(1, 100)))}]
    params, trial_params, flags = parameters(r, st)
    spec = {}
    if r.random() < 0.3:
        spec[Cmt("What the trials optimise.")] = None
    spec["objective"] = objective
    spec["algorithm"] = algorithm
    if r.random() < 0.2:
        spec["earlyStopping"] = {"algorithmName": "medianstop", "algorithmSettings": [
            {"name": "min_trials_required", "value": Q("2")}, {"name": "start_step", "value": Q("4")}]}
    spec["parallelTrialCount"] = r.choice([1, 2, 3, 4])
    spec["maxTrialCount"] = r.choice([6, 12, 20, 30, 50])
    spec["maxFailedTrialCount"] = r.choice([1, 3, 5])
    if r.random() < 0.25:
        if r.random() < 0.5:
            spec["metricsCollectorSpec"] = {"collector": {"kind": "File"}, "source": {
                "fileSystemPath": {"path": "/var/log/katib/metrics.log", "kind": "File"}}}
        else:
            spec["metricsCollectorSpec"] = {"collector": {"kind": "TensorFlowEvent"}, "source": {
                "fileSystemPath": {"path": "/tmp/tb/train", "kind": "Directory"}}}
    spec["parameters"] = params
    ts, extra = trial_spec(r, st, kind, flags)
    tt = {}
    for k in ("primaryPodLabels", "primaryContainerName", "successCondition", "failureCondition"):
        if k in extra:
            tt[k] = extra[k]
    tt["trialParameters"] = trial_params
    if r.random() < 0.25:
        tt[Cmt("The trial runs as a %s." % kind)] = None
    tt["trialSpec"] = ts
    if r.random() < 0.2:
        tt["retain"] = True
    spec["trialTemplate"] = tt
    if r.random() < 0.15:
        spec["resumePolicy"] = r.choice(["Never", "LongRunning", "FromVolume"])
    return {"apiVersion": "kubeflow.org/v1beta1", "kind": "Experiment", "metadata": meta, "spec": spec}


# --------------------------------------------------------------------------
# katib-configs and trial templates.

SUGGESTION_IMAGES = {
    "random": "suggestion-hyperopt", "tpe": "suggestion-hyperopt", "grid": "suggestion-optuna",
    "hyperband": "suggestion-hyperband", "bayesianoptimization": "suggestion-skopt",
    "cmaes": "suggestion-goptuna", "sobol": "suggestion-goptuna", "multivariate-tpe": "suggestion-optuna",
    "enas": "suggestion-enas", "darts": "suggestion-darts", "pbt": "suggestion-pbt",
}


def suggestion_entries(r):
    version = r.choice(KATIB_VERSIONS[:4])
    names = list(SUGGESTION_IMAGES)
    if r.random() < 0.3:
        names = r.sample(names, r.randint(3, len(names)))
    out = []
    for n in names:
        e = {"image": "docker.io/kubeflowkatib/%s:%s" % (SUGGESTION_IMAGES[n], version)}
        if n == "enas" or (r.random() < 0.2):
            e["resources"] = {"limits": {"memory": r.choice(["200Mi", "400Mi", "1Gi"])}}
        if n == "pbt":
            e["persistentVolumeClaimSpec"] = {"accessModes": ["ReadWriteMany"],
                                              "resources": {"requests": {"storage": "5Gi"}}}
        if r.random() < 0.1:
            e["imagePullPolicy"] = "IfNotPresent"
        out.append((n, e))
    return version, out


def old_katib_config(r, st):
    version, sugg = suggestion_entries(r)
    ind = r.choice([2, 4])
    mc = {"StdOut": {"image": "docker.io/kubeflowkatib/file-metrics-collector:%s" % version},
          "File": {"image": "docker.io/kubeflowkatib/file-metrics-collector:%s" % version},
          "TensorFlowEvent": {"image": "docker.io/kubeflowkatib/tfevent-metrics-collector:%s" % version,
                              "resources": {"limits": {"memory": "1Gi"}}}}
    lit = Lit if r.random() < 0.7 else LitStrip
    data = {
        "metrics-collector-sidecar": lit(json.dumps(mc, indent=ind) + "\n"),
        "suggestion": lit(json.dumps(dict(sugg), indent=ind) + "\n"),
        "early-stopping": lit(json.dumps({"medianstop": {
            "image": "docker.io/kubeflowkatib/earlystopping-medianstop:%s" % version}}, indent=ind) + "\n"),
    }
    if r.random() < 0.5:
        data = dict([("suggestion", data["suggestion"])] + [(k, v) for k, v in data.items() if k != "suggestion"])
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "katib-config", "namespace": "kubeflow"}, "data": data}


def katib_config_body(r):
    version, sugg = suggestion_entries(r)
    init = {"controller": {"webhookPort": 8443, "trialResources": [
        "Job.v1.batch", "TFJob.v1.kubeflow.org", "PyTorchJob.v1.kubeflow.org", "MPIJob.v1.kubeflow.org",
        "XGBoostJob.v1.kubeflow.org", "MXJob.v1.kubeflow.org", "PaddleJob.v1.kubeflow.org",
        "JAXJob.v1.kubeflow.org", "Workflow.v1alpha1.argoproj.io", "PipelineRun.v1beta1.tekton.dev"]}}
    if r.random() < 0.4:
        init["controller"]["enableLeaderElection"] = True
    suggestions = []
    for n, e in sugg:
        item = {"algorithmName": n}
        item.update(e)
        suggestions.append(item)
    runtime = {
        "metricsCollectors": [
            {"kind": "StdOut", "image": "docker.io/kubeflowkatib/file-metrics-collector:%s" % version},
            {"kind": "File", "image": "docker.io/kubeflowkatib/file-metrics-collector:%s" % version},
            {"kind": "TensorFlowEvent", "image": "docker.io/kubeflowkatib/tfevent-metrics-collector:%s" % version,
             "resources": {"limits": {"memory": "1Gi"}}},
        ],
        "suggestions": suggestions,
        "earlyStoppings": [{"algorithmName": "medianstop",
                            "image": "docker.io/kubeflowkatib/earlystopping-medianstop:%s" % version}],
    }
    if r.random() < 0.3:
        runtime = dict([("suggestions", suggestions)] + [(k, v) for k, v in runtime.items() if k != "suggestions"])
    return {"apiVersion": "config.kubeflow.org/v1beta1", "kind": "KatibConfig", "init": init, "runtime": runtime}


def new_katib_config(r, st):
    inner_style = Style(r)
    inner = inner_style.dump(katib_config_body(r))
    if r.random() < 0.5:
        inner = "---\n" + inner
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "katib-config", "namespace": "kubeflow"},
            "data": {"katib-config.yaml": Lit(inner)}}


def trial_template_cm(r, st, idx):
    data = {}
    for i in range(r.randint(1, 3)):
        kind = r.choice(["Job", "PyTorchJob"])
        params, _, flags = parameters(r, st)
        ts, _ = trial_spec(r, st, kind, flags)
        body = Style(r).dump(ts)
        data["%sTemplate%s.yaml" % ("job" if kind == "Job" else "pytorchJob", "" if i == 0 else str(i))] = \
            (Lit if r.random() < 0.5 else LitStrip)(body)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "trial-templates-%d" % idx, "namespace": "kubeflow",
                         "labels": {"katib.kubeflow.org/component": "trial-templates"}},
            "data": data}


# --------------------------------------------------------------------------
# Non-Katib objects.


def deployment(r, st, idx):
    app = "%s-%s-%d" % (r.choice(TEAMS), r.choice(["api", "web", "worker", "gateway"]), idx)
    labels = {"app": app, "app.kubernetes.io/name": app}
    c = {"name": app, "image": "%s/%s:%s" % (r.choice(REGISTRIES), app.rsplit("-", 1)[0], r.choice(["1.4.2", "2.0.0", "sha-3f9c2e1"])),
         "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}
    if r.random() < 0.3:
        c["ports"].append({"name": "metrics", "containerPort": 9090})
    c["env"] = env(r)
    c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 5, "periodSeconds": 10}
    if r.random() < 0.7:
        c["livenessProbe"] = {"httpGet": {"path": "/livez", "port": "http"}, "failureThreshold": 3}
    c["resources"] = resources(r)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app, "namespace": r.choice(["default", "kubeflow", "apps"]), "labels": labels},
            "spec": {"replicas": r.randint(1, 5), "selector": {"matchLabels": {"app": app}},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": Q("25%"), "maxUnavailable": 0}},
                     "template": {"metadata": {"labels": labels}, "spec": pod_spec(r, st, [c])}}}


def service(r, st, idx):
    app = "%s-svc-%d" % (r.choice(TEAMS), idx)
    ports = [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    if r.random() < 0.4:
        ports.append({"name": "metrics", "port": 9090, "targetPort": 9090})
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": app, "namespace": r.choice(["default", "kubeflow", "apps"]),
                         "labels": {"app": app},
                         "annotations": {"prometheus.io/scrape": Q("true"), "prometheus.io/port": Q("9090")}},
            "spec": {"type": r.choice(["ClusterIP", "ClusterIP", "NodePort"]), "selector": {"app": app}, "ports": ports}}


# --------------------------------------------------------------------------
# Files.

HEADERS = [
    "Generated for the katib-sa benchmark.",
    "Hyperparameter tuning job for the %s team.",
    "Copyright 2024 The Example Authors. Licensed under the Apache License 2.0.",
    "Managed by kustomize; edit the base, not this file.",
]


def render(r, docs):
    """Render a list of documents (dicts) into one file's text."""
    parts = []
    if r.random() < 0.3:
        parts.append("# " + r.choice(HEADERS).replace("%s", r.choice(TEAMS)) + "\n")
    lead = r.random() < 0.3
    for i, d in enumerate(docs):
        if i > 0 or lead:
            parts.append("---\n")
        parts.append(Style(r).dump(d))
    if len(docs) > 1 and r.random() < 0.2:
        parts.append("---\n")  # trailing separator followed by nothing: an empty document
    return "".join(parts)


# category: (weight, changes?)  -- "changes" means the file holds an Experiment or a katib-config
CATEGORIES = [
    ("experiment", 50), ("old-katib-config", 4), ("new-katib-config", 4), ("katib-config-bare", 3),
    ("trial-templates", 7), ("multi", 12), ("deployment", 9), ("service", 6), ("deployment-service", 5),
]


def pick(r, table):
    total = sum(w for _, w in table)
    x = r.uniform(0, total)
    for name, w in table:
        x -= w
        if x < 0:
            return name
    return table[-1][0]


def single_doc(r, idx, cat):
    """Returns (doc, needs_change); needs_change: an Experiment or a katib-config."""
    st = Style(r)
    if cat == "experiment":
        return experiment(r, st, idx, r.choice(TRIAL_KINDS)), True
    if cat == "old-katib-config":
        return old_katib_config(r, st), True
    if cat == "new-katib-config":
        return new_katib_config(r, st), True
    if cat == "katib-config-bare":
        return katib_config_body(r), True
    if cat == "trial-templates":
        return trial_template_cm(r, st, idx), False
    if cat == "deployment":
        return deployment(r, st, idx), False
    if cat == "service":
        return service(r, st, idx), False
    raise ValueError(cat)


def make_file(seed, idx):
    """Returns (relative path, text, category, needs_change, has_trial_templates, ndocs)."""
    r = random.Random("%s:%d" % (seed, idx))
    cat = pick(r, CATEGORIES)
    if cat == "multi":
        subs = [pick(r, [("experiment", 6), ("old-katib-config", 1), ("new-katib-config", 1),
                         ("trial-templates", 1), ("deployment", 2), ("service", 2)]) for _ in range(r.randint(2, 3))]
        docs, change = [], False
        templates = "trial-templates" in subs
        for j, s in enumerate(subs):
            d, c = single_doc(r, idx * 10 + j, s)
            docs.append(d)
            change = change or c
    elif cat == "deployment-service":
        docs, change = [deployment(r, Style(r), idx), service(r, Style(r), idx)], False
        templates = False
    else:
        d, change = single_doc(r, idx, cat)
        docs = [d]
        templates = cat == "trial-templates"
    text = render(r, docs)
    if cat == "experiment":
        stem = "experiment-%s" % docs[0]["spec"]["trialTemplate"]["trialSpec"]["kind"].lower()
    else:
        stem = cat
    ext = ".yml" if r.random() < 0.1 else ".yaml"
    path = os.path.join("d%03d" % (idx // 250), "%s-%05d%s" % (stem, idx, ext))
    return path, text, cat, change, templates, len(docs)


def check_text(text, where):
    if "serviceAccountName" in text:
        raise SystemExit("gen_corpus: internal error: serviceAccountName in %s" % where)


def gen_dir(seed, outdir, nfiles):
    summary = {"seed": seed, "files": 0, "bytes": 0, "documents": 0, "to_change": 0,
               "trial_templates_only": 0, "categories": {}}
    made = set()
    for i in range(nfiles):
        path, text, cat, change, templates, ndocs = make_file(seed, i)
        check_text(text, path)
        full = os.path.join(outdir, path)
        d = os.path.dirname(full)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        data = text.encode()
        with open(full, "wb") as f:
            f.write(data)
        summary["files"] += 1
        summary["bytes"] += len(data)
        summary["documents"] += ndocs
        summary["to_change"] += int(change)
        summary["trial_templates_only"] += int(templates and not change)
        summary["categories"][cat] = summary["categories"].get(cat, 0) + 1
    return summary


STREAM_CATEGORIES = [("experiment", 60), ("old-katib-config", 3), ("new-katib-config", 3),
                     ("trial-templates", 7), ("deployment", 15), ("service", 12)]


def gen_stream(seed, outfile, mb):
    target = int(mb * 1_000_000)
    summary = {"seed": seed, "bytes": 0, "documents": 0, "to_change": 0, "categories": {}}
    with open(outfile, "wb") as f:
        i = 0
        while summary["bytes"] < target:
            r = random.Random("%s:stream:%d" % (seed, i))
            cat = pick(r, STREAM_CATEGORIES)
            doc, change = single_doc(r, i, cat)
            text = ("---\n" if i > 0 or r.random() < 0.5 else "") + Style(r).dump(doc)
            check_text(text, "stream document %d" % i)
            data = text.encode()
            f.write(data)
            summary["bytes"] += len(data)
            summary["documents"] += 1
            summary["to_change"] += int(change)
            summary["categories"][cat] = summary["categories"].get(cat, 0) + 1
            i += 1
    return summary


def main(argv):
    if len(argv) == 5 and argv[1] == "--stream":
        summary = gen_stream(argv[2], argv[3], float(argv[4]))
    elif len(argv) == 4 and not argv[1].startswith("-"):
        summary = gen_dir(argv[1], argv[2], int(argv[3]))
    else:
        sys.stderr.write("usage: gen_corpus.py SEED OUTDIR NFILES\n"
                         "       gen_corpus.py --stream SEED OUTFILE MB\n")
        return 2
    json.dump(summary, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
