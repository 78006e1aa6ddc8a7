"""What pydantic's own ``tests/test_docs.py`` sets up before running its docs examples.

Used as the ``setup`` file when docgates runs the pydantic docs in ../shared/corpus (tests and
bench/bench_pydantic.py): a fixed clock and a fixed ``random.randint``, as pydantic mocks them.
Pydantic itself is imported here so that every page's process starts with it loaded.
"""

import datetime
import os
import random

# pydantic's test environment leaves the error URLs out of str(ValidationError).
os.environ["PYDANTIC_ERRORS_INCLUDE_URL"] = "false"

from pydantic import BaseModel, TypeAdapter  # noqa: F401 - loaded once per worker

_RealDatetime = datetime.datetime


class MockedDatetime(_RealDatetime):
    @classmethod
    def now(cls, *args, tz=None, **kwargs):
        return _RealDatetime(2032, 1, 2, 3, 4, 5, 6, tzinfo=tz)


datetime.datetime = MockedDatetime
random.randint = lambda *args, **kwargs: 3
