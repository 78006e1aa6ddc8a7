"""What an example starts ends with its page: forks, new sessions, daemons, a process cap, and
no secrets in its environment. Also: blocks that end with a blank line run."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from docgates._core.execute import pool
from docgates._core.execute.pool import example_environment, secret_variable
from tests.execution import CONFIG, check, found, project

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


SPAWN = """\
```python
import os, subprocess, sys, time
out = open({pids!r}, "a")

def note(pid):
    out.write(f"{{pid}}\\n")
    out.flush()

# a plain fork that keeps running
pid = os.fork()
if pid == 0:
    time.sleep(60)
    os._exit(0)
note(pid)
# a process in a new session
note(subprocess.Popen(["sleep", "61"], start_new_session=True).pid)
# a double-forked daemon, after setsid
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        time.sleep(62)
    os._exit(0)
note(int(os.read(r, 20)))
print("started")
```

```python
print("next block")
#> next block
```
"""


@linux_only
def test_every_process_a_page_starts_is_gone_when_it_ends(tmp_path: Path) -> None:
    # In: a block that forks a child that sleeps, starts 'sleep' with start_new_session=True and
    # a double-forked daemon after setsid, then a second block. Out: the page ends at once
    # (not after the pool's guard time), both blocks pass, and none of the three is alive.
    pids = tmp_path / "pids.txt"
    root = project(tmp_path / "p", {"docs/index.md": SPAWN.format(pids=str(pids))})
    started = time.monotonic()
    report = check(root)
    took = time.monotonic() - started
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 2
    assert took < 20
    assert len(_pids(pids)) == 3
    assert [p for p in _pids(pids) if _alive(p)] == []


@linux_only
def test_a_timed_out_block_leaves_no_process_behind(tmp_path: Path) -> None:
    # In: a block that starts 'sleep 63' in a new session and then runs past its 1 s timeout.
    # Out: code/timeout, and the sleep is gone too.
    pids = tmp_path / "pids.txt"
    page = (
        '```python {timeout="1"}\nimport subprocess, time\n'
        f"p = subprocess.Popen(['sleep', '63'], start_new_session=True)\n"
        f"open({str(pids)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(30)\n```\n"
    )
    root = project(tmp_path / "p", {"docs/index.md": page})
    report = check(root)
    assert [f.rule for f in report.findings] == ["code/timeout"]
    assert len(_pids(pids)) == 1
    assert [p for p in _pids(pids) if _alive(p)] == []


@linux_only
@pytest.mark.parametrize("cgroup", ["1", "0"])
def test_a_page_past_its_process_cap_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cgroup: str
) -> None:
    # In: max_processes: 5 and a block that starts 20 sleeping processes (a cap for root too),
    # with a pids cgroup where one can be made (1) and with the count of processes (0).
    # Out: the block is reported as over the cap, the next block still runs, nothing is left.
    monkeypatch.setenv("DOCGATES_PIDS_CGROUP", cgroup)
    pool.shutdown()  # workers read the setting when they start
    pids = tmp_path / "pids.txt"
    page = (
        "```python\nimport subprocess, time\n"
        f"out = open({str(pids)!r}, 'a')\n"
        "for _ in range(20):\n"
        "    try:\n"
        "        out.write(f\"{subprocess.Popen(['sleep', '64']).pid}\\n\")\n"
        "        out.flush()\n"
        "    except OSError:\n"
        "        pass\n"
        "time.sleep(20)\n```\n\n"
        "```python\nprint('after')\n#> after\n```\n"
    )
    config = CONFIG.replace("      cache: false\n", "      cache: false\n      max_processes: 5\n")
    root = project(tmp_path / "p", {"docs/index.md": page}, config)
    started = time.monotonic()
    report = check(root)
    assert time.monotonic() - started < 15
    assert found(report) == [
        "docs/index.md:1:1: code/runtime-error Python block had more than 5 processes running "
        "at once; docgates killed them all and went on with the next block"
    ]
    assert report.stats.extra["executed"]["passed"] == 1
    assert 5 <= len(_pids(pids)) <= 20
    assert [p for p in _pids(pids) if _alive(p)] == []
    pool.shutdown()


def test_examples_run_without_the_checkers_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, a DATABASE_URL with a password and a harmless
    # LANG in the checker's environment; pass_env names AWS_SECRET_ACCESS_KEY.
    # Out: the block sees LANG and the passed key, not the token nor the URL.
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret")
    database = "postgresql://app:hunter2@db/app"  # pragma: allowlist secret
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("LANG", "C.UTF-8")
    page = (
        "```python\nimport os\n"
        "print([os.environ.get(k) for k in "
        "('GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL', 'LANG')])\n"
        "#> [None, 'aws-secret', None, 'C.UTF-8']\n```\n"
    )
    config = CONFIG.replace(
        "      cache: false\n", "      cache: false\n      pass_env: [AWS_SECRET_ACCESS_KEY]\n"
    )
    root = project(tmp_path, {"docs/index.md": page}, config)
    assert found(check(root)) == []


def test_which_variables_look_secret() -> None:
    # In: names and values. Out: secret or not, by the words of the name or a URL password.
    secret = [
        ("GITHUB_TOKEN", "x"),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://x"),
        ("AWS_ACCESS_KEY_ID", "x"),
        ("SSH_AUTH_SOCK", "/tmp/agent"),
        ("PGPASSWORD", "x"),
        ("NPMTOKEN", "x"),
        ("MY_DB", "redis://:pw@localhost:6379/0"),
    ]
    plain = [("PATH", "/bin"), ("HOME", "/root"), ("PWD", "/work"), ("KEYBOARD", "us")]
    assert [name for name, value in secret if not secret_variable(name, value)] == []
    assert [name for name, value in plain if secret_variable(name, value)] == []
    env = example_environment({"A_TOKEN": "t", "X": "1"}, ["A_TOKEN"])
    assert env == {"A_TOKEN": "t", "X": "1", "PYTHONHASHSEED": "0"}


BLANK_ENDS = {
    "docs/a.md": "```python\nx = 1\n\n```\n\n```python\nprint(x)\n#> 1\n\n```\n",
    "docs/b.md": '```python {docgates="run"}\nimport sys\n\n\n```\n',
    "docs/c.md": "```python\n1 / 0\n\n```\n",
}


def test_blocks_whose_last_line_is_blank_run(tmp_path: Path) -> None:
    # In: Python fences whose last line before the closing fence is blank (with execution on,
    # and opted in with {docgates="run"}). Out: they run; the failing one is reported at its
    # own line, not a crash.
    root = project(tmp_path, BLANK_ENDS)
    report = check(root)
    assert [f.split("\n")[0] for f in found(report)] == [
        "docs/c.md:2:1: code/runtime-error Python block raised ZeroDivisionError: division by zero"
    ]
    assert report.stats.extra["executed"]["run"] == 4


def test_name_errors_that_follow_from_an_earlier_failure_are_not_new_errors(
    tmp_path: Path,
) -> None:
    # In: a page whose first block fails before it defines 'value', a second block that uses
    # 'value' to define 'doubled', a third that prints 'doubled', a fourth that uses a name no
    # block defines. Out: one error for the first block, the two NameErrors that follow from it
    # as info pointing at it, and the undefined name as an error of its own.
    page = (
        '```python\nimport json\nvalue = json.loads("{bad")\n```\n\n'
        "```python\ndoubled = value * 2\n```\n\n"
        "```python\nprint(doubled)\n```\n\n"
        "```python\nprint(nowhere)\n```\n"
    )
    root = project(tmp_path, {"docs/index.md": page})
    report = check(root)
    summary = [(f.line, f.severity.value, f.message.split("\n")[0]) for f in report.findings]
    assert summary == [
        (
            3,
            "error",
            "Python block raised JSONDecodeError: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (7, "info", "Python block raised NameError: name 'value' is not defined"),
        (11, "info", "Python block raised NameError: name 'doubled' is not defined"),
        (15, "error", "Python block raised NameError: name 'nowhere' is not defined"),
    ]
    # Tracebacks carry the failing expression's column from Python 3.11 on.
    column = 9 if sys.version_info >= (3, 11) else 1
    assert report.findings[1].message.endswith(
        f"(this follows from the error at docs/index.md:3:{column}: that block failed before it "
        "defined 'value')"
    )
