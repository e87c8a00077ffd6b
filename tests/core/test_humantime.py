"""CREATED as the docker CLI prints it: go-units' HumanDuration thresholds, N/A for the zero time, the Unix epoch
as `docker images` and `docker history` each print it — a table of docker's own outputs, and the docker CLI itself
on a private daemon."""
from __future__ import annotations

import re
import subprocess
import time

import pytest

from model.core.humantime import (HISTORY_EPOCH, TEMPLATES, ZERO_TIME, exact_time, history_created_since,
                                  human_duration, image_created_since, parse_created)
from builders import stamped_image_tar

MIN, HOUR, DAY = 60, 3600, 86400

# (age in seconds, what docker prints): go-units' HumanDuration + " ago", at each threshold and either side
DOCKER_SAYS = [
    (-5, "Less than a second ago"), (0, "Less than a second ago"), (0.9, "Less than a second ago"),
    (1, "1 second ago"), (1.9, "1 second ago"), (2, "2 seconds ago"), (59.9, "59 seconds ago"),
    (60, "About a minute ago"), (119, "About a minute ago"), (120, "2 minutes ago"),
    (59 * MIN + 59, "59 minutes ago"), (HOUR, "About an hour ago"), (89 * MIN, "About an hour ago"),
    (90 * MIN, "2 hours ago"), (47 * HOUR, "47 hours ago"), (47 * HOUR + 29 * MIN, "47 hours ago"),
    (47 * HOUR + 31 * MIN, "2 days ago"), (2 * DAY, "2 days ago"), (13 * DAY + 23 * HOUR, "13 days ago"),
    (14 * DAY, "2 weeks ago"), (20 * DAY, "2 weeks ago"), (21 * DAY, "3 weeks ago"), (59 * DAY, "8 weeks ago"),
    (60 * DAY, "2 months ago"), (89 * DAY, "2 months ago"), (90 * DAY, "3 months ago"),
    (729 * DAY, "24 months ago"), (730 * DAY, "2 years ago"), (3 * 365 * DAY, "3 years ago"),
]

# Recorded from docker 28.2.2 (`docker images`, `docker history`) on a private dockerd on 2026-11-30 10:47 UTC,
# for images whose config says: the zero time, the Unix epoch, 2020-01-01.
RECORDED_AT = parse_created("2026-11-30T10:47:00Z")
DOCKER_IMAGES = {"0001-01-01T00:00:00Z": "N/A", "1970-01-01T00:00:00Z": "56 years ago",
                 "2020-01-01T00:00:00Z": "6 years ago"}
DOCKER_HISTORY = {"0001-01-01T00:00:00Z": "N/A", "1970-01-01T00:00:00Z": "N/A", "2020-01-01T00:00:00Z": "6 years ago"}


@pytest.mark.parametrize("age, says", DOCKER_SAYS)
def test_human_duration_as_docker(age, says):
    since = human_duration(age)
    assert since.english == says and since.template in TEMPLATES


@pytest.mark.parametrize("created", sorted(DOCKER_IMAGES))
def test_zero_time_and_epoch_as_docker_images_and_history(created):
    when = parse_created(created)
    assert image_created_since(when, RECORDED_AT).english == DOCKER_IMAGES[created]
    assert history_created_since(when, RECORDED_AT).english == DOCKER_HISTORY[created]


def test_parse_created_and_exact_time():
    assert parse_created("0001-01-01T00:00:00Z") == ZERO_TIME
    assert parse_created("1970-01-01T00:00:00Z") == 0
    assert parse_created("2000-01-01T00:00:00Z") == HISTORY_EPOCH
    assert parse_created("2024-05-06T07:08:09.123456789Z") == pytest.approx(1714979289.123456)
    assert parse_created("2024-05-06T09:08:09+02:00") == 1714979289
    assert parse_created("not a time") is None
    assert image_created_since(None).english == "N/A"
    assert exact_time(0) == "1970-01-01 00:00:00 +0000 UTC"
    assert exact_time(ZERO_TIME) == "0001-01-01 00:00:00 +0000 UTC"       # as docker's CreatedAt prints it


def test_created_since_equals_the_docker_cli(private_daemon):
    """Images stamped with the zero time, the epoch and ages in the middle of each wording: the docker CLI's
    CREATED (images and history) equals ours for every one."""
    client = private_daemon.client()
    now = time.time()
    ages = {"zero": None, "epoch": 0.0, "secs": now - 30, "mins": now - 30 * MIN, "hours": now - 10 * HOUR,
            "days": now - 5 * DAY, "weeks": now - 35 * DAY, "months": now - 200 * DAY, "years": now - 2000 * DAY}
    stamps = {}
    for seed, (tag, when) in enumerate(ages.items()):
        stamp = "0001-01-01T00:00:00Z" if when is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
        stamps[tag] = stamp
        client.images.load(stamped_image_tar(f"ht/{tag}:1", stamp, seed))
    try:
        listed = subprocess.run(["docker", "-H", private_daemon.url, "images", "--format",
                                 "{{.Repository}}\t{{.CreatedSince}}", "ht/*"],
                                capture_output=True, text=True, check=True).stdout
        told = time.time()
        docker_says = dict(line.split("\t") for line in listed.splitlines())
        assert set(docker_says) == {f"ht/{tag}" for tag in ages}
        for tag, stamp in stamps.items():
            says = docker_says[f"ht/{tag}"] or "N/A"          # (the table prints N/A where the field is empty)
            assert image_created_since(parse_created(stamp), told).english == says, tag
            history = subprocess.run(["docker", "-H", private_daemon.url, "history", f"ht/{tag}:1"],
                                     capture_output=True, text=True, check=True).stdout.splitlines()[1]
            ours = history_created_since(parse_created(stamp), time.time()).english
            assert re.split(r"\s{2,}", history)[1] == ours, (tag, history)
    finally:
        for tag in ages:
            client.images.remove(f"ht/{tag}:1", force=True)
