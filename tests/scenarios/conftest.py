"""The web tests' small stored region and its logged-in clients (tests/web/conftest.py)."""

from tests.web.conftest import aanbieder, gemeente, raad, region  # noqa: F401 - fixtures for this folder
