"""Issue 18: verdicts that find real changes. Each case with its reference computation beside it."""

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cfanalysis import all_team_tests, compare_counts, compare_years, team_change, team_question, words
from cfanalysis.analysis.selection import rise_scan, year_split_selection
from tests.test_analysis_teams import frame, monthly, spread
from cfanalysis.publish.descriptions import describe, power_statement

EXAMPLE_COUNTS = [20, 10, 16, 10, 20, 9]  # 2019-20 new complaints per team (worked example only)
EXAMPLE_BASELINE = [8, 11, 19, 13, 24, 13]  # 2018-19


def _min_p_by_enumeration(counts, baseline):
    """Independent reference: enumerate every joint split of the teams' totals (Binomial(n_i, 1/2))."""
    totals = [a + b for a, b in zip(counts, baseline)]
    own = [stats.binom.sf(x - 1, n, 0.5) for x, n in zip(counts, totals)]  # scipy one-sided tail
    observed = min(own)
    # P(min_i P_i <= observed) = 1 - prod_i P(P_i > observed), each term enumerated over 0..n_i
    stay = 1.0
    for n in totals:
        stay *= sum(stats.binom.pmf(k, n, 0.5) for k in range(n + 1)
                    if stats.binom.sf(k - 1, n, 0.5) > observed + 1e-12)
    return 1 - stay


def test_case2_exact_selection_adjusted_p_is_0074_not_holm():
    # Issue 18 case 2: exact one-sided selection-adjusted p of the largest rise is 0.074 (Holm: 0.139).
    result = year_split_selection(EXAMPLE_COUNTS, EXAMPLE_BASELINE)
    reference = _min_p_by_enumeration(EXAMPLE_COUNTS, EXAMPLE_BASELINE)
    assert result.adjusted[0] == pytest.approx(reference, abs=1e-12)
    assert reference == pytest.approx(0.0742, abs=1e-4)
    assert result.pvalues[0] == pytest.approx(stats.binom.sf(19, 28, 0.5))  # scipy: binom.sf(19, 28, 0.5)
    from statsmodels.stats.multitest import multipletests  # Holm for comparison: 0.139
    etest = [compare_counts(a, b).pvalue for a, b in zip(EXAMPLE_COUNTS, EXAMPLE_BASELINE)]
    assert multipletests(etest, method="holm")[1][0] == pytest.approx(0.139, abs=1e-3)


def test_case2_min_p_by_brute_force_on_small_teams():
    # Brute force over every joint outcome of three small teams (independent of the product formula).
    counts, baseline = [5, 1, 2], [1, 2, 2]
    totals = [a + b for a, b in zip(counts, baseline)]
    own = [stats.binom.sf(x - 1, n, 0.5) for x, n in zip(counts, totals)]
    hit = 0.0
    for split in itertools.product(*[range(n + 1) for n in totals]):
        prob = math.prod(stats.binom.pmf(k, n, 0.5) for k, n in zip(split, totals))
        if min(stats.binom.sf(k - 1, n, 0.5) for k, n in zip(split, totals)) <= min(own) + 1e-12:
            hit += prob
    assert year_split_selection(counts, baseline).adjusted[0] == pytest.approx(hit, abs=1e-12)


def test_case3_interval_matched_to_the_adjustment():
    # Issue 18 case 3: the interval matched to the adjustment across six teams is about 0.88-7.48:
    # the E-test inverted at 1 - 0.05/6 (Bonferroni; statsmodels test_poisson_2indep(..., value=R)).
    matched = compare_counts(20, 8, confidence_level=1 - 0.05 / 6)
    assert matched.ci_low == pytest.approx(0.88, abs=0.01) and matched.ci_high == pytest.approx(7.48, abs=0.02)
    from statsmodels.stats.rates import test_poisson_2indep
    assert test_poisson_2indep(20, 12, 8, 12, value=matched.ci_low, method="etest").pvalue == pytest.approx(
        0.05 / 6, abs=2e-4)


@pytest.fixture(scope="module")
def example_question():
    from cfanalysis import load_data
    from tests.conftest import EXAMPLE
    return team_question(load_data(EXAMPLE, as_of="2026-01-01"), "2019-20")


