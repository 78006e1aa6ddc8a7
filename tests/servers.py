"""Throwaway PostgreSQL 15 and Redis 7 servers on 127.0.0.1 for the tests.

A server named by the environment is used as it is: ``DOCGATES_TEST_REDIS_URL`` and
``DOCGATES_TEST_POSTGRES_URL`` (what ``.ci/run`` exports for the servers it starts, and what
``ci.yml`` sets for its service containers). Otherwise a server is started from the binaries
when they are installed (Debian's ``redis-server`` and ``postgresql-15``): a temporary data
folder, a free port, 127.0.0.1 only, stopped and removed when the test session ends. PostgreSQL
refuses to run as root, so as root it runs as the ``postgres`` user (or ``nobody``).

Tests share one server per pytest-xdist worker and stay apart: each Redis test gets a database
number of its own worker, emptied first; each PostgreSQL test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


@dataclass
class Server:
    """A server this test session started (``proc``), or one it was given (``proc`` None)."""

    url: str
    proc: subprocess.Popen[bytes] | None = None
    folder: Path | None = None
    log: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT: PostgreSQL's fast shutdown; Redis stops on it too.
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def tail(self) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")[-2000:]


# -- Redis ------------------------------------------------------------------------------------


def redis_binary() -> str | None:
    return shutil.which("redis-server")


def start_redis() -> Server:
    """A Redis server of our own (needs the ``redis-server`` binary)."""
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    folder = Path(tempfile.mkdtemp(prefix="docgates-redis-"))
    log = folder / "redis.log"
    port = free_port()
    args = [
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--daemonize", "no",
        "--logfile", str(log),
        "--databases", "64",
    ]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(f"redis://127.0.0.1:{port}", proc, folder, log)
    try:
        _wait_port(port, proc, "redis-server")
    except RuntimeError:
        server.stop()
        raise
    return server


def redis_server() -> Server | str:
    """The session's Redis: given by the environment, or started here; else why not."""
    given = os.environ.get("DOCGATES_TEST_REDIS_URL")
    if given:
        return Server(given.rstrip("/"))
    if redis_binary() is None:
        return "no Redis server: redis-server is not installed and DOCGATES_TEST_REDIS_URL is unset"
    try:
        return start_redis()
    except RuntimeError as exc:
        return f"could not start redis-server: {exc}"


# -- PostgreSQL -------------------------------------------------------------------------------


def pg_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that drops root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        prefix = [
            "setpriv",
            f"--reuid={user.pw_uid}",
            f"--regid={user.pw_gid}",
            "--clear-groups",
            "--",
        ]
        return prefix, user
    raise RuntimeError("running as root and there is no 'postgres' or 'nobody' user")


def start_postgres() -> Server:
    """A PostgreSQL cluster of our own: initdb into a temp folder, trust auth, one port."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL's initdb is not installed")
    prefix, user = _as_user()
    folder = Path(tempfile.mkdtemp(prefix="docgates-pg-"))
    data, sockets, log = folder / "data", folder / "sockets", folder / "postgres.log"
    sockets.mkdir()
    if user is not None:
        os.chmod(folder, 0o755)
        for path in (folder, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    init = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "docgates", "--auth=trust",
         "-E", "UTF8", "--no-sync", "--no-instructions"],
        capture_output=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.decode(errors='replace')[-500:]}")
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*prefix, str(bindir / "postgres"), "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    server = Server(f"postgresql://docgates@127.0.0.1:{port}/postgres", proc, folder, log)
    try:
        _wait_port(port, proc, "postgres")
        _wait_ready(server.url)
    except RuntimeError as exc:
        tail = server.tail()
        server.stop()
        raise RuntimeError(f"{exc}\n{tail}") from None
    return server


def _wait_ready(url: str, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=2):
                return
        except psycopg.OperationalError as exc:  # starting up: "the database system is starting"
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres is not ready: {exc}") from None
            time.sleep(0.1)


def postgres_server() -> Server | str:
    given = os.environ.get("DOCGATES_TEST_POSTGRES_URL")
    if given:
        return Server(given)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'docgates[postgres]')"
    if pg_bindir() is None:
        return (
            "no PostgreSQL server: postgresql-15 is not installed and "
            "DOCGATES_TEST_POSTGRES_URL is unset"
        )
    try:
        return start_postgres()
    except RuntimeError as exc:
        return f"could not start PostgreSQL: {exc}"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def database(server_url: str, name: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the fixtures (conftest.py loads this module as a plugin) --------------------------------


def _worker_number() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = "".join(c for c in worker if c.isdigit())
    return int(digits or 0)


@pytest.fixture(scope="session")
def redis_session() -> Iterator[Server]:
    server = redis_server()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_session: Server) -> str:
    """A Redis URL with a database of this worker's own, emptied for this test."""
    import redis

    url = f"{redis_session.url}/{1 + _worker_number() % 15}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return url


@pytest.fixture
def own_redis() -> Iterator[Server]:
    """A Redis server of this test's own, which the test may stop."""
    if redis_binary() is None:
        pytest.skip(
            "stopping Redis mid-run needs a server of the test's own: redis-server is not installed"
        )
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_session() -> Iterator[Server]:
    server = postgres_server()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_session: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL of a fresh PostgreSQL database, dropped after the test."""
    import hashlib

    name = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    with database(postgres_session.url, name) as url:
        yield url
