"""Shared test configuration: hypothesis profiles, and the negsim of subprocesses.

The object API runs in Python in every test (``NEGSIM_COMPILED=never``, set before negsim
is imported, so subprocesses inherit it): the tests that compare an engine with the object
API need the agents' own code as the reference, and a suite should not change path midway
once it has run enough negotiations (:mod:`negsim.protocols.tiering`).
``tests/test_tiering.py`` checks the compiled path against it.

``dev`` (default) keeps the suite quick; ``ci`` (selected by ``CI=true``, or by
``HYPOTHESIS_PROFILE=ci``) tries more examples. Individual tests do not set ``max_examples``.

The tests run ``python -m negsim`` and the examples in subprocesses, often from a temporary
folder: ``PYTHONPATH`` makes them import the same negsim as the tests, whether it is
installed or read from the root of a clone that is not (``python -m pytest`` there).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

os.environ["NEGSIM_COMPILED"] = "never"

import negsim  # (after the environment it reads)

_HOME = str(Path(negsim.__file__).parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [_HOME, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)

settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)
