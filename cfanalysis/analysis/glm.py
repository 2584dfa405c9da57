"""The statsmodels names the GLM checks use, imported from their own modules.

``import statsmodels.api`` loads every model statsmodels has (about a second and a half, and
far more than a report needs); the checks need only the GLM, its families and ``add_constant``.
Imported by the functions that fit a GLM, when they run (``from cfanalysis.analysis import glm as sm``),
so ``sm.GLM``, ``sm.families.Poisson()`` and ``sm.add_constant`` read as in statsmodels' own docs.
"""

from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

__all__ = ["GLM", "add_constant", "families"]
