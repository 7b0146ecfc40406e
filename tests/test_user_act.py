"A user's activation ('module:Class' / 'module:function', or registered in a notebook) goes through grids, runs in their own processes, the report with its source in the provenance, the kernel benchmark and telemetry."
import json, sys, types
import pytest, torch, torch.nn as nn
from conftest import TESTS, activ_bench, rows

TINY = ['--dataset', 'fmnist', '--size', '28', '--epochs', '1', '--arch', 'xresnet18', '--width', '.25', '--max-items', '200',
        '--bs', '32', '--precision', 'fp32', '--seeds', '2']

@pytest.mark.real_train
def test_cli_run_report_and_provenance(tmp_path):
    db, out = tmp_path/'runs.db', tmp_path/'report'
    r = activ_bench('run', '--act', 'my_acts:Swishy,my_acts:softsign_act', '--act-kwargs', '{}', *TINY, '--store', db, '--quiet', timeout=600)
    assert r.returncode == 0, r.stderr
    runs = rows(db)
    assert sorted({x['act'] for x in runs}) == ['my_acts:Swishy', 'my_acts:softsign_act', 'relu'] and {x['status'] for x in runs} == {'done'}
    prov = {x['act']: json.loads(x['provenance']) for x in runs}
    code = prov['my_acts:Swishy']['act_code']
    assert code['file'].endswith('my_acts.py') and len(code['sha256']) == 64 and 'self.beta * x' in code['source']
    assert 'def softsign_act' in prov['my_acts:softsign_act']['act_code']['source'] and 'act_code' not in prov['relu']
    r = activ_bench('report', '--store', db, '--out', out)
    assert r.returncode == 0, r.stderr
    md = (out/'report.md').read_text()
    assert '| my_acts:Swishy |' in md and '| my_acts:softsign_act |' in md and 'activation code: my_acts:Swishy from' in md
    r = activ_bench('run', '--act', 'my_acts:Swishy', '--act-kwargs', '{beta: 3}', *TINY, '--store', db, '--dry-run')
    assert r.returncode == 0 and 'my_acts:Swishy(beta=3)' in r.stdout, r.stdout + r.stderr
    r = activ_bench('run', '--act', 'my_acts:Nope', *TINY, '--store', db, '--dry-run')  # named, not imported
    assert r.returncode == 0 and 'imports (runs their code): my_acts (not imported now' in r.stdout, r.stdout + r.stderr
    r = activ_bench('run', '--act', 'my_acts:Nope', *TINY, '--store', db, '--dry-run', '--check')
    assert r.returncode == 2 and "module 'my_acts' has no 'Nope'" in r.stderr, r.stderr

BAD_ACTS = {'bad_acts:RaisesInInit': "building it raised RuntimeError: cannot build",
            'bad_acts:RaisesInForward': "calling it on a (2, 4, 6, 6) tensor raised KeyError",
            'bad_acts:ReturnsNone': "returned None; an activation must return a tensor of its input's shape",
            'bad_acts:ChangesShape': "returned a tensor of shape (2, 144)",
            'os:system': "activation 'os:system': calling it on a (2, 4, 6, 6) tensor raised TypeError",
            'os.path:join': "activation 'os.path:join': calling it on a (2, 4, 6, 6) tensor raised TypeError",
            'raising_module:Act': "importing module 'raising_module' raised RuntimeError: this module fails at import"}

def test_bad_user_activations_are_refused_before_the_first_run():
    "What `activ-bench run` checks before training (`check_grid`), here in this process for each bad activation."
    from activ_bench.cli import check_grid
    from activ_bench.grid import build_grid
    sys.path.insert(0, str(TESTS))
    for act, msg in BAD_ACTS.items():
        with pytest.raises(ValueError) as e: check_grid(build_grid('fmnist-quick', act=act, seeds=1))
        assert msg in str(e.value) and '\n' not in str(e.value), (act, str(e.value))

def test_a_refused_activation_is_never_registered():
    "Looked up before it is checked (`act_spec`, as building a grid's labels may), or checked first: refused, and the registry unchanged."
    from activ_bench.registry import ACTS, act_spec, get_act
    from activ_bench.cli import check_act
    sys.path.insert(0, str(TESTS))
    before = dict(ACTS)
    for act, msg in BAD_ACTS.items():
        for look in (act_spec, check_act, act_spec):  # the second look-up refuses it again: nothing was kept
            with pytest.raises(ValueError) as e: look(act)
            assert msg in str(e.value), (act, look.__name__, str(e.value))
            assert act not in ACTS, (act, look.__name__)
    assert ACTS == before
    assert get_act('my_acts:Swishy')(torch.ones(1)).shape == (1,) and 'my_acts:Swishy' in ACTS  # a good one is registered once tried
    if 'my_acts:Swishy' not in before: ACTS.pop('my_acts:Swishy')

