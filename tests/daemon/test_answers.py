"""A daemon answering badly, one endpoint and one fault at a time: one line naming the endpoint, never a traceback.

The answers are recorded from the private dockerd (tests/fakedaemon.py) and served back by the
suite's fake daemon with one fault injected; the CLI runs as a subprocess (``snapshot``, ``rmi``,
``prune``) and the same read runs in-process through ``read_snapshot``."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fakedaemon
from fakedaemon import (CLOSE, DELETE, DF, ENDLESS, HUGE, PRUNE, RMI_REF, SLOW, STALL, Fault, cli_env,
                        faults)
from model.daemon.answers import ANSWER_LIMIT, LIST_LIMIT, READ_TIMEOUT
from model.daemon.imagecache import ImageCache
from model.daemon.source import DaemonError, connect, read_snapshot

ROOT = Path(__file__).resolve().parents[2]
READS = (fakedaemon.VERSION, fakedaemon.INFO, fakedaemon.IMAGES, fakedaemon.INSPECT, fakedaemon.HISTORY,
         fakedaemon.CONTAINERS, DF)
# /system/df keeps its long limit (it is read in the background): a slow one is waited for, see below
READ_FAULTS = [f for f in faults(READS) if (f.endpoint, f.name) != (DF, SLOW)]
MARGIN = 8.0                # seconds for the interpreter to start and the rest of the read
# The child reports its peak memory (KiB) in a file: a huge answer must not be read whole.  VmHWM is the
# exec'd process's own peak (ru_maxrss is not: Linux carries it over from the forking parent, the test run).
RSS_WRAPPER = ("import atexit, os, runpy, sys\n"
               "def peak():\n"
               "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
               "    open(os.environ['LS_RSS_FILE'], 'w').write(line.split()[1])\n"
               "atexit.register(peak)\n"
               "sys.argv = sys.argv[1:]\n"
               "runpy.run_path(sys.argv[0], run_name='__main__')\n")


class Run:
    """One finished ``main.py`` child: exit code, output, seconds taken and peak memory in MiB."""

    def __init__(self, res: subprocess.CompletedProcess, seconds: float, rss_mib: float) -> None:
        self.code, self.stdout, self.stderr = res.returncode, res.stdout, res.stderr
        self.seconds, self.rss_mib = seconds, rss_mib


def run_cli(tmp_path: Path, *args: str, timeout: float = 120) -> Run:
    """``python main.py ARGS`` against the fake (no cache, no docker context), timed and measured."""
    rss = tmp_path / "rss"
    env = dict(cli_env(tmp_path), LS_RSS_FILE=str(rss))
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-c", RSS_WRAPPER, "main.py", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - start
    return Run(res, seconds, int(rss.read_text()) / 1024 if rss.exists() else 0.0)


def assert_one_line_naming(stderr: str, fault: Fault) -> str:
    """The error is one line, ``layerscope: …``, naming the request of the faulty endpoint; no traceback."""
    assert "Traceback" not in stderr, stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    line = stderr.strip()
    assert line.startswith("layerscope: "), line
    assert fault.request in line and fault.tail in line.split(fault.request, 1)[1], (fault.id, line)
    return line


def expected_words(fault: Fault) -> str:
    """What the line must say of the fault itself."""
    if fault.name == SLOW:
        return f"did not answer {fault.request}"
    if fault.name == STALL:
        return f"stopped answering: no answer to {fault.request}"
    if fault.name in (HUGE, ENDLESS):
        return "is larger than"
    if fault.name == CLOSE:
        return "closed the connection"
    if fault.name == fakedaemon.NOT_JSON:
        return "is not JSON"
    if fault.name == fakedaemon.STATUS_500:
        return "with 500: fake daemon: injected failure"
    if fault.name == "mismatched-id":
        return "is for another image"
    return "is malformed"


def test_the_fake_answers_like_the_recorded_daemon(fake, recording, tmp_path):
    """Without a fault the fake is a daemon like the one recorded: the report, rmi and prune all agree."""
    ok = run_cli(tmp_path, "snapshot", "--json", "--host", fake.url)
    assert ok.code == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert len(report["images"]) == len(recording.answers[fakedaemon.IMAGES])
    assert {recording.names[r] for r in ("base", "child", "dangling")} <= {img["id"] for img in report["images"]}
    tags = {t for img in report["images"] for t in img["tags"]}
    assert {"base:1", "child:1", "twin:1", "dangle:1"} <= tags
    rmi = run_cli(tmp_path, "rmi", "--json", "--host", fake.url, RMI_REF)
    assert rmi.code == 0, rmi.stderr
    assert json.loads(rmi.stdout)["agreed"] is True
    prune = run_cli(tmp_path, "prune", "-f", "--host", fake.url)
    assert prune.code == 0, prune.stderr
    assert recording.names["dangling"] in prune.stdout
    assert "DELETE /images/twin:1" in fake.requests and "POST /images/prune" in fake.requests


def test_the_fake_as_a_containerd_store_reads_system_df(fake, tmp_path):
    """Claiming the containerd store, the fake is asked for /system/df (so its faults below are met)."""
    fake.containerd = True
    ok = run_cli(tmp_path, "snapshot", "--json", "--host", fake.url)
    assert ok.code == 0, ok.stderr
    assert "GET /system/df" in fake.requests


@pytest.mark.parametrize("fault", READ_FAULTS, ids=[f.id for f in READ_FAULTS])
def test_snapshot_command_names_the_endpoint(fake, fault, tmp_path):
    """``snapshot --json`` on a daemon answering one endpoint badly: exit 1 and one line naming it."""
    fake.fault, fake.containerd = fault, fault.endpoint == DF
    run = run_cli(tmp_path, "snapshot", "--json", "--host", fake.url)
    assert run.code == 1, (run.stdout[:300], run.stderr)
    line = assert_one_line_naming(run.stderr, fault)
    assert expected_words(fault) in line, line
    if fault.name in (SLOW, STALL):
        assert f"within {READ_TIMEOUT:g} s" in line and run.seconds < READ_TIMEOUT + MARGIN, (run.seconds, line)
    else:
        assert run.seconds < MARGIN * 2, run.seconds
    if fault.name in (HUGE, ENDLESS):
        limit = (LIST_LIMIT if fault.endpoint in (fakedaemon.IMAGES, fakedaemon.CONTAINERS, DF) else ANSWER_LIMIT)
        # huge is announced by Content-Length: refused before reading; endless is read up to the limit only
        cap = 64 * 2**20 if fault.name == HUGE else limit + 32 * 2**20
        assert fake.streamed <= cap, (fake.streamed, cap)
        assert run.rss_mib < 200 + (0 if fault.name == HUGE else limit / 2**20 * 1.3), run.rss_mib


@pytest.mark.parametrize("fault", [f for f in READ_FAULTS if f.name != SLOW],
                         ids=[f.id for f in READ_FAULTS if f.name != SLOW])
def test_read_snapshot_raises_daemon_error(fake, fault):
    """The same read in-process: a DaemonError naming the endpoint (from connect, for /version)."""
    fake.fault, fake.containerd = fault, fault.endpoint == DF
    with pytest.raises(DaemonError) as err:
        read_snapshot(connect(fake.url), cache=ImageCache(None))
    message = str(err.value)
    assert "\n" not in message and fault.request in message, message
    assert expected_words(fault) in message, message


@pytest.mark.parametrize("fault, message", [
    (Fault(fakedaemon.IMAGES, STALL), "stopped answering: no answer to GET /images/json.*, nor to GET /version"),
    (Fault(fakedaemon.INSPECT, SLOW), "did not answer GET /images/.*/json"),
], ids=["list-stalled", "inspect-slow"])
def test_a_silent_daemon_is_reported_within_the_read_timeout(fake, fault, message):
    """A daemon that stops answering during the list, or is silent on an inspect: DaemonError after
    READ_TIMEOUT, not minutes."""
    fake.fault = fault
    client = connect(fake.url)
    start = time.monotonic()
    with pytest.raises(DaemonError, match=f"{message} within {READ_TIMEOUT:g} s"):
        read_snapshot(client, cache=ImageCache(None))
    assert READ_TIMEOUT - 0.5 < time.monotonic() - start < READ_TIMEOUT + 3


def test_an_image_being_deleted_is_left_out_with_a_warning(fake, recording):
    """dockerd answers an inspect with 500 "layer does not exist" while the image's delete is under way: the
    image was removed while loading (a warning), not a failure of the whole read."""
    fake.fault = Fault(fakedaemon.INSPECT, fakedaemon.DELETING)
    snap = read_snapshot(connect(fake.url), cache=ImageCache(None))
    listed = recording.answers[fakedaemon.IMAGES]
    assert snap.images == () and len(snap.warnings) == len(listed)
    assert all(w.endswith("was removed while loading") for w in snap.warnings)


@pytest.mark.slow
def test_a_busy_list_is_waited_for_while_the_daemon_answers(fake, tmp_path):
    """The list silent for 30 s while /version answers (a containerd store sizing 1,000 images takes ~25 s):
    the snapshot is read, not refused after READ_TIMEOUT."""
    fake.fault = Fault(fakedaemon.IMAGES, SLOW)
    run = run_cli(tmp_path, "snapshot", "--json", "--host", fake.url)
    assert run.code == 0, run.stderr
    assert run.seconds >= fakedaemon.SLOW_SECONDS > READ_TIMEOUT
    assert fake.requests.count("GET /version") >= fakedaemon.SLOW_SECONDS // READ_TIMEOUT


@pytest.mark.slow
def test_a_slow_system_df_keeps_its_long_limit(fake, tmp_path):
    """/system/df (minutes on a big containerd host) is waited for beyond READ_TIMEOUT: the snapshot is read."""
    fake.fault, fake.containerd = Fault(DF, SLOW), True
    run = run_cli(tmp_path, "snapshot", "--json", "--host", fake.url)
    assert run.code == 0, run.stderr
    assert run.seconds >= fakedaemon.SLOW_SECONDS > READ_TIMEOUT


DELETE_FAULTS = faults((DELETE,))


def sent_words(fault: Fault) -> str:
    """What the line says of a destructive request's bad answer."""
    return "is not JSON" if fault.name == fakedaemon.NOT_JSON else "but its answer was malformed"

