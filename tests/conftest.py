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
