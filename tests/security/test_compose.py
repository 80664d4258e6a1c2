"""docker-compose.yml as docker-compose resolves it with .env.example as the .env: only web is
reachable from outside, Redis needs its password, no secret has a default."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER_COMPOSE = shutil.which("docker-compose")

pytestmark = pytest.mark.skipif(
    DOCKER_COMPOSE is None, reason="docker-compose is not installed (scripts/system-deps.sh test installs it)"
)


def _config(tmp_path: Path, env_text: str) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text(env_text)
    return subprocess.run(  # noqa: S603 (our own fixed command)
        [DOCKER_COMPOSE, "-f", "docker-compose.yml", "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def example_env() -> str:
    return (ROOT / ".env.example").read_text()


@pytest.fixture
def services(tmp_path, example_env) -> dict:
    result = _config(tmp_path, example_env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_compose_publishes_only_the_web_port(services):
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert list(published) == ["web"]
    assert [
        port["target"] if isinstance(port, dict) else port.split(":")[-1] for port in published["web"]
    ] in (
        [8000],
        ["8000"],
    )


def test_compose_keeps_database_and_redis_on_the_internal_network(tmp_path, example_env, services):
    assert list(services["db"]["networks"]) == ["backend"]
    assert list(services["redis"]["networks"]) == ["backend"]
    top = yaml.safe_load(_config(tmp_path, example_env).stdout)["networks"]
    assert top["backend"]["internal"] is True


def _app_services(services: dict) -> list[str]:
    """The services that run the app's image (web, workers, beat, the one-shot migrate)."""
    return sorted(
        name for name, service in services.items() if service.get("image") == "forge-secretariat:latest"
    )


def test_compose_redis_requires_the_password_carried_by_the_urls(services):
    redis = services["redis"]
    assert "--requirepass" in " ".join(redis["command"])
    password = redis["environment"]["REDIS_PASSWORD"]
    assert password == "CHANGE-me"
    assert {"web", "worker", "beat", "migrate"} <= set(_app_services(services))
    for name in _app_services(services):
        assert services[name]["environment"]["REDIS_URL"] == f"redis://:{password}@redis:6379/0", name


def test_compose_restarts_workers_unless_stopped(services):
    """Every long-running app service, workers included (a Redis restart can end a worker)."""
    running = [name for name in _app_services(services) if name != "migrate"]
    assert {"web", "worker", "beat"} <= set(running)
    assert {name: services[name]["restart"] for name in running} == dict.fromkeys(running, "unless-stopped")
    assert services["migrate"]["restart"] == "no"


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "REDIS_URL"]
)
def test_compose_refuses_to_start_without_a_secret(tmp_path, example_env, variable):
    without = "\n".join(line for line in example_env.splitlines() if not line.startswith(f"{variable}="))
    result = _config(tmp_path, without)
    assert result.returncode != 0
    assert f"set {variable} in .env" in result.stderr