@pytest.mark.parametrize('act, extra', [('bad_acts:ChangesShape', []), ('raising_module:Act', ['--dry-run', '--check'])])
def test_bad_user_activations_one_error_line_exit_2(tmp_path, act, extra):
    "Through the console script: one error line, exit 2, nothing stored."
    r = activ_bench('run', '--act', act, *TINY, '--store', tmp_path/'s.db', *extra)
    assert r.returncode == 2 and BAD_ACTS[act] in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path/'s.db').exists()

def test_a_training_function_is_checked_and_its_module_named(tmp_path):
    r = activ_bench('run', '--act', 'mish', '--train-fn', 'os:getcwd', *TINY, '--store', tmp_path/'s.db')
    assert r.returncode == 2 and "train_fn 'os:getcwd' must take one argument, the run's config" in r.stderr, r.stderr
    r = activ_bench('run', '--act', 'mish', '--train-fn', 'raising_module:train', *TINY, '--dry-run')
    assert r.returncode == 0 and 'imports (runs their code): raising_module' in r.stdout, r.stdout + r.stderr
    r = activ_bench('run', '--act', 'mish', '--train-fn', 'raising_module:train', *TINY, '--dry-run', '--check')
    assert r.returncode == 2 and "importing its module raised RuntimeError: this module fails at import" in r.stderr, r.stderr

def test_kernel_benchmark_and_telemetry():
    sys.path.insert(0, str(TESTS))
    from activ_bench.kernels import time_kernels
    from activ_bench.train import train
    rows_ = time_kernels(['my_acts:Swishy'], dtypes=('float32',), shape=(2, 4, 8, 8), rounds=1, reps=1, warmup=0)
    assert {(r['act'], r['form']) for r in rows_} >= {('my_acts:Swishy', 'ours'), ('relu', 'ours')}
    res = train(dict(dataset='fmnist', size=28, epochs=1, arch='xresnet18', width=.25, max_items=64, bs=32, precision='fp32',
                     act='my_acts:softsign_act', telemetry=1), device='cpu')
    layers = res['telemetry']['activations']
    assert res['status'] == 'done' and layers, res['telemetry']

def test_notebook_registration(tmp_path):
    "A class registered in __main__ runs inline; a process per run would not find it, and the runner says so."
    from activ_bench.registry import register_act, ACTS
    from activ_bench.runner import run_grid
    Cube = type('NbCubeAct', (nn.Module,), dict(forward=lambda self, x: x.clamp(-3, 3) ** 3 / 9, __module__='__main__'))
    register_act('nb_cube_act')(Cube)
    try:
        grid = dict(act='nb_cube_act', seeds=1, dataset='fmnist', size=28, epochs=1, arch='xresnet18', width=.25, max_items=64, bs=32, precision='fp32')
        with pytest.raises(ValueError, match="registered in this notebook or script"): run_grid(grid, store=tmp_path/'a.db', backend='local', progress=False)
        res = run_grid(grid, store=tmp_path/'b.db', backend='inline', progress=False)
        assert res['done'] == 2, res
    finally: ACTS.pop('nb_cube_act', None)

@pytest.mark.real_train
def test_user_optimizer(tmp_path):
    "`--opt module:function` trains with the user's optimizer; it is in the run key and the provenance, and the report names it."
    db, out = tmp_path/'runs.db', tmp_path/'report'
    args = ['--act', 'relu', '--no-baseline', *TINY, '--store', db, '--quiet']
    r = activ_bench('run', '--opt', 'my_opts:heavy_ball', '--lr', '.05', *args, timeout=600)
    assert r.returncode == 0, r.stderr
    runs = rows(db)
    assert {x['status'] for x in runs} == {'done'} and {json.loads(x['config'])['opt'] for x in runs} == {'my_opts:heavy_ball'}
    code = json.loads(runs[0]['provenance'])['opt_code']
    assert code['file'].endswith('my_opts.py') and len(code['sha256']) == 64 and 'def heavy_ball' in code['source']
    r = activ_bench('report', '--store', db, '--out', out)
    assert r.returncode == 0 and 'optimizer code: my_opts:heavy_ball from' in (out/'report.md').read_text(), r.stderr
    r = activ_bench('run', '--opt', 'my_opts:nope', *args, '--dry-run') # a dry run names the module, imports nothing
    assert r.returncode == 0 and 'imports (runs their code): my_opts (not imported now' in r.stdout, r.stdout + r.stderr
    r = activ_bench('run', '--opt', 'my_opts:nope', *args, '--dry-run', '--check') # --check imports it
    assert r.returncode == 2 and "module 'my_opts' has no 'nope'" in r.stderr, r.stderr
    r = activ_bench('run', '--opt', 'rangr', *args, '--dry-run')
    assert r.returncode == 2 and "did you mean 'ranger'" in r.stderr, r.stderr
