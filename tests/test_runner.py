"""The runner with real processes: the local backend, crashes, two runners on one store, Ray (kills and other faults: test_faults.py)."""
import os, sys, time, signal, sqlite3, importlib.util
from pathlib import Path
import pytest
from conftest import FAKE, TESTS, rows, write_grid, activ_bench, activ_bench_popen, wait_for, statuses, log_lines
from activ_bench.runner import run_grid
from activ_bench.sqlite_store import ResultsStore
from activ_bench.grid import expand_grid, config_key
import fake_train


def test_local_backend_records_diverged_failed_and_crashed_runs(tmp_path):
    grid = dict(name='mixed', act=['mish', 'silu', 'gelu', 'lisht'], seeds=2, epochs=2,
                fake_diverge='mish', fake_fail='silu', fake_crash='gelu')
    res = run_grid(grid, tmp_path/'s.db', FAKE, workers=2, progress=False)
    assert res == dict(pending=0, running=0, done=4, diverged=2, failed=4, ran=10, total=10)
    by = {}
    for r in rows(tmp_path/'s.db'): by.setdefault(r['act'], []).append(r)
    assert {r['status'] for r in by['relu'] + by['lisht']} == {'done'}
    assert all(r['status'] == 'diverged' and r['accuracy'] is None and r['diverged_epoch'] == 0 for r in by['mish'])
    assert all(r['status'] == 'failed' and 'RuntimeError: fake failure for silu' in r['error'] for r in by['silu'])
    assert all(r['status'] == 'failed' and 'killed by SIGKILL' in r['error'] for r in by['gelu'])
    done = ResultsStore(tmp_path/'s.db').runs(status='done')
    pids = {r['provenance']['pid'] for r in done}
    assert os.getpid() not in pids and len(pids) == len(done)  # each run in its own process
    assert all(r['provenance']['versions']['activ_bench'] and r['history'][-1]['epoch'] == 1 for r in done)
    # nothing left to do; failed runs are retried only when asked
    assert run_grid(grid, tmp_path/'s.db', FAKE, workers=2, progress=False)['ran'] == 0
    again = run_grid(grid, tmp_path/'s.db', FAKE, workers=2, progress=False, retry_failed=True)
    assert again['ran'] == 4 and again['failed'] == 4 and len(rows(tmp_path/'s.db')) == 10


@pytest.mark.slow
def test_two_runners_share_a_store(tmp_path):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    g = write_grid(tmp_path/'g.yaml', name='pair', act=['mish', 'silu'], seeds=4, epochs=2, fake_sleep=.3, fake_log=str(log))
    args = ['run', '--config', g, '--train-fn', FAKE, '--store', db, '--workers', 1, '--quiet']
    ps = [activ_bench_popen(*args) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in ps]
    assert all(p.returncode == 0 for p in ps), outs
    rs = rows(db)
    expected = {config_key(c, FAKE) for c in expand_grid(dict(name='pair', act=['mish', 'silu'], seeds=4, epochs=2, fake_sleep=.3,
                                                         fake_log=str(log)), fake_train.TrainConfig)}
    assert {r['key'] for r in rs} == expected and len(rs) == 12
    assert all(r['status'] == 'done' and r['attempts'] == 1 for r in rs)
    starts = [tuple(l[1:3]) for l in log_lines(log) if l[0] == 'start']
    assert len(starts) == len(set(starts)) == 12  # no run trained twice
    trained = [int(o[0].split('trained ')[1].split()[0]) for o in outs]
    assert sum(trained) == 12
    con = sqlite3.connect(db)
    assert con.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
    assert con.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
    con.close()


def test_ray_backend_missing_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path/'ray.py').write_text("raise ImportError(\"No module named 'ray'\")\n")  # shadows an installed ray
    env_path = os.environ.get('PYTHONPATH', '')
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join([str(tmp_path), env_path]).rstrip(os.pathsep))
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', tmp_path/'s.db', '--backend', 'ray')
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "backend 'ray' needs Ray" in r.stderr and "pip install 'activ-bench[ray]'" in r.stderr


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec('ray') is None, reason="ray is not installed (optional: pip install 'activ-bench[ray]')")
def test_ray_backend_on_cpu(tmp_path):
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={'env_vars': {'PYTHONPATH': str(TESTS), 'OMP_NUM_THREADS': '1'}})
    try:
        grid = dict(name='ray', act=['mish', 'silu'], seeds=1, epochs=2, fake_fail='silu')
        res = run_grid(grid, tmp_path/'s.db', FAKE, backend='ray', progress=False)
        assert res == dict(pending=0, running=0, done=2, diverged=0, failed=1, ran=3, total=3)
        rs = ResultsStore(tmp_path/'s.db').runs()
        assert all('fake failure for silu' in r['error'] for r in rs if r['act'] == 'silu')
        assert len({r['provenance']['pid'] for r in rs if r['status'] == 'done'}) == 2  # a fresh worker per task
        assert run_grid(grid, tmp_path/'s.db', FAKE, backend='ray', progress=False)['ran'] == 0
    finally:
        ray.shutdown()