def test_case1_3_example_verdict_in_one_voice(example_question):
    change = example_question.change
    text = describe(change)
    assert "plausibly between 0.88 and 7.5 times" in text and "picking it out of 6 teams" in text
    assert "cannot tell" not in text or not (change.trusted[2] > 1)
    assert change.year_on_year_adjusted_pvalue == pytest.approx(_min_p_by_enumeration(EXAMPLE_COUNTS, EXAMPLE_BASELINE))
    # The rise began late in the year: the scan's fitted start is inside 2019-20.
    assert change.rise_from is not None and change.rise_from >= pd.Period("2019-04", "M")
    assert change.verdict_pvalue == pytest.approx(change.selection_adjusted_pvalue)
    assert "Holm" not in text and "significant" not in text


def test_case5_months_to_confirm_uses_the_24_month_ratio(example_question):
    # Issue 18 case 5: 20 in 12 months against 17 in 24: ratio 20/12 / (17/24) = 2.35, about 18 months.
    from cfanalysis.analysis.teams import months_to_confirm
    assert months_to_confirm(20 / 12 / (17 / 24), 17, 24) == 18
    assert "about 18 months of monitoring" in describe(example_question.change)


def test_case6_no_bright_line_at_005():
    # Issue 18 case 6: the same band and the same hedge at p = 0.049 and 0.051.
    assert words.strength(0.049) == words.strength(0.051)
    assert words.evidence(0.049, wide=False) == words.evidence(0.051, wide=False).replace("0.051", "0.049")
    assert "cannot tell" not in words.evidence(0.07, wide=True, includes_no_change=False)


def _planted(start_month: int, teams: int = 6, per_year: float = 45, seed: int = 3):
    """Another council: other team names, a doubling of one team's complaints from ``start_month``."""
    rng = np.random.default_rng(seed)
    records = []
    for t in range(teams):
        mean = np.full(24, per_year / 12)
        if t == 0:
            mean[start_month:] *= 2
        counts = rng.poisson(mean)
        name = f"Area {chr(65 + t)}"
        records += monthly(name, 2021, list(counts[:12])) + monthly(name, 2022, list(counts[12:]))
    return frame(records)


def test_case1_planted_mid_year_doubling_is_found_and_dated():
    # Issue 18 case 1: a doubling from September (month 17 of 24) on another council's data.
    data = _planted(17)
    years = compare_years(data, "2022-23")
    change = team_change(data, "Area A", years)
    assert change.verdict_pvalue < 0.01
    assert abs((change.rise_from - pd.Period("2022-09", "M")).n) <= 2
    table = all_team_tests(data, years)
    assert table.iloc[0]["team"] == "Area A"
    assert table.iloc[0]["adjusted_pvalue"] == pytest.approx(change.verdict_pvalue)


def test_scan_statistic_matches_a_by_hand_likelihood_ratio():
    # One team, step at the year's start: LR = 2[A log(A/(n/2)) + B log(B/(n/2))] (by hand).
    idx = pd.period_range("2021-04", periods=24, freq="M")
    y = pd.DataFrame({"T": [1] * 12 + [3] * 12}, index=idx)
    scan = rise_scan(y, 12, simulations=199)
    a, b, n = 36, 12, 48
    by_hand = 2 * (a * math.log(a / (n / 2)) + b * math.log(b / (n / 2)))
    assert scan.statistics[0] * scan.dispersions[0] == pytest.approx(by_hand)
    assert scan.first_months[0] == pd.Period("2022-04", "M")


def test_case7_part_year_compared_with_the_same_months_only():
    # Issue 18 case 7: a year with only April's data is compared with last April, not the whole year.
    import dataclasses

    from cfanalysis import load_data
    from cfanalysis.analysis.counts import new_complaints
    from cfanalysis.analysis.figures import annual_figures
    from tests.conftest import EXAMPLE
    full = load_data(EXAMPLE, as_of="2026-01-01")
    cut = pd.Period("2019-04", "M")
    data = dataclasses.replace(full, **{name: getattr(full, name)[getattr(full, name)["month"] <= cut]
                                        for name in ("complaints", "compliments", "ombudsman")})
    years = compare_years(data.complaints, "2019-20")
    assert years.partial and list(years.months) == [cut]
    figures = annual_figures(data, years)
    new = new_complaints(full.complaints)  # reference: plain pandas counts of April 2018 and April 2019
    april_2018 = int((new["month"] == pd.Period("2018-04", "M")).sum())
    april_2019 = int((new["month"] == cut).sum())
    assert (figures.now.new_complaints, figures.before.new_complaints) == (april_2019, april_2018)
    assert figures.before.compliments == int((full.compliments["month"] == pd.Period("2018-04", "M")).sum())
    assert figures.complaints_change.ratio == pytest.approx(april_2019 / april_2018)


