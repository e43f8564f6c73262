"""Suite-wide hooks.

PostgreSQL: tests marked ``postgres`` need ``STORYLINE_TEST_PG_URL`` (``bash scripts/pg.sh start``, then
``export STORYLINE_TEST_PG_URL=$(bash scripts/pg.sh url)``). Without it they are skipped, so ``make test``
works on a laptop without PostgreSQL; CI sets ``STORYLINE_REQUIRE_PG=1`` to turn that skip into an error,
so a broken PostgreSQL setup cannot pass as green.
"""

from __future__ import annotations

import os

import pytest

_PG_HINT = "run `bash scripts/pg.sh start` and `export STORYLINE_TEST_PG_URL=$(bash scripts/pg.sh url)`"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is None or os.environ.get("STORYLINE_TEST_PG_URL"):
        return
    if os.environ.get("STORYLINE_REQUIRE_PG") == "1":
        pytest.fail(f"STORYLINE_REQUIRE_PG=1 but STORYLINE_TEST_PG_URL is not set: {_PG_HINT}", pytrace=False)
    pytest.skip(f"PostgreSQL not configured (STORYLINE_TEST_PG_URL unset): {_PG_HINT}")
