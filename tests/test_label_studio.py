"""The annotation loop against a real Label Studio server on localhost (slow; CI runs it).

Label Studio lives in its own virtual environment (it pins many packages); the test finds
its executable in LABEL_STUDIO_BIN, e.g.

    python3 -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio
    LABEL_STUDIO_BIN=/tmp/ls-venv/bin/label-studio \
        python -m pytest -m slow tests/test_label_studio.py

It starts the server on a free port with a data directory of its own, makes an admin and
an annotator without prompts (`label-studio start/init --username --password
--user-token`), and drives it over the HTTP API as a person would in the browser: a
project with `annotate export`'s labeling config, the exported tasks imported, each task
labelled by the annotator (one by the admin too, one left alone), the project exported
as JSON and as CSV through the export endpoint, and both exports brought back with
`newsroles annotate import`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import cli
from test_annotate import _data_args, _truth, loop_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

ADMIN, ANNOTATOR = "admin@example.com", "annotator@example.com"
ADMIN_TOKEN, ANNOTATOR_TOKEN = "newsroles-admin-token", "newsroles-annotator-token"
PASSWORD = "newsroles-test-password"
START_TIMEOUT_S = 240  # first start applies the database migrations


def _label_studio_bin() -> str:
    """The executable, or a skip (outside CI) / failure (in CI) that says why not."""
    found = os.environ.get("LABEL_STUDIO_BIN")
    why = None
    if not found:
        why = "LABEL_STUDIO_BIN is not set (a label-studio executable in its own venv)"
    elif not (Path(found).is_file() and os.access(found, os.X_OK)):
        why = f"LABEL_STUDIO_BIN={found} is not an executable file"
    if why is None:
        return found
    if os.environ.get("CI") == "true":  # CI installs it: its absence is a failure
        pytest.fail(why)
    pytest.skip(why)


if not os.environ.get("LABEL_STUDIO_BIN") and os.environ.get("CI") != "true":
    pytest.skip("LABEL_STUDIO_BIN is not set (a label-studio executable in its own venv)",
                allow_module_level=True)  # before any fixture trains a model for nothing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    annotator_id: int
    admin_id: int

    def call(self, method: str, path: str, body=None, token: str = ADMIN_TOKEN,
             raw: bool = False):
        req = urllib.request.Request(
            self.url + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                data = r.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.code} {e.read()[:800]!r}") from None
        return data if raw else json.loads(data or b"null")


def _wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"label-studio exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"label-studio not up after {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory):
    exe = _label_studio_bin()
    home = tmp_path_factory.mktemp("label-studio")
    data_dir = home / "data"
    port = _free_port()
    # Its own environment: none of this project's paths, its data in a temp folder.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(LABEL_STUDIO_BASE_DATA_DIR=str(data_dir), HOME=str(home))
    users = [("--username", ADMIN, "--password", PASSWORD, "--user-token", ADMIN_TOKEN)]
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data_dir), *users[0], "--enable-legacy-api-token"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)  # its own process group: stopped whole below
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(proc, url, log)
        made = subprocess.run(  # the annotator: a second user of the same organisation
            [exe, "init", "--data-dir", str(data_dir), "--username", ANNOTATOR,
             "--password", PASSWORD, "--user-token", ANNOTATOR_TOKEN],
            env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
            check=False)
        assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
        probe = Server(url, 0, 0)
        ids = {tok: probe.call("GET", "/api/current-user/whoami", token=tok)["id"]
               for tok in (ADMIN_TOKEN, ANNOTATOR_TOKEN)}
        yield Server(url, ids[ANNOTATOR_TOKEN], ids[ADMIN_TOKEN])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _choice(label: str) -> dict:
    return {"from_name": "label", "to_name": "text", "type": "choices",
            "value": {"choices": [label]}}


def _copy_data(loop_data, folder: Path) -> dict:  # noqa: F811
    folder.mkdir()
    out = {}
    for key in ("articles", "gold", "splits"):
        out[key] = folder / loop_data[key].name
        shutil.copy(loop_data[key], out[key])
    return out


def test_round_trip_through_label_studio(tmp_path, trained_run, loop_data,  # noqa: F811
                                         label_studio):
    batch = tmp_path / "batch.json"
    r = cli("annotate", "export", str(trained_run), "--select", "uncertain", "-n", "6",
            "-o", str(batch), *_data_args(loop_data, "articles", "gold"))
    assert r.returncode == 0, r.stderr
    tasks = json.loads(batch.read_text())
    config = batch.with_suffix(".label_config.xml").read_text()

    project = label_studio.call("POST", "/api/projects", {"title": "newsroles batch",
                                                          "label_config": config})
    pid = project["id"]
    imported = label_studio.call("POST", f"/api/projects/{pid}/import", tasks)
    assert imported["task_count"] == len(tasks) and imported["prediction_count"] == len(tasks)
    listed = label_studio.call("GET", f"/api/tasks?project={pid}&page_size=100")["tasks"]
    assert len(listed) == len(tasks)

    # The annotator labels all but the last task (the truth stands in for their reading),
    # with a note on the first; the admin labels the second task too, the same way.
    truth = _truth(loop_data)
    listed.sort(key=lambda t: t["id"])
    expected = {}
    for i, task in enumerate(listed[:-1]):
        d = task["data"]
        label = truth[(d["doc_id"], d["start"], d["end"])]
        result = [_choice(label)]
        if i == 0:
            result.append({"from_name": "note", "to_name": "text", "type": "textarea",
                           "value": {"text": ["reads as a paraphrase"]}})
        made = label_studio.call("POST", f"/api/tasks/{task['id']}/annotations",
                                 {"result": result}, token=ANNOTATOR_TOKEN)
        assert made["completed_by"] == label_studio.annotator_id
        annotators = [str(label_studio.annotator_id)]
        if i == 1:
            label_studio.call("POST", f"/api/tasks/{task['id']}/annotations",
                              {"result": [_choice(label)]}, token=ADMIN_TOKEN)
            annotators = sorted(annotators + [str(label_studio.admin_id)])
        expected[(d["doc_id"], d["start"], d["end"])] = (label, annotators)

    exports = {}
    for kind in ("JSON", "CSV"):
        body = label_studio.call("GET", f"/api/projects/{pid}/export?exportType={kind}",
                                 raw=True)
        exports[kind] = tmp_path / f"project-{pid}.{kind.lower()}"
        exports[kind].write_bytes(body)
    exported = json.loads(exports["JSON"].read_text())
    assert sum(len(t.get("annotations", [])) for t in exported) == len(expected) + 1
    rows = list(csv.DictReader(io.StringIO(exports["CSV"].read_text(encoding="utf-8-sig"))))
    assert {"doc_id", "start", "end", "text", "label", "annotator"} <= set(rows[0])

    gold_by_kind = {}
    for kind, export in exports.items():
        data = _copy_data(loop_data, tmp_path / kind)
        before = data["gold"].read_text()
        r = cli("annotate", "import", str(export), *_data_args(data, "articles", "gold",
                                                              "splits"))
        assert r.returncode == 0, r.stderr
        assert f"imported {len(expected)} sentence(s)" in r.stderr, r.stderr
        after = data["gold"].read_text()
        assert after.startswith(before)
        added = [json.loads(x) for x in after[len(before):].splitlines()]
        got = {(a["doc_id"], a["start"], a["end"]): (a["label"], a["annotators"])
               for a in added}
        assert got == expected, kind
        notes = [a["note"] for a in added if "note" in a]
        assert notes == ["reads as a paraphrase"], kind
        assert all(a["source"] == f"annotate:{export.name}" for a in added)
        r = cli("data", "check", *_data_args(data, "articles", "gold", "splits"))
        assert r.returncode == 0, r.stderr
        gold_by_kind[kind] = [{k: v for k, v in a.items() if k != "source"} for a in added]
    assert gold_by_kind["JSON"] == gold_by_kind["CSV"]