def test_case8_uphold_rates_on_an_overdispersion_aware_funnel():
    # Issue 18 case 8: 2018-19's uphold rate is z = -2.14 against the others on the binomial scale, but
    # rates vary between councils 2.4-3.4 times more than binomial, so it is not beyond chance once
    # that is allowed for. Reference: the by-hand formulas of Spiegelhalter (2005) in numpy below.
    from cfanalysis import load_data
    from cfanalysis.analysis.breakdowns import uphold_benchmark
    from tests.conftest import EXAMPLE
    data = load_data(EXAMPLE, as_of="2026-01-01")
    mine = data.comparators["authority"].str.startswith("Example")  # the worked example's own row, in this test only
    # The case: the example file's own 2018-19 row as it then was (98 stage cases, 15 upheld).
    then = mine & (data.comparators["financial_year"] == "2018-19")
    data = dataclasses.replace(data, comparators=data.comparators.assign(
        complaints=np.where(then, 98, data.comparators["complaints"]),
        upheld=np.where(then, 15, data.comparators["upheld"])))
    year = data.comparators[data.comparators["financial_year"] == "2018-19"]
    mine = year["authority"].str.startswith("Example")
    others = year[~mine]
    p0 = others["upheld"].sum() / others["complaints"].sum()
    y, n = year["upheld"].to_numpy(float), year["complaints"].to_numpy(float)
    s = np.sqrt(p0 * (1 - p0) / n)
    z = (y / n - p0) / s
    phi = np.mean(z**2)  # not winsorised with fewer than 50 councils (benchmarking.WINSOR_FROM)
    w = 1 / s**2
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    own = int(np.flatnonzero(mine.to_numpy())[0])
    assert z[own] == pytest.approx(-2.14, abs=0.01) and 2.4 < phi < 3.4
    name = year.loc[mine, "authority"].iloc[0]
    bench = uphold_benchmark(data.comparators, "2018-19", authority=name)
    row = bench.funnel.row(name)
    assert row["z"] == pytest.approx(z[own]) and bench.funnel.tau2 == pytest.approx(tau2)
    assert row["z_adjusted"] == pytest.approx((y[own] / n[own] - p0) / np.sqrt(s[own] ** 2 + tau2))
    assert abs(row["z_adjusted"]) < 1.96 and row["position"] == "within_95"
    assert "beyond what chance" not in describe(bench) and row["rank"] == len(year)


