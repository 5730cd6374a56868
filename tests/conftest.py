import os

import numpy as np
import pytest
from hypothesis import settings

# CI checks the same examples on every run (a red CI must be reproducible); locally hypothesis keeps
# exploring new ones
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# --- a real redis-server for the Redis room store (Debian's package; `make test` installs it) ------

REDIS_SERVER = "/usr/bin/redis-server"


def redis_missing() -> str | None:
    """Why the Redis tests cannot run here (None when they can): under CI=true that is a failure."""
    import shutil
    if not (os.path.exists(REDIS_SERVER) or shutil.which("redis-server")):
        return "no redis-server (Debian's package; `make test` installs it)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "no redis-py (`make` installs the dev extra)"
    return None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A redis-server of its own on a free port for this test session (no persistence), its URL."""
    import socket
    import subprocess
    import time

    why = redis_missing()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(why)
        pytest.skip("SKIPPED LOUDLY: " + why)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = REDIS_SERVER if os.path.exists(REDIS_SERVER) else "redis-server"
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    import redis
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield url
    proc.terminate()
    proc.wait(10)
