"""A throwaway PostgreSQL server for the test run, from Debian's ``postgresql`` package.

``make test`` installs the package when its server binaries are missing; the session fixture in
``tests/conftest.py`` starts one server here: ``initdb`` into a temporary folder (owned by the
``postgres`` system user when the tests run as root: the server refuses to run as root), started on
a free loopback port with its socket in the same folder, durability off (``fsync=off``: a test
cluster need not survive a crash). Every test gets its own database, dropped afterwards; the server
is stopped (``pg_ctl stop -m fast``) and the folder removed at the end of the run, also when tests
fail. ``RECRUIT_TEST_POSTGRES_URL`` (an admin URL of an existing server, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) is used instead of starting one.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url

_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No server could be started or reached, with the reason."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and (Path(on_path).resolve().parent / "initdb").exists():
        return Path(on_path).resolve().parent
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "initdb").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A server this run started (``start``), or one it was given (``external``)."""

    def __init__(self, admin_url: URL, *, folder: Path | None = None, bindir: Path | None = None) -> None:
        self.admin_url = admin_url
        self.folder = folder
        self.bindir = bindir
        self._names = itertools.count(1)

    # --- lifecycle --------------------------------------------------------------------------

    @classmethod
    def external(cls, url: str) -> PostgresServer:
        server = cls(make_url(url).set(drivername="postgresql+psycopg"))
        server.execute("SELECT 1")
        return server

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) under "
                                      "/usr/lib/postgresql/*/bin or on PATH: `make test` installs "
                                      "Debian's postgresql package")
        as_root = os.geteuid() == 0
        folder = Path(tempfile.mkdtemp(prefix="recruit-pg-"))
        server = cls(URL.create("postgresql+psycopg", username=_USER, host="127.0.0.1", database="postgres"),
                     folder=folder, bindir=bindir)
        try:
            if as_root:
                shutil.chown(folder, _USER, _USER)
            server._run("initdb", "-D", str(folder / "data"), "-U", _USER, "--auth=trust", "--no-locale",
                        "-E", "UTF8", "--no-sync")
            for _attempt in range(3):  # another process may take the free port before the server binds it
                port = _free_port()
                options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                           "-c synchronous_commit=off -c full_page_writes=off")
                started = server._run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "server.log"),
                                      "-w", "-t", "60", "-o", options, "start", check=False)
                if started.returncode == 0:
                    server.admin_url = server.admin_url.set(port=port)
                    return server
            log_file = folder / "server.log"
            log = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stdout}{started.stderr}{log}")
        except BaseException:
            server.stop()
            raise

    def stop(self) -> None:
        """Stop a server this run started and remove its folder (no-op for an external one)."""
        if self.folder is None:
            return
        if (self.folder / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None
        command = [str(self.bindir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", _USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if check and result.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed ({result.returncode}): {result.stdout}{result.stderr}")
        return result

    # --- databases ----------------------------------------------------------------------------

    def execute(self, sql: str) -> None:
        import psycopg

        url = self.admin_url
        with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                             dbname=url.database, autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL (password included)."""
        name = f"recruit_test_{os.getpid()}_{next(self._names)}"
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