def test_case9_before_and_after_sees_the_earlier_rise():
    # Issue 18 case 9: the newsletter began on 1 April 2019; compliments stepped up in October 2018
    # (a change-point scan of 36 months), and one seasonal term moves the segmented model's level
    # change from 1.41 (p = 0.32) to 2.55 (p = 0.03). Reference: statsmodels' formula API below.
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from cfanalysis import load_data
    from cfanalysis.publish.events import event_question
    from tests.conftest import EXAMPLE
    data = load_data(EXAMPLE, as_of="2026-01-01")
    result = event_question(data, "2019-20").result
    months = pd.period_range("2017-04", "2020-03", freq="M")
    y = data.compliments.groupby("month").size().reindex(months, fill_value=0)
    frame_ = pd.DataFrame({"y": y.to_numpy(), "t": np.arange(36), "after": (months >= pd.Period("2019-04", "M")) * 1,
                           "days": months.days_in_month, "m": months.month})
    frame_["since"] = (frame_["t"] - 24) * frame_["after"]
    fit = smf.glm("y ~ t + after + since + np.sin(2 * np.pi * m / 12) + np.cos(2 * np.pi * m / 12)", frame_,
                  family=sm.families.Poisson(), offset=np.log(frame_["days"])).fit()
    scale = max(fit.pearson_chi2 / fit.df_resid, 1)
    refit = smf.glm("y ~ t + after + since + np.sin(2 * np.pi * m / 12) + np.cos(2 * np.pi * m / 12)", frame_,
                    family=sm.families.Poisson(), offset=np.log(frame_["days"])).fit(scale=scale, use_t=True)
    assert result.seasonal.level_ratio == pytest.approx(np.exp(refit.params["after"]), rel=1e-6)
    assert result.seasonal.level_pvalue == pytest.approx(refit.pvalues["after"], rel=1e-4)
    assert result.segmented.level_ratio == pytest.approx(1.41, abs=0.01) and result.segmented.level_pvalue > 0.3
    assert result.seasonal.level_ratio == pytest.approx(2.55, abs=0.01) and result.seasonal.level_pvalue < 0.05
    assert result.changepoint.first_month == pd.Period("2018-10", "M") and result.changed_before
    text = describe(result)
    assert "changed before the event" in text and "October 2018" in text and "Allowing for the season" in text
    assert "log the thanks" in text
    # Against the whole baseline (24 months before): 53 in 12 months against all earlier compliments.
    earlier = int(y[months < pd.Period("2019-04", "M")].sum())
    assert result.whole_baseline.ratio == pytest.approx((53 / 12) / (earlier / 24))


def test_case4_other_evidence_is_part_of_the_one_answer(example_question):
    # Issue 18 case 4: the change point, demand and SPC signals sit beside the verdict as parts of it:
    # the timing section leads with the verdict's adjusted p and start month, and the rest is labelled
    # descriptive; the change point's p is printed once.
    q, change = example_question, example_question.change
    timing = repr(q.timing())
    assert f"p = {words.p_value(change.verdict_pvalue)}, the same adjusted figure as the verdict" in timing
    assert f"{change.rise_from:%B %Y}" in timing and "descriptive" in timing
    p = words.p_value(q.changepoint.pvalue)
    assert timing.count(f"p = {p}") == 1
    assert "descriptive" in repr(q.verdict()) and "descriptive" in repr(q.control_chart())
    assert "rose too" not in repr(q.verdict())  # the demand sentence no longer switches at 0.05


def test_case8_own_uphold_rate_replaces_the_files_with_a_warning():
    # Issue 18 case 8: the council's uphold rate appeared three ways; its own (from its new complaints)
    # is used and the comparators file's figure is shown as such, with a warning when they disagree.
    comparators = pd.DataFrame({"authority": ["Us", "X", "Y", "Z"], "financial_year": "2030-31",
                                "complaints": [90, 100, 120, 80], "upheld": [23, 30, 30, 20]})
    from cfanalysis.analysis.breakdowns import uphold_benchmark
    bench = uphold_benchmark(comparators, "2030-31", authority="Us", own=(38, 90))
    row = bench.table.set_index("authority").loc["Us"]
    assert (row["upheld"], row["complaints"]) == (38, 90) and bench.file_figure == (23, 90)
    assert bench.file_disagrees and "Warning: the comparators file gives this council 26%" in describe(bench)
    assert "42%" in describe(bench)  # 38 / 90
    same = uphold_benchmark(comparators, "2030-31", authority="Us", own=(23, 90))
    assert not same.file_disagrees and "Warning" not in describe(same)


def test_case7_team_question_shows_the_data_date_for_a_part_year():
    # A year with data only to June: 02 says so and compares April to June with April to June.
    records = spread("A", 2018, 24) + spread("A", 2019, 9, months=3) + spread("B", 2018, 12) + spread("B", 2019, 3, 3)
    data = frame(records)
    years = compare_years(data, "2019-20")
    change = team_change(data, "A", years, all_teams=all_team_tests(data, years))
    assert (change.headline.count, change.headline.baseline_count) == (9, 6)  # April-June 2018: 2 a month
    assert "April to June of 2019-20 and of 2018-19" in describe(change)


@pytest.fixture(scope="module")
def second_council():
    import tempfile

    from cfanalysis import load_data
    from tests.second_council import write_second_council
    folder = write_second_council(tempfile.mkdtemp(prefix="second-council-") + "/data")
    return load_data(folder, as_of="2024-12-31")


