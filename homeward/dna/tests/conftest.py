"""Helpers for the DNA tests: frequency tables, DNA staff, simulated profiles, and running queued searches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import COUNTY_A, COUNTY_B
from homeward.accounts.roles import Role
from homeward.dna import index as worker_index
from homeward.dna import services
from homeward.engines.kinship import FrequencyTable
from homeward.engines.kinship.simulate import Simulator

LOCI = sorted(FrequencyTable.bundled("nist1036-asian").loci)[:23]


# A Y-STR haplotype on the loci the lineage search compares.
Y_HAPLOTYPE = {
    "DYS576": "18",
    "DYS389I": "13",
    "DYS635": "21",
    "DYS389II": "29",
    "DYS627": "20",
    "DYS460": "11",
    "DYS458": "17",
    "DYS19": "15",
    "YGATAH4": "12",
    "DYS448": "19",
    "DYS391": "10",
    "DYS456": "15",
    "DYS390": "24",
    "DYS438": "10",
    "DYS385": "13-19",
}


@dataclass
class Lab:
    examiner: Any  # dna_a, county A
    examiner2: Any  # a second examiner, county A (countersigns)
    manager: Any  # laboratory manager, county A
    examiner_b: Any  # examiner in county B
    table: Any


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    """Each test starts with no worker index, and reads messages in English."""
    from django.utils import translation

    worker_index.forget()
    with translation.override("en"):
        yield
    worker_index.forget()


@pytest.fixture
def lab(personas: Any, make_user: Any) -> Lab:
    tables = services.bundled_tables_load()
    return Lab(
        examiner=personas.dna_a,
        examiner2=make_user("dna_a2", personas.police_a, [Role.DNA_EXAMINER]),
        manager=make_user("dna_mgr_a", personas.police_a, [Role.DNA_LAB_MANAGER]),
        examiner_b=make_user("dna_b", personas.police_b, [Role.DNA_EXAMINER]),
        table=tables[0],
    )


@pytest.fixture
def sim() -> Simulator:
    return Simulator(FrequencyTable.bundled("nist1036-asian"), LOCI, seed=11)


def genotypes(profile: Any) -> dict[str, str]:
    return {locus: f"{a}/{b}" for locus, (a, b) in profile.genotypes.items()}


@pytest.fixture
def run_searches() -> Any:
    """Run every task waiting in the database queue, as `manage.py db_worker` does (claim, call, record the
    result) — without the worker's connection recycling, which would close the test's transaction."""
    from django_tasks_db.models import DBTaskResult

    def run() -> None:
        while True:
            result = DBTaskResult.objects.ready().first()
            if result is None:
                return
            result.claim("pytest")
            args = result.task_result
            try:
                value = result.task.call(*args.args, **args.kwargs)
            except Exception as exc:
                result.set_failed(exc)
                raise
            result.set_successful(value)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a block's on-commit callbacks (task enqueues) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


__all__ = ["COUNTY_A", "COUNTY_B", "LOCI", "Lab", "genotypes"]
