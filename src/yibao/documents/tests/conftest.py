"""The case tests' fixtures (demo staff with posts and certificates, a lead, the services' clock, a filing)
for the documents tests."""

from yibao.cases.tests.conftest import clock, file_input, lead, staff  # noqa: F401
