"""A throwaway PostgreSQL primary and its streaming standby, for tests/test_replicas.py.

The machine's server on :5432 (and CI's) refuses replication connections, and its
configuration is not ours to edit; so initdb makes a primary of our own on a free port
(replication allowed from 127.0.0.1, as initdb's trust configuration does), the test
database is copied into it, and pg_basebackup makes its standby, started on another port.
Debian's server binaries (package postgresql-15) run as the `postgres` OS user when the
tests run as root: initdb and postgres refuse root. Without them the tests are skipped,
unless IHL_REQUIRE_PG_SERVER=1 (CI), where that is a failure.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(os.environ.get("IHL_PG_SERVER_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
# Throwaway clusters: nothing needs to survive a crash.
fsync = off
synchronous_commit = off
shared_buffers = 16MB
max_connections = 40
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command: str | Path) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    args = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@dataclass
class Cluster:
    data: Path
    port: int
    log: Path

    def start(self) -> None:
        run(
            *as_postgres(BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "20", "start")
        )

    def stop(self, mode: str = "fast") -> None:
        run(*as_postgres(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"))

    def sql(self, statement: str, database: str = "postgres") -> str:
        """One statement through psql; its first column of the first row, as text."""
        result = run(
            BIN / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
            database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", statement,
        )  # fmt: skip
        return result.stdout.strip()


@dataclass
class StreamingPair:
    primary: Cluster
    standby: Cluster
    database: str


def require_server_binaries() -> None:
    missing = [
        name
        for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres")
        if not (BIN / name).exists()
    ]
    if not missing:
        return
    reason = (
        f"PostgreSQL server binaries missing in {BIN}: {', '.join(missing)} "
        "(apt-get install postgresql-15)"
    )
    if os.environ.get("IHL_REQUIRE_PG_SERVER") == "1":  # set by .ci/run
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def streaming_pair(django_db_setup, django_db_blocker) -> Iterator[StreamingPair]:
    """A primary holding a copy of the test database (schema and rows, migrations' data
    included) and a hot standby streaming from it; stopped and removed afterwards."""
    require_server_binaries()
    from django.db import connection

    root = Path(tempfile.mkdtemp(prefix="ihl-replicas-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    root.chmod(0o700)
    primary = Cluster(root / "primary", free_port(), root / "primary.log")
    standby = Cluster(root / "standby", free_port(), root / "standby.log")
    started: list[Cluster] = []
    try:
        run(
            *as_postgres(
                BIN / "initdb",
                "-D",
                primary.data,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_SETTINGS.format(port=primary.port, sockets=root))
        primary.start()
        started.append(primary)

        # The test database, as the migrations left it, copied into the primary.
        database = "ihl"
        primary.sql(f"CREATE DATABASE {database}")
        with django_db_blocker.unblock():
            source = connection.settings_dict
        dump = subprocess.Popen(
            [BIN / "pg_dump", "-h", source["HOST"] or "127.0.0.1",
             "-p", str(source["PORT"] or 5432), "-U", source["USER"],
             "--no-owner", "--no-acl", source["NAME"]],
            stdout=subprocess.PIPE, env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
        )  # fmt: skip
        run(
            BIN / "psql", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-d",
            database, "-Xq", "-v", "ON_ERROR_STOP=1", stdin=dump.stdout,
        )  # fmt: skip
        assert dump.wait() == 0, "pg_dump of the test database failed"

        # -R: standby.signal and primary_conninfo, so it starts as a streaming standby.
        run(
            *as_postgres(
                BIN / "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                primary.port,
                "-U",
                "postgres",
                "-D",
                standby.data,
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            )
        )
        with (standby.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {standby.port}\n")
        standby.start()
        started.append(standby)
        # Streaming: a transaction committed on the primary is replayed on the standby.
        primary.sql("CREATE TABLE streaming_check ()", database)
        wait_for(
            lambda: (
                standby.sql("SELECT to_regclass('streaming_check') IS NOT NULL", database) == "t"
            ),
            what="the standby to replay the primary's first transaction",
        )
        yield StreamingPair(primary, standby, database)
    finally:
        for cluster in reversed(started):
            subprocess.run(
                as_postgres(BIN / "pg_ctl", "-D", cluster.data, "-m", "immediate", "-w", "stop"),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


def wait_for(condition, timeout: float = 10.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
