"""The report's statistics against scipy and against numbers worked out by hand."""
import math
import numpy as np
import scipy.stats
from activ_bench.stats import mean_ci, bootstrap_ci, paired_comparison, backsteps
from activ_bench.report import summarize


def test_mean_ci_matches_scipy_t_interval():
    for xs in ([91.2, 90.8, 91.9, 91.4, 90.6], [76.1, 77.3, 75.2], np.random.default_rng(3).normal(87, .5, 12)):
        r = mean_ci(xs)
        lo, hi = scipy.stats.t.interval(.95, len(xs) - 1, loc=np.mean(xs), scale=scipy.stats.sem(xs))
        assert math.isclose(r['lo'], lo, rel_tol=1e-12) and math.isclose(r['hi'], hi, rel_tol=1e-12)
        assert math.isclose(r['std'], np.std(xs, ddof=1), rel_tol=1e-12)
    r = mean_ci([1., 2., 3.], conf=.9)
    assert math.isclose(r['hi'] - 2., scipy.stats.t.ppf(.95, 2) * 1 / math.sqrt(3), rel_tol=1e-12)


def test_wilcoxon_and_t_test_on_a_hand_made_paired_set():
    base = np.array([86.0, 85.5, 87.0, 86.2, 85.8, 86.6])
    d = np.array([1.2, 0.4, -0.3, 0.8, 1.5, 0.9])  # ranks 5,2,1,3,6,4: W- = 1 -> p = 2 * 2/64
    r = paired_comparison(base + d, base)
    assert math.isclose(r['p_wilcoxon'], 0.0625, rel_tol=1e-9)
    assert math.isclose(r['p_wilcoxon'], scipy.stats.wilcoxon(base + d, base).pvalue, rel_tol=1e-9)
    assert math.isclose(r['p_ttest'], scipy.stats.ttest_rel(base + d, base).pvalue, rel_tol=1e-9)
    t = d.mean() / (d.std(ddof=1) / math.sqrt(6))
    assert math.isclose(r['p_ttest'], 2 * scipy.stats.t.sf(t, 5), rel_tol=1e-9)
    assert math.isclose(r['diff'], d.mean(), rel_tol=1e-12) and r['lo'] < r['diff'] < r['hi']
    assert paired_comparison(base[:2] + 1, base[:2])['note'] == 'too few seeds'
    assert paired_comparison(base[:2] + 1, base[:2])['p_wilcoxon'] is None


def test_bootstrap_ci_close_to_scipy():
    d = np.random.default_rng(0).normal(.4, .6, 10)
    lo, hi = bootstrap_ci(d, n_boot=20_000)
    ref = scipy.stats.bootstrap((d,), np.mean, n_resamples=20_000, method='percentile', random_state=0).confidence_interval
    assert abs(lo - ref.low) < .03 and abs(hi - ref.high) < .03
    assert bootstrap_ci(d, seed=5) == bootstrap_ci(d, seed=5) != bootstrap_ci(d, seed=6)


def _run(act, seed, acc, status='done', hist=None):
    cfg = dict(dataset='imagenette', size=128, epochs=5, arch='xresnet50', act=act, act_kwargs={}, seed=seed)
    return dict(config=cfg, status=status, accuracy=acc, history=hist or [], images_per_sec=100., peak_mem_mb=None)


def test_summarize_pairs_by_seed_and_counts_the_leaderboard():
    relu = [.870, .875, .868, .880, .872]
    mish = [.874, .879, .871, .885, None]  # seed 4 diverged
    runs = [_run('relu', s, a) for s, a in enumerate(relu)]
    runs += [_run('mish', s, a, 'done' if a else 'diverged') for s, a in enumerate(mish)]
    runs += [_run('mish', 9, .99)]  # no relu partner: not paired
    rows = {r['act']: r for r in summarize(runs)}
    m = rows['mish']
    assert (m['n_runs'], m['n_done'], m['n_diverged'], m['n_pairs']) == (6, 5, 1, 4)
    d = [100 * (a - b) for a, b in zip(mish[:4], relu[:4])]
    assert math.isclose(m['diff'], np.mean(d), rel_tol=1e-9)
    assert math.isclose(m['p_wilcoxon'], scipy.stats.wilcoxon(d).pvalue, rel_tol=1e-9)
    assert rows['relu']['n_beat'] == sum(100 * a > 87.43 for a in relu) == 2
    assert backsteps([{'accuracy': .5}, {'accuracy': .4}, {'accuracy': .6}]) == 1
