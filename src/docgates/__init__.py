"""docgates: documentation that cannot lie.

The public API. Everything else lives in private modules and may change; what is listed in
``__all__`` (kept sorted, a test checks it) is what scripts may rely on.
"""

from __future__ import annotations

import sys

if sys.argv[:1] == ["-m"]:  # pragma: no branch - only ``python -m docgates`` gets here so
    # ``python -m`` puts the working folder first on ``sys.path`` before this package loads:
    # a project's own ``yaml.py``, or a module its config names, would be imported from there.
    # The ``docgates`` command has no such entry; with this, ``python -m docgates`` has none.
    from ._core.safepath import drop_working_folder

    drop_working_folder()

from ._core.config import CodeSettings, GateSettings, LinksSettings, Settings, StructureSettings
from ._core.engine import Engine, check
from ._core.errors import ConfigError, DocgatesError
from ._core.findings import RULES, Finding, Rule, Severity
from ._core.project import Project, load_project
from ._core.report import Report, Stats

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "CodeSettings",
    "ConfigError",
    "DocgatesError",
    "Engine",
    "Finding",
    "GateSettings",
    "LinksSettings",
    "Project",
    "Report",
    "Rule",
    "Settings",
    "Severity",
    "Stats",
    "StructureSettings",
    "__version__",
    "check",
    "load_project",
]