PRUNE_FAULTS = faults((PRUNE,))


def last_record(tmp_path: Path) -> dict:
    """The newest record of the delete log the child wrote (LAYERSCOPE_STATE of cli_env)."""
    logs = sorted((tmp_path / "state").rglob("*.jsonl"))
    assert logs, list((tmp_path / "state").rglob("*"))
    return json.loads(logs[-1].read_text().splitlines()[-1])


@pytest.mark.parametrize("fault", DELETE_FAULTS, ids=[f.id for f in DELETE_FAULTS])
def test_rmi_with_a_malformed_answer_says_what_was_sent(fake, fault, tmp_path):
    """rmi sent, its answer malformed: exit 1, one line saying the delete was sent and to re-read; never agreed."""
    fake.fault = fault
    run = run_cli(tmp_path, "rmi", "--json", "--host", fake.url, RMI_REF)
    assert run.code == 1, (run.stdout[:300], run.stderr)
    line = assert_one_line_naming(run.stderr, fault)
    assert f"DELETE /images/{RMI_REF}" in line
    if fault.name == CLOSE:
        assert "closed the connection" in line
    else:
        assert line.startswith(f"layerscope: the daemon deleted {RMI_REF} ") and "re-read" in line, line
        assert sent_words(fault) in line, line
    out = json.loads(run.stdout)
    assert out["agreed"] is False and out["failure"] == line.removeprefix("layerscope: ")
    record = last_record(tmp_path)
    assert record["agreed"] is False and record["failure"] and record["sent"] == out["sent"]