@pytest.mark.parametrize("which", ["example", "second"])
def test_case4_event_comparison_is_adjusted_like_the_verdict(which, second_council):
    # Issue 18 case 4: the event comparison for a team picked after looking carries the verdict's kind
    # of adjustment (every team, the same months, one-sided, exact min-p) or is labelled descriptive.
    from cfanalysis import load_data
    from cfanalysis.analysis.counts import new_complaints
    from cfanalysis.publish.events import event_question
    from tests.conftest import EXAMPLE
    from tests.second_council import RISER
    data, year = (load_data(EXAMPLE, as_of="2026-01-01"), "2019-20") if which == "example" else (second_council,
                                                                                                  "2023-24")
    team = team_question(data, year).team if which == "example" else RISER
    question = event_question(data, year, team=team)
    r = question.result
    new = new_complaints(data.complaints)  # reference counts: plain pandas over the months compared
    teams = sorted(new["team"].dropna().unique())
    after = [int(((new["team"] == t) & new["month"].isin(r.months_after)).sum()) for t in teams]
    before = [int(((new["team"] == t) & new["month"].isin(r.months_before)).sum()) for t in teams]
    assert (after[teams.index(team)], before[teams.index(team)]) == (r.count, r.baseline_count)
    assert len(r.months_after) == len(r.months_before)  # share 1/2, as _min_p_by_enumeration assumes
    own = stats.binom.sf(r.count - 1, r.count + r.baseline_count, 0.5)  # scipy: this team alone, one-sided
    # P(min_j P_j <= this team's P) = 1 - prod_j P(P_j > it), each team's split enumerated over 0..n_j (scipy)
    stay = 1.0
    for n in (a + b for a, b in zip(after, before)):
        stay *= sum(stats.binom.pmf(k, n, 0.5) for k in range(n + 1) if stats.binom.sf(k - 1, n, 0.5) > own + 1e-12)
    reference = 1 - stay
    assert question.adjusted_pvalue == pytest.approx(reference, abs=1e-12) and question.adjusted_pvalue >= own
    text = repr(question.answer())
    assert "descriptive" in text and f"p = {words.p_value(reference)}" in text and f"out of {len(teams)} teams" in text
    named = event_question(data, year, team=team, named_in_advance=True)
    assert named.adjusted_pvalue is None and "named before the data were seen" in repr(named.answer())


def _lr_by_hand(y, start):
    """One-sided Poisson LR of a step at ``start`` (months 0..M-1): 2[A log(A/E_A) + B log(B/E_B)], by hand."""
    months, n = len(y), sum(y)
    after, before = sum(y[start:]), sum(y[:start])
    if after * start <= before * (months - start):
        return 0.0
    e_after, e_before = n * (months - start) / months, n * start / months
    return 2 * ((after * math.log(after / e_after) if after else 0.0)
                + (before * math.log(before / e_before) if before else 0.0))


def test_case1_the_planted_step_does_not_inflate_the_dispersion():
    # Issue 18 case 1: the monthly over-dispersion that downgraded the verdict came from the planted step
    # itself. Around the fitted step the months vary as chance does, so the verdict is not divided by it.
    import statsmodels.api as sm

    data = _planted(17)
    years = compare_years(data, "2022-23")
    change = team_change(data, "Area A", years)
    scan = change.scan
    i = scan.index("Area A")
    y = list(change.baseline_monthly) + list(change.monthly)
    start = list(scan.window).index(change.rise_from)
    assert scan.statistics[i] * scan.dispersions[i] == pytest.approx(_lr_by_hand(y, start))
    # Year-on-year quasi-Poisson scale (statsmodels GLM, a year term): inflated by the step ...
    year = np.r_[np.zeros(12), np.ones(12)]
    fit = sm.GLM(np.array(y), sm.add_constant(year), family=sm.families.Poisson()).fit()
    # ... but around the fitted step (by hand, Pearson over M - 2) the months vary no more than Poisson's.
    fitted = np.where(np.arange(24) >= start, np.mean(y[start:]), np.mean(y[:start]))
    around_step = float(((np.array(y) - fitted) ** 2 / fitted).sum() / 22)
    assert fit.pearson_chi2 / fit.df_resid > around_step and scan.dispersions[i] == 1.0
    assert change.verdict_pvalue < 0.01 and "little or no evidence" not in describe(change)


