"""The fuzz test: seeded hostile snapshot files (tests/hostile.py) through load → report → rmi/prune dry
run → export.  Every case ends accepted (and then passes the invariants) or refused in one line, within
its time budget.  300 cases by default; LAYERSCOPE_LONG=1 runs 10,000."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import hostile

CASES = 10_000 if os.environ.get("LAYERSCOPE_LONG") == "1" else 300
CHUNK = 50


@pytest.fixture(scope="module")
def bases():
    return hostile.load_bases()


@pytest.mark.parametrize("first", range(0, CASES, CHUNK))
def test_hostile_snapshots_end_accepted_or_refused(first, bases, tmp_path):
    outcomes = [hostile.run_case(hostile.make_case(seed, bases), tmp_path, svg=seed % 20 == 0)
                for seed in range(first, first + CHUNK)]
    defects = [f"seed {o.case.seed} {o.case.kinds}: {o.result}: {o.detail}" for o in outcomes
               if o.result not in ("accepted", "refused")]
    assert defects == []
    assert all(o.seconds < hostile.BUDGET_S for o in outcomes)
    assert list(Path(tmp_path).iterdir()) == []


def test_the_generator_makes_every_kind_and_both_endings(bases, tmp_path):
    """The generator is not toothless: every kind occurs, and its cases are both accepted and refused."""
    cases = [hostile.make_case(seed, bases) for seed in range(CASES)]
    made = {kind for case in cases for kind in case.kinds}
    assert made == set(hostile.KINDS)
    results = {hostile.run_case(case, tmp_path).result for case in cases[:100]}
    assert {"accepted", "refused"} <= results
