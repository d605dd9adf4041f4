"""One started Prefect server per module, with the `mentorat` work pool and Mentorat's
deployments made by `prefect deploy --all` from prefect.yaml, as an operator does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.realtime.server import BIN, base_env, prefect_server, run


@dataclass
class DeployedServer:
    api: str
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {**base_env(self.home, self.api), **extra}


@pytest.fixture(scope="module")
def deployed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedServer]:
    home = tmp_path_factory.mktemp("prefect")
    with prefect_server(home) as api:
        env = base_env(home, api)
        prefect = str(BIN / "prefect")
        for args in (
            ["work-pool", "create", "mentorat", "--type", "process"],
            ["--no-prompt", "deploy", "--all"],
        ):
            done = run([prefect, *args], env, timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
        yield DeployedServer(api, home)
