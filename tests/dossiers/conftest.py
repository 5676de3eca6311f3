from tests.web.conftest import aanbieder, gemeente, raad, region  # noqa: F401 - the stored test region
