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