@pytest.mark.parametrize("fault", PRUNE_FAULTS, ids=[f.id for f in PRUNE_FAULTS])
def test_prune_with_a_malformed_answer_says_what_was_sent(fake, fault, tmp_path):
    """prune -f sent, its answer malformed: exit 1, one line naming POST /images/prune; never agreed."""
    fake.fault = fault
    run = run_cli(tmp_path, "prune", "-f", "--host", fake.url)
    assert run.code == 1, (run.stdout[:300], run.stderr)
    line = assert_one_line_naming(run.stderr, fault)
    if fault.name != CLOSE:
        assert line.startswith("layerscope: the daemon pruned images ") and "re-read" in line, line
        assert sent_words(fault) in line, line
    assert "Total reclaimed space" not in run.stdout          # no answer is printed as if it were one
    record = last_record(tmp_path)
    assert record["agreed"] is False and record["failure"]


def test_tls_variables_naming_no_certificates_are_one_line(tmp_path):
    """DOCKER_TLS_VERIFY=1 with a DOCKER_CERT_PATH that does not exist: one line naming the path."""
    env = dict(cli_env(tmp_path), DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH="/nonexistent",
               DOCKER_HOST="tcp://127.0.0.1:9")
    res = subprocess.run([sys.executable, "main.py", "snapshot"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr and res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith("layerscope: ") and "/nonexistent" in res.stderr


def test_request_lines_shorten_ids():
    """An endpoint is named as the user reads it: no query, 12-digit IDs."""
    from model.daemon.answers import request_line
    long_id = "sha256:" + "ab" * 32
    assert request_line("GET", f"/images/{long_id}/json?platform=x") == "GET /images/" + "ab" * 6 + "/json"
    assert request_line("DELETE", "/images/twin:1") == "DELETE /images/twin:1"
