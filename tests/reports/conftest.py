"""The reports are tested on the stored region of the web tests (``tests/web/conftest.py``)."""

from tests.web.conftest import region  # noqa: F401 - the fixture, built once per test module
