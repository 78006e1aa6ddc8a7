"""Running the examples: plans, an isolated worker pool, expectations, a cache and ``--update``.

* :mod:`.plan` decides which blocks of a page run, in which session, expecting what;
* :mod:`.pool` and :mod:`.worker` run pages in worker processes (a clean fork per page);
* :mod:`.expect` and :mod:`.judge` compare what ran with what the page says, as findings;
* :mod:`.cache` remembers passes; :mod:`.update` writes new expectations into the pages.
"""

from __future__ import annotations

from .judge import Edit, Verdict
from .plan import BlockRun, PagePlan, plan_page
from .runner import Execution, PageOutcome, execute, prestart

__all__ = [
    "BlockRun",
    "Edit",
    "Execution",
    "PageOutcome",
    "PagePlan",
    "Verdict",
    "execute",
    "plan_page",
    "prestart",
]
