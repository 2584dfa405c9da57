"""Collection settings for the whole repository (the test fixtures are in tests/conftest.py).

``pytest --doctest-modules`` imports every module under cfanalysis/ to find its Examples;
``cfanalysis/__main__.py`` runs the command line when imported, so it is left out, and
matplotlib draws off screen for any Example that plots.
"""

import matplotlib

matplotlib.use("Agg")

collect_ignore = ["cfanalysis/__main__.py"]