def test_case5_power_sentence_is_computed_for_the_rule_used(example_question):
    # Issue 18 case 5: the power sentence describes the verdict's rule, not the bare E-test. Reference: an
    # independent Monte Carlo (numpy Poisson draws, the LR by hand) of the rule's two statistics against
    # the values the scan found a rise at, at the detectable ratio it reports.
    from cfanalysis.analysis.rates import detectable_ratio
    change = example_question.change
    scan, i = change.scan, change.scan.index(change.team)
    ratio = change.detectable_ratio
    bare = detectable_ratio(change.headline.baseline_count)  # the E-test alone, named in advance
    assert bare < ratio and f"about {ratio:.1f} times" in power_statement(change)
    rng = np.random.default_rng(7)
    rate, first = scan.baseline_rates[i], scan.scan_from
    starts = range(first + 1, len(scan.window) - scan.min_after + 1)

    def power(r, draws=1500):
        y = np.concatenate([rng.poisson(rate, (draws, first)), rng.poisson(rate * r, (draws, first))], axis=1)
        found = 0
        for row in y:
            row = list(row)
            lr_first = _lr_by_hand(row, first) / scan.dispersions[i]
            lr_later = max(_lr_by_hand(row, k) for k in starts) / scan.dispersions[i]
            found += lr_first >= scan.critical[i][0] or lr_later >= scan.critical[i][1]
        return found / draws

    assert power(ratio) == pytest.approx(0.8, abs=0.03)
    assert power(ratio * 0.8) < 0.75


def test_case1_02_and_03_date_the_rise_alike():
    # Issue 18 (done when): 02 and 03 give one answer for when the rise began, the verdict's own scan.
    from cfanalysis import annual_report, load_data
    from tests.conftest import EXAMPLE
    data = load_data(EXAMPLE, as_of="2026-01-01")
    report = annual_report(data, "2019-20")
    start = f"{report.question.change.rise_from:%B %Y}"
    assert f"the verdict's scan puts the start of the new level in {start}" in repr(report.team_section())
    assert f"The verdict's scan puts the start of the higher level in {start}" in repr(report.question.timing())


def test_case4_demand_sentence_splits_the_change_and_does_not_test_it(example_question):
    # Issue 18 case 4: the demand sentence is part of the one answer: a split of the change between demand
    # and the rate (descriptive), never a second, unadjusted test. By hand: share = log(R_count / R_rate) /
    # log(R_count), R_count = 20 / 8, R_rate = the ratio of the rates per 1,000 contacts.
    from cfanalysis.publish.story import _demand
    q = example_question
    d = q.demand
    count_ratio, rate_ratio = q.change.headline.count / q.change.headline.baseline_count, d.rate / d.baseline_rate
    share = math.log(count_ratio / rate_ratio) / math.log(count_ratio)
    assert d.share_explained == pytest.approx(share, abs=1e-6)
    text = _demand(q)
    assert f"account for about {share:.0%} of the change" in text and "rose too" not in text
    assert "p =" not in text and "evidence" not in text


def test_case9_the_reports_compliments_lines_say_the_rise_began_before_the_event():
    # Issue 18 "done when": 03's compliments section says the rise predates the event when the series'
    # own scan puts the change before it (BeforeAfter.changed_before), and says nothing of it otherwise.
    from cfanalysis import load_data
    from cfanalysis.publish.events import event_question
    from cfanalysis.publish.story import event_lines
    from tests.conftest import EXAMPLE
    data = load_data(EXAMPLE, as_of="2026-01-01")
    for year in ("2019-20", "2018-19"):
        question = event_question(data, year)
        r, lines = question.result, event_lines(question)
        said = [t for t in lines if "before it" in t]
        assert bool(said) == r.changed_before
        if r.changed_before:
            start = pd.Period(r.changepoint.first_month, "M")
            ahead = (pd.Timestamp(r.event_date).to_period("M") - start).n  # months from the change to the event
            assert ahead > 0 and f"{start:%B %Y}, {ahead} months earlier" in said[0]
