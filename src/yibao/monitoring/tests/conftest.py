"""Fixtures of the monitoring tests: one Spark session for the whole run (it takes seconds to start)."""

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def spark_backend():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("Java is missing: Spark tests need a Java runtime (scripts/setup-system.sh installs it)")
        pytest.skip("Java is not installed")
    from yibao.monitoring.engine.backends import SparkBackend

    os.environ.setdefault("YIBAO_SPARK_PARTITIONS", "1")
    backend = SparkBackend(master="local[1]")
    yield backend
    backend.spark.stop()


@pytest.fixture(autouse=True)
def datasets_may_come_from_pytest_folders(settings, tmp_path_factory):
    """The run form accepts datasets under settings.YIBAO_DATASET_ROOTS only: let it read pytest's folders."""
    settings.YIBAO_DATASET_ROOTS = [tmp_path_factory.getbasetemp()]


@pytest.fixture
def dataset_dir(tmp_path):
    """A small hand-written dataset (see test_runs.write_dataset) that triggers R01, R05, R09, R12, R14."""
    from .test_runs import write_dataset

    return write_dataset(tmp_path / "dataset")


@pytest.fixture
def analyst(make_user, county):
    from yibao.org.constants import Role

    return make_user("analyst1", Role.ANALYST, county, first_name="周明")


@pytest.fixture
def run(county, dataset_dir, analyst):
    from yibao.monitoring.services import do_run_screening

    return do_run_screening(county, dataset_dir, actor=analyst)
