"""Start and stop a throw-away JupyterLab server for the browser tests.

The server runs from this virtual environment on 127.0.0.1, on a free port,
with a random token, and with its own temporary Jupyter config, data,
runtime, settings and workspace directories, so neither the developer's
JupyterLab set-up nor earlier runs can change what the tests see. Its user
settings start the notebook's default kernel without asking, keep every cell
in the page (no virtual scrolling), and turn off news and update checks (the
machine may be offline). It prints to a log file, which the tests keep as an
artifact.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "browser"

#: User settings written before the server starts: ``{plugin id: settings}``.
LAB_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/notebook-extension:tracker": {
        "autoStartDefaultKernel": True,
        "windowingMode": "none",
    },
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_lab_settings(settings_dir: Path) -> None:
    """Write :data:`LAB_SETTINGS` as JupyterLab user settings under ``settings_dir``."""
    for plugin_id, values in LAB_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


class JupyterLabServer:
    """A JupyterLab server serving ``root_dir``, started by :meth:`start`.

    Parameters
    ----------
    root_dir
        The directory the server shows (a copy of the notebooks, so the run
        never writes into the repository).
    state_dir
        An empty temporary directory for Jupyter's config, data, runtime,
        settings and workspace files.
    log_path
        Where the server's stdout and stderr go.
    """

    def __init__(self, root_dir: Path, state_dir: Path, log_path: Path) -> None:
        self.root_dir = root_dir
        self.state_dir = state_dir
        self.log_path = log_path
        self.token = secrets.token_hex(16)
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, workspace: str) -> str:
        """URL of JupyterLab in a fresh (reset) workspace, logged in by the token.

        Pages open at the same time each need their own workspace.
        """
        return f"{self.base_url}/lab/workspaces/{workspace}?reset&token={self.token}"

    def environment(self) -> dict[str, str]:
        """The server's environment: ours, with every Jupyter path made private."""
        env = dict(os.environ)
        for name, sub in [
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
            ("MPLCONFIGDIR", "matplotlib"),
        ]:
            path = self.state_dir / sub
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_PLATFORM_DIRS", None)
        # The test process selects Agg; kernels must use the notebook's own backend.
        env.pop("MPLBACKEND", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        return command

    def start(self, timeout: float = 90.0) -> None:
        """Start the server and wait until its REST API answers."""
        self.port = free_port()
        env = self.environment()
        write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        status_url = f"{self.base_url}/api/status?token={self.token}"
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self._process.returncode} while starting; "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(status_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"JupyterLab did not answer on {self.base_url} within {timeout:.0f} s; "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            time.sleep(0.25)

    def stop(self, timeout: float = 20.0) -> None:
        """Ask the server to stop (it shuts its kernels down); kill it if it does not."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                # The server runs in its own session: this also ends kernels it left behind.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server log (for error messages)."""
        if not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
