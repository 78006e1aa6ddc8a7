"""What pydantic's own ``tests/test_docs.py`` sets up before running its docs examples.

Used as the ``setup`` file when docgates runs the pydantic docs in ../shared/corpus (tests and
bench/bench_pydantic.py): a fixed clock and a fixed ``random.randint``, as pydantic mocks them,
and the error URLs left out of ``str(ValidationError)``, as in pydantic's test environment.

It also loads, once per worker, what pytest-examples loads once per pytest process: pydantic
(with its schema machinery, which it imports lazily on the first model) and the libraries the
docs import. Every page's process then starts with them loaded.
"""

import datetime
import os
import random

os.environ["PYDANTIC_ERRORS_INCLUDE_URL"] = "false"

import dataclasses
import decimal  # noqa: F401
import enum  # noqa: F401
import json  # noqa: F401
import typing  # noqa: F401
import uuid  # noqa: F401

import devtools  # noqa: F401
import email_validator  # noqa: F401
import pydantic
import pydantic.dataclasses
import pydantic.json_schema
import sqlalchemy.orm  # noqa: F401


class _Warmup(pydantic.BaseModel):
    number: int = 1
    when: datetime.datetime | None = None
    email: pydantic.EmailStr | None = None


@pydantic.dataclasses.dataclass
class _WarmupData:
    name: str = ""


@dataclasses.dataclass
class _WarmupPlain:
    name: str = ""


_Warmup.model_json_schema()
_Warmup.model_validate_json('{"number": 2}')
pydantic.TypeAdapter(list[_WarmupPlain]).validate_python([{"name": "x"}])
pydantic.validate_call(lambda x: x)(1)
del _Warmup, _WarmupData, _WarmupPlain


_RealDatetime = datetime.datetime


class MockedDatetime(_RealDatetime):
    @classmethod
    def now(cls, *args, tz=None, **kwargs):
        return _RealDatetime(2032, 1, 2, 3, 4, 5, 6, tzinfo=tz)


datetime.datetime = MockedDatetime
random.randint = lambda *args, **kwargs: 3
