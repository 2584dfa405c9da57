"""Issue 18: false alarms and power of the default team verdict (the rise scan), by simulation.

Run: ``.venv/bin/python benchmarks/stat_validity_scan.py [reps]`` (default 400; a few minutes on 2 cores).
Writes ``benchmarks/results/stat_validity_scan.json`` and ``.md``. Each replicate calls
:func:`cfanalysis.analysis.selection.rise_scan` exactly as :func:`cfanalysis.team_change` does
(24 months: baseline year then the year; starts scanned in the year), with 999 simulations each.

Also the funnel's exceedance in both tails at 95% and 99.8%: exact, for expected counts 2 to 2,000,
and simulated for 10-30 councils with between-council variation (goal: at most 1.2 x nominal).

Goals (issue 18): screened-null false-alarm rate (six teams, 8 a year, Poisson and variance twice
the mean) in [0.035, 0.055]; power at 2.5 times for a team of 8 a year at least 0.40; a doubling for
the last seven months of the year (8 teams of 45 a year) at least 0.80. Also checked: one team of six
whose months bunch (variance three times the mean) among Poisson teams, at most 0.055.

The machine's load (1-minute load average, from ``os.getloadavg``) at the start and end of the run is
recorded beside the figures: the seconds are only comparable at a similar load.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scipy import stats

from cfanalysis.analysis.benchmarking import _dispersion, _limits, _winsor
from cfanalysis.analysis.selection import rise_scan

SEED = 20200331
SIMULATIONS = 999
BUNCHED = "screened false alarm, six teams of 8 a year, one of them variance 3x mean"
RESULTS = Path(__file__).resolve().parent / "results"
MONTHS = pd.period_range("2018-04", periods=24, freq="M")


def rate(rng, kind: str, teams: int, per_year: float, reps: int, ratio: float = 1.0, from_month: int = 12) -> float:
    hits = 0
    for _ in range(reps):
        mean = np.full((24, teams), per_year / 12)
        mean[from_month:, 0] *= ratio
        y = rng.poisson(mean) if kind in ("poisson", "bunched") else rng.negative_binomial(mean, 0.5)  # NB: var 2x
        if kind == "bunched":  # one team's months bunched (variance three times the mean), the rest Poisson
            y[:, 1] = rng.negative_binomial(mean[:, 1] / 2, 1 / 3)
        scan = rise_scan(pd.DataFrame(y, index=MONTHS, columns=[f"t{i}" for i in range(teams)]), 12,
                         simulations=SIMULATIONS, seed=int(rng.integers(2**31)))
        hits += (min(scan.adjusted) < 0.05) if ratio == 1.0 else (scan.adjusted[0] < 0.05)
    return hits / reps


def funnel_exact_exceedance() -> dict:
    """Exact exceedance of each tail of the plain (no over-dispersion) limits, over nominal, E = 2 to 2,000."""
    out = {}
    for level in (0.95, 0.998):
        tail = (1 - level) / 2
        worst = [0.0, 0.0]
        for expected in np.geomspace(2, 2000, 60):
            limits = _limits(np.array([1.0]), expected, 0.0)  # denominator 1: limits are counts
            key = "95" if level == 0.95 else "998"
            low, high = limits[f"lower_{key}"][0], limits[f"upper_{key}"][0]
            below = stats.poisson.cdf(np.ceil(low) - 1, expected)  # P(O < low)
            above = stats.poisson.sf(np.floor(high), expected)  # P(O > high)
            worst = [max(worst[0], below / tail), max(worst[1], above / tail)]
        out[f"{level:.1%}"] = {"lower tail": worst[0], "upper tail": worst[1]}
    return out


def funnel_random_effects(rng, reps: int) -> dict:
    """Exceedance of each tail with 10, 16 and 30 councils whose rates vary (gamma, CV 0.2), over nominal."""
    out = {}
    for k in (10, 16, 30):
        hits = {0.95: [0.0, 0.0], 0.998: [0.0, 0.0]}
        for _ in range(reps):
            sizes = rng.uniform(2000, 7000, k)
            true = 0.03 * rng.gamma(25, 1 / 25, k)
            counts = rng.poisson(true * sizes).astype(float)
            target = counts.sum() / sizes.sum()
            _, _, tau2 = _dispersion(counts, target * sizes, _winsor(None, k))
            limits = _limits(sizes, target, tau2)
            rate = counts / sizes
            for level, key in ((0.95, "95"), (0.998, "998")):
                hits[level][0] += np.mean(rate < limits[f"lower_{key}"])
                hits[level][1] += np.mean(rate > limits[f"upper_{key}"])
        out[f"{k} councils"] = {f"{level:.1%}": {"lower tail": v[0] / reps / ((1 - level) / 2),
                                                 "upper tail": v[1] / reps / ((1 - level) / 2)}
                                for level, v in hits.items()}
    return out


def main(reps: int) -> None:
    rng = np.random.default_rng(SEED)
    load_before = os.getloadavg()[0]
    started = time.time()
    rows = {
        "screened false alarm, six teams of 8 a year, Poisson": rate(rng, "poisson", 6, 8, reps),
        "screened false alarm, six teams of 8 a year, variance 2x mean": rate(rng, "nb", 6, 8, reps),
        BUNCHED: rate(rng, "bunched", 6, 8, reps),
        "power, team of 8 a year rising 2x (six teams)": rate(rng, "poisson", 6, 8, reps, 2.0),
        "power, team of 8 a year rising 2.5x (six teams)": rate(rng, "poisson", 6, 8, reps, 2.5),
        "power, doubling for the last 7 months (8 teams of 45 a year)": rate(rng, "poisson", 8, 45, reps // 2, 2.0, 17),
    }
    exact = funnel_exact_exceedance()
    random_effects = funnel_random_effects(rng, 2000)
    seconds = time.time() - started
    worst_exact = max(v for tails in exact.values() for v in tails.values())
    worst_re = max(v for levels in random_effects.values() for tails in levels.values() for v in tails.values())
    goals = [("funnel exact limits, both tails, at most 1.2x nominal (E = 2 to 2,000)", worst_exact <= 1.2),
             ("funnel with between-council variation, 10-30 councils, both tails, at most 1.2x nominal",
              worst_re <= 1.2),
("screened false alarm in [0.035, 0.055] (Poisson)",
              0.035 <= rows["screened false alarm, six teams of 8 a year, Poisson"] <= 0.055),
             ("screened false alarm in [0.035, 0.055] (variance 2x mean)",
              0.035 <= rows["screened false alarm, six teams of 8 a year, variance 2x mean"] <= 0.055),
             ("screened false alarm at most 0.055 with one bunched team", rows[BUNCHED] <= 0.055),
             ("power at 2.5x >= 0.40", rows["power, team of 8 a year rising 2.5x (six teams)"] >= 0.40),
             ("mid-year doubling power >= 0.80",
              rows["power, doubling for the last 7 months (8 teams of 45 a year)"] >= 0.80)]
    RESULTS.mkdir(exist_ok=True)
    result = {"replicates": reps, "simulations_each": SIMULATIONS, "seconds": round(seconds, 1),
              "load_average_1min": {"start": round(load_before, 2), "end": round(os.getloadavg()[0], 2)},
              "rates": rows,
              "funnel_exact_worst_ratio": exact, "funnel_random_effects_ratio": random_effects,
              "goals": {name: bool(ok) for name, ok in goals}}
    (RESULTS / "stat_validity_scan.json").write_text(json.dumps(result, indent=2) + "\n")
    write_markdown(result)


GAPS = [
    "- False alarms: 45 and 46 of 800 replicates (0.056, 0.058) are within one Monte Carlo SE (0.008) of the "
    "goal's upper edge; exploratory runs of the same rule on independent replicates (600 each, 499 simulations) "
    "gave 0.037 and 0.038, so over the 1,400 replicates together the rates are 0.048 and 0.049. Under Poisson "
    "months the rule is exact up to Monte Carlo error whenever no team is flagged as over-dispersed (the null "
    "conditions on each team's total and the whole rule is applied again on every draw), and a parametric "
    "bootstrap otherwise; this run cannot tell a real excess of a few thousandths from noise, and more "
    "replicates (about 4,000 for an SE of 0.0035) would be needed to.",
    "- What was tried (exploratory runs of 600 replicates, 499 simulations, common random numbers): the previous "
    "rule (maximum over teams and starts of the likelihood ratio with a penalty of 2 for a later start, "
    "dispersion always estimated) reached 0.35 at 2.5x and 0.71 mid-year; with no dispersion estimate at all "
    "(Poisson months known) the same statistic reached 0.38 and 0.75, a penalty of 0 0.35 and 0.79, the "
    "year-on-year statistic alone 0.45 and 0.46. Dating a higher level only when it has lasted six months (7 "
    "start months instead of 10) and combining the two statistics by min-p gave 0.41 and 0.79 with Poisson "
    "months known, the best pair found; estimating the dispersion (needed for calibration when months vary more "
    "than Poisson) costs about 0.01-0.02 of each.",
    "- Mid-year power: a doubling for the last seven months is about a 1.6-fold rise over the year; a test that "
    "must allow for 8 teams and 7 start months, and keep half its error rate for the year-on-year question, "
    "finds it about three times in four. Reaching 0.80 would need giving up the year-on-year goal (the scan "
    "alone: about 0.79-0.80 but 0.35 at 2.5x) or not allowing for the start month chosen; the two goals "
    "compete and the rule sits between them.",
    "- One bunched team among steady ones (not an issue goal; kept as a check) is the hard case for any rule that "
    "estimates a dispersion from 24 months of a few complaints: its own estimate is noisy, and pooling it with "
    "steady teams understates it. 0.039 here, but 0.065 in the exploratory runs (0.05 for the previous rule): "
    "together about 0.05, with a possible excess of about 0.01 that more replicates would settle.",
]


def write_markdown(result: dict) -> None:
    """The Markdown record of a run (``--rewrite`` remakes it from the JSON without rerunning)."""
    reps, seconds, rows = result["replicates"], result["seconds"], result["rates"]
    exact, random_effects = result["funnel_exact_worst_ratio"], result["funnel_random_effects_ratio"]
    goals = list(result["goals"].items())
    se = (0.05 * 0.95 / reps) ** 0.5
    load = result.get("load_average_1min", {})
    lines = ["# The default team verdict (rise scan): false alarms and power", "",
             f"Made by `benchmarks/stat_validity_scan.py`: {reps} replicates ({reps // 2} for the mid-year case), "
             f"{SIMULATIONS} simulations each, {seconds:.0f} s on the shared 2 cores (1-minute load average "
             f"{load.get('start', '?')} at the start, {load.get('end', '?')} at the end, with other work running). "
             f"Monte Carlo SE of a rate near 0.05: about {se:.3f}; of a power near 0.4: about "
             f"{(0.4 * 0.6 / reps) ** 0.5:.3f}.", "", "| measure | rate |", "|---|---|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in rows.items()]
    lines += ["", "## Funnel: exceedance over nominal, each tail", "",
              "Exact limits (no over-dispersion), worst over 60 expected counts from 2 to 2,000:", "",
              "| level | lower tail | upper tail |", "|---|---|---|"]
    lines += [f"| {level} | {t['lower tail']:.2f} | {t['upper tail']:.2f} |" for level, t in exact.items()]
    lines += ["", "With between-council variation (gamma, CV 0.2; 2,000 replicates; denominators 2,000-7,000, "
              "rate 3%), the random-effects allowance as `funnel` applies it:", "",
              "| councils | level | lower tail | upper tail |", "|---|---|---|---|"]
    lines += [f"| {k} | {level} | {t['lower tail']:.2f} | {t['upper tail']:.2f} |"
              for k, levels in random_effects.items() for level, t in levels.items()]
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT met'}: {name}" for name, ok in goals]
    lines += ["", "## The rule", "",
              "Per team two one-sided Poisson likelihood ratios: a step up at the year's first month (the "
              "year-on-year question) and the best later start of a higher level lasting at least six months "
              "(`MIN_AFTER`). Each is divided by the team's dispersion when its months (or all teams' pooled) "
              "vary beyond the 95th percentile of Poisson months around that fitted step, and turned into a tail "
              "share among every team's simulated values of it (conditional on each team's total); a team's "
              "p is the smaller of its two, and the smallest over teams is calibrated on the same draws "
              "(Westfall-Young min-p), ties shared (mid-p).", "",
              "## Reading the gaps", "", *GAPS]
    (RESULTS / "stat_validity_scan.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["--rewrite"]:
        write_markdown(json.loads((RESULTS / "stat_validity_scan.json").read_text()))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
