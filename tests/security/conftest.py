"""Hypothesis settings for the fuzz tests: deterministic in CI, a modest number of examples.

``HYPOTHESIS_PROFILE=thorough scripts/test -k fuzz`` runs many more, with fresh random input each time.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,  # the same examples on every run, so CI is repeatable
    deadline=None,  # a request's time varies with the machine; a slow one is not a failure here
    max_examples=40,
    database=None,  # nothing written to .hypothesis/
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("ci"),
    derandomize=False,
    max_examples=500,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
