"""Fault injection: real signals against a real runner, the process table, broken stores and inputs, a full disk.

Each test injects one fault and checks what the issue asks for: no finished run lost or duplicated, no process
left behind, runs in flight back to pending, and one `error:` line (never a traceback) with the right exit code.
"""
import os, re, sys, time, json, signal, sqlite3, resource, importlib.util
from pathlib import Path
import pytest
from conftest import FAKE, TESTS, rows, write_grid, activ_bench, activ_bench_popen, wait_for, statuses, log_lines, foreground_signals
from activ_bench.runner import run_grid
from activ_bench.sqlite_store import ResultsStore
from activ_bench.store import new_owner, pid_alive as _alive  # is `pid` a live (not zombie) process?




def _descendants(pid):
    "Every live process below `pid` in the process table."
    kids = {}
    for d in Path('/proc').iterdir():
        if not d.name.isdigit(): continue
        try: ppid = int((d/'stat').read_text().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError): continue
        kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            if _alive(k): out.append(k); todo.append(k)
    return out


def _no_traceback(r):
    assert 'Traceback' not in r.stderr, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert lines and ': error: ' in lines[-1], r.stderr


def _main(*args):
    "`activ-bench ARGS` in this process (fast): the exit code and stderr, as `subprocess.run` gives them."
    import io, types
    from contextlib import redirect_stdout, redirect_stderr
    from activ_bench.cli import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err): code = main([str(a) for a in args])
    return types.SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def _slow_runner(tmp_path, workers=2, sleep=60., **popen_kw):
    "A runner (the console script) whose runs each sleep `sleep` s; returns (process, db, log) once `workers` runs are training."
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    g = write_grid(tmp_path/'g.yaml', name='slow', act=['mish', 'silu'], seeds=2, fake_sleep=sleep, fake_log=str(log))
    p = activ_bench_popen('run', '--config', g, '--train-fn', FAKE, '--store', db, '--workers', workers, '--quiet', **popen_kw)
    started = lambda: len([l for l in log_lines(log) if l[0] == 'start']) >= workers and statuses(db).count('running') >= workers
    assert wait_for(started, timeout=120), (p.poll(), statuses(db), p.stderr.read() if p.poll() is not None else '')
    return p, db, log


# --- whatever ends the runner, its children end within seconds ------------------------------------------------

@pytest.mark.parametrize('sig, code, word', [(signal.SIGTERM, 143, 'SIGTERM'), (signal.SIGHUP, 129, 'SIGHUP'),
                                             (signal.SIGINT, 130, 'interrupted')])
def test_signal_stops_runner_kills_children_and_releases_runs(tmp_path, sig, code, word):
    p, db, log = _slow_runner(tmp_path)
    kids = _descendants(p.pid)
    trainers = [int(l[3]) for l in log_lines(log) if l[0] == 'start']
    assert set(trainers) <= set(kids), (trainers, kids)  # the training processes are the runner's descendants
    t0 = time.time()
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == code, (p.returncode, err)
    assert word in err and 'Traceback' not in err, err
    if sig != signal.SIGINT: assert 'runs in flight went back to pending' in err, err
    assert wait_for(lambda: not any(_alive(k) for k in kids), timeout=10), [k for k in kids if _alive(k)]
    assert time.time() - t0 < 30
    st = statuses(db)
    assert 'running' not in st and st.count('pending') == 6, st  # claimed runs went back to the pool
    assert not any(l[0] == 'end' for l in log_lines(log))  # nothing trained to the end behind our back


def test_sigkill_runner_leaves_no_orphan_and_its_runs_are_taken_back(tmp_path):
    # the forkserver trap: a child's parent is the forkserver, so PR_SET_PDEATHSIG would never fire
    p, db, log = _slow_runner(tmp_path)
    kids = _descendants(p.pid)
    trainers = [int(l[3]) for l in log_lines(log) if l[0] == 'start']
    assert len(kids) >= 3 and set(trainers) <= set(kids), (kids, trainers)  # forkserver + 2 trainers (+ resource tracker)
    p.kill(); p.wait()
    assert wait_for(lambda: not any(_alive(k) for k in kids), timeout=10), \
        [(k, Path(f'/proc/{k}/cmdline').read_bytes()[:80]) for k in kids if _alive(k)]
    # the dead runner's runs are still marked running, and the next runner takes them back at once
    running = [r['key'] for r in rows(db) if r['status'] == 'running']
    assert len(running) == 2
    st = ResultsStore(db)
    assert st.claim(running, new_owner())[0] in running


@pytest.mark.slow
def test_killed_runner_resumes_without_losing_or_duplicating(tmp_path):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    g = write_grid(tmp_path/'g.yaml', name='kill', act=['mish', 'silu'], seeds=3, epochs=2, fake_sleep=1.0, fake_log=str(log))
    args = ['run', '--config', g, '--train-fn', FAKE, '--store', db, '--workers', 2, '--quiet']
    p = activ_bench_popen(*args)
    try:
        ok = wait_for(lambda: statuses(db).count('done') >= 2 and 'running' in statuses(db))
        assert ok, f"runner made no progress: {statuses(db)} {p.poll()} {p.stderr.read() if p.poll() is not None else ''}"
    finally:
        p.send_signal(signal.SIGKILL); p.wait()
    before = {r['key']: r for r in rows(db)}
    assert len(before) == 9
    finished_before = {k for k, r in before.items() if r['status'] == 'done'}
    in_flight = {k for k, r in before.items() if r['status'] == 'running'}
    assert finished_before and in_flight
    started = [l for l in log_lines(log) if l[0] == 'start']
    ended = {(a, s) for w, a, s, _ in log_lines(log) if w == 'end'}
    orphans = [int(pid) for _, a, s, pid in started if (a, s) not in ended]
    assert wait_for(lambda: not any(_alive(pid) for pid in orphans), timeout=10), orphans
    r = activ_bench(*args)  # resume: only unfinished runs are trained
    assert r.returncode == 0, r.stderr
    after = {r['key']: r for r in rows(db)}
    assert set(after) == set(before) and len(rows(db)) == 9
    assert all(r['status'] == 'done' for r in after.values())
    for k in finished_before:  # finished results untouched and not re-run
        assert after[k]['finished'] == before[k]['finished'] and after[k]['attempts'] == 1
    for k in in_flight:  # killed mid-training (or claimed, its training not yet started): trained once more. One whose training
        ended_then = (before[k]['act'], str(before[k]['seed'])) in ended  # ended as the kill came may have been committed by its
        trained_again = after[k]['attempts'] == before[k]['attempts'] + 1  # own process (a finished result, kept)
        assert trained_again or (ended_then and after[k]['attempts'] == before[k]['attempts']), (before[k], after[k])
    starts = {}
    for w, a, s, _ in log_lines(log):
        if w == 'start': starts[(a, s)] = starts.get((a, s), 0) + 1
    assert all(starts[(before[k]['act'], str(before[k]['seed']))] == 1 for k in finished_before)
    late = {k for k in in_flight if after[k]['attempts'] == before[k]['attempts']}  # committed after the kill, before the resume
    assert f"trained {9 - len(finished_before) - len(late)} now" in r.stdout, r.stdout


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec('ray') is None, reason="ray is not installed (optional: pip install 'activ-bench[ray]')")
def test_ray_runner_killed_leaves_no_training_task(tmp_path):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    g = write_grid(tmp_path/'g.yaml', name='ray', act='mish', seeds=1, fake_sleep=120., fake_log=str(log))
    p = activ_bench_popen('run', '--config', g, '--train-fn', FAKE, '--store', db, '--backend', 'ray', '--workers', 1,
                          '--no-baseline', '--quiet')
    try:
        assert wait_for(lambda: log_lines(log), timeout=180), (p.poll(), p.stderr.read() if p.poll() is not None else '')
        task = int(log_lines(log)[0][3])
        assert _alive(task)
    finally:
        p.kill(); p.wait()
    assert wait_for(lambda: not _alive(task), timeout=20), f"ray task {task} still training after its runner died"


# --- the run key, retries and what the store says -------------------------------------------------------------

def test_retry_trains_the_config_given_now_and_the_store_says_what_changed(tmp_path):
    db, missing = tmp_path/'s.db', str(tmp_path/'moved-away')
    grid = dict(name='retry', act='mish', seeds=1, data_path=missing)
    res = run_grid(grid, db, FAKE, progress=False)
    assert res['failed'] == 2 and all('no data set at' in r['error'] for r in rows(db))
    res = run_grid(grid | {'data_path': str(tmp_path)}, db, FAKE, progress=False, retry_failed=True)
    assert res == dict(pending=0, running=0, done=2, diverged=0, failed=0, ran=2, total=2)
    for r in ResultsStore(db).runs():
        assert r['config']['data_path'] == str(tmp_path) and r['attempts'] == 2
        assert r['provenance']['config_changes'] == {'data_path': {'was': missing, 'now': str(tmp_path)}}
        assert r['provenance']['dataset']['path'] == str(tmp_path)


def test_another_train_fn_never_reuses_results(tmp_path):
    db, grid = tmp_path/'s.db', dict(name='fn', act='mish', seeds=1)
    assert run_grid(grid, db, FAKE, progress=False)['ran'] == 2
    assert run_grid(grid, db, 'fake_train:train_other', progress=False)['ran'] == 2  # not the old results
    assert run_grid(grid, db, 'fake_train:train_other', progress=False)['ran'] == 0
    fns = sorted(r['provenance']['train_fn'] for r in ResultsStore(db).runs())
    assert fns == ['fake_train:train'] * 2 + ['fake_train:train_other'] * 2


def test_accuracy_out_of_range_is_a_failure(tmp_path):
    res = run_grid(dict(name='acc', act='mish', seeds=1, fake_accuracy=87.5), tmp_path/'s.db', FAKE, progress=False)
    assert res['failed'] == 2 and res['done'] == 0
    assert all(r['error'] == "train returned accuracy 87.5; an accuracy is a number in [0, 1]" for r in rows(tmp_path/'s.db'))


# --- bad input: one error line, exit 2, nothing started --------------------------------------------------------

def test_bad_inputs_one_error_line_exit_2(tmp_path):
    db = tmp_path/'s.db'
    (tmp_path/'bad.yaml').write_text("act: [relu, mish\nlr: 1\n")
    (tmp_path/'text.db').write_text('this is not a database ' * 200)
    good = ResultsStore(tmp_path/'good.db'); good.add([{'act': 'relu', 'seed': 0}])
    (tmp_path/'truncated.db').write_bytes((tmp_path/'good.db').read_bytes()[:1000])
    (tmp_path/'afile').write_text('x')
    (tmp_path/'empty').mkdir()
    cases = {
        'malformed YAML': (['run', '--config', tmp_path/'bad.yaml'], 'is not valid YAML'),
        '--config a directory': (['run', '--config', tmp_path], 'is a directory, not a YAML file'),
        'huge --epochs': (['run', '--epochs', '99999999999999999999'], 'is too large'),
        'store a directory': (['run', '--act', 'mish', '--store', tmp_path], 'is a directory, not a SQLite file'),
        'store not SQLite': (['run', '--act', 'mish', '--store', tmp_path/'text.db'], 'file is not a database'),
        'store truncated': (['report', '--store', tmp_path/'truncated.db'], 'cannot be used'),
        'report --n-boot 0': (['report', '--store', tmp_path/'good.db', '--n-boot', 0], 'n_boot must be >= 1, got 0'),
        'report --out a file': (['report', '--store', tmp_path/'good.db', '--out', tmp_path/'afile'], 'is a file; it must be a folder'),
        'unknown --baseline': (['report', '--store', tmp_path/'good.db', '--baseline', 'relo'], "unknown baseline 'relo'"),
        'threshold "abc"': (['run', '--config', write_grid(tmp_path/'t.yaml', act=[{'name': 'ftswish', 'threshold': 'abc'}])],
                            "threshold='abc' is not a number"),
        'ks 0': (['run', '--config', write_grid(tmp_path/'k.yaml', act=[{'name': 'frelu', 'ks': 0}])], 'ks=0 must be a positive odd int'),
        'maxv .nan': (['run', '--config', write_grid(tmp_path/'m.yaml', act=[{'name': 'general_relu', 'maxv': float('nan')}])], 'maxv=nan'),
        '--workers 0': (['run', '--act', 'mish', '--workers', 0], 'workers must be a whole number >= 1, got 0'),
        'fmnist --data-path missing': (['run', '--act', 'mish', '--data-path', tmp_path/'nope'], 'does not exist'),
        'fmnist --data-path a file': (['run', '--act', 'mish', '--data-path', tmp_path/'afile'], "is a file; it must be the data set's folder"),
        'fmnist --data-path empty': (['run', '--act', 'mish', '--data-path', tmp_path/'empty'], 'Fashion-MNIST not found in'),
    }
    for what, (args, msg) in cases.items():
        if args[0] == 'run' and '--store' not in args: args = args + ['--store', db]
        r = _main(*args, '--train-fn', FAKE) if args[0] == 'run' else _main(*args)
        assert r.returncode == 2, (what, r.returncode, r.stderr)
        assert msg in r.stderr, (what, r.stderr)
        _no_traceback(r)
    assert not db.exists() and not (tmp_path/'nope').exists()  # nothing was started or created
    assert sorted(p.name for p in (tmp_path/'empty').iterdir()) == []
    r = activ_bench('run', '--config', tmp_path/'bad.yaml', '--train-fn', FAKE, '--store', db)  # the console script itself
    assert r.returncode == 2 and 'is not valid YAML' in r.stderr, r.stderr
    _no_traceback(r)


@pytest.mark.slow
def test_full_disk_is_one_error_line_and_keeps_finished_runs(tmp_path):
    db = tmp_path/'s.db'
    g = write_grid(tmp_path/'g.yaml', name='disk', act=['mish', 'silu', 'gelu'], seeds=4, epochs=30)
    args = ['run', '--config', g, '--train-fn', FAKE, '--store', db, '--workers', 1, '--quiet']
    def small_disk():  # files this process writes cannot grow past 48 KiB, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))
    r = activ_bench(*args, preexec_fn=small_disk)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    _no_traceback(r)
    assert 'finished results already in the store are kept' in r.stderr, r.stderr
    done = [x['key'] for x in rows(db) if x['status'] == 'done']
    assert 0 < len(done) < 16, len(done)  # some runs were stored before the disk filled up
    r = activ_bench(*args)  # space again: the rest is trained, the finished ones are not
    assert r.returncode == 0, r.stderr
    assert f"trained {16 - len(done)} now" in r.stdout, r.stdout
    assert all(x['status'] == 'done' for x in rows(db)) and len(rows(db)) == 16


# --- checkpoints: a real training, SIGKILLed mid-run, resumes to the same numbers ------------------------------

REAL = dict(name='ckpt', act='mish', seeds=1, dataset='fmnist', size=28, epochs=4, arch='xresnet18', width=.25,
            max_items=96, bs=32, workers=0, precision='fp32')


INSTRUMENTS = dict(act='learned_relu', act_ema=.9, act_freeze_pct=.5, telemetry=4)  # the EMA, the freeze and telemetry: state beyond the model's


@pytest.mark.real_train
@pytest.mark.parametrize('extra', [{}, INSTRUMENTS], ids=['plain', 'instruments'])
def test_sigkilled_real_run_resumes_from_its_checkpoint_with_the_same_numbers(tmp_path, extra):
    g = write_grid(tmp_path/'g.yaml', **REAL | extra)
    args = lambda db: ['run', '--config', g, '--store', db, '--no-baseline', '--quiet']
    whole = activ_bench(*args(tmp_path/'whole.db'), '--keep-checkpoints', timeout=600)
    assert whole.returncode == 0, whole.stderr
    (w,) = rows(tmp_path/'whole.db')
    assert w['resumed_epoch'] is None and len(list((tmp_path/'whole.checkpoints').glob('*.pt'))) == 1  # kept when asked

    db, ckpts = tmp_path/'killed.db', tmp_path/'killed.checkpoints'
    p = activ_bench_popen(*args(db))
    try: assert wait_for(lambda: list(ckpts.glob('*.pt')), timeout=300, every=.05), p.stderr.read() if p.poll() is not None else ''
    finally: p.kill(); p.wait()
    kids = _descendants(p.pid)
    assert wait_for(lambda: not any(_alive(k) for k in kids), timeout=10)
    assert [r['status'] for r in rows(db)] == ['running']  # killed mid-run
    r = activ_bench(*args(db), timeout=600)
    assert r.returncode == 0, r.stderr
    (k,) = rows(db)
    assert k['status'] == 'done' and k['resumed_epoch'] is not None and k['resumed_epoch'] >= 1, k
    assert k['attempts'] == 2
    assert json.loads(k['history']) and [(h['epoch'], h['train_loss'], h['valid_loss'], h['accuracy']) for h in json.loads(k['history'])] == \
           [(h['epoch'], h['train_loss'], h['valid_loss'], h['accuracy']) for h in json.loads(w['history'])]
    assert k['accuracy'] == w['accuracy']
    assert k['telemetry'] == w['telemetry']  # the samples before the kill kept, iteration numbers continued
    if extra:
        tel = json.loads(k['telemetry'])
        assert tel['act_freeze']['frozen_at'] > 0 and tel['activations']['iters'][-1] > tel['act_freeze']['frozen_at'], tel['act_freeze']
    assert list(ckpts.glob('*.pt')) == []  # a finished run deletes its checkpoint


# --- the report: a broken row, a read-only store, strict JSON, escaped error text -------------------------------

def test_report_survives_bad_rows_reads_only_and_writes_strict_json(tmp_path):
    import fake_train
    db, out = tmp_path/'s.db', tmp_path/'rep'
    grid = dict(name='rep', act=['mish', 'silu'], seeds=3, fake_fail='silu')
    run_grid(grid, db, fake_train.train, backend='inline', progress=False)
    con = sqlite3.connect(db)
    con.execute("UPDATE runs SET accuracy = 1e999 WHERE act = 'mish' AND seed = 0")  # inf: what a NaN-ish done row can hold
    con.execute("UPDATE runs SET accuracy = 'nan' WHERE act = 'mish' AND seed = 1")  # text, written by hand
    con.execute("UPDATE runs SET error = 'RuntimeError: <script>alert(1)</script> & co' WHERE act = 'silu' AND seed = 0")
    con.commit(); con.execute('PRAGMA wal_checkpoint(TRUNCATE)'); con.close()
    for f in tmp_path.glob('s.db-*'): f.unlink()
    before = db.read_bytes()
    r = _main('report', '--store', db, '--out', out, '--n-boot', 200)
    assert r.returncode == 0, r.stderr
    assert db.read_bytes() == before  # only read: not a byte of the store changed...
    assert all(f.stat().st_size == 0 for f in tmp_path.glob('s.db-wal'))  # ...nor written to its journal
    summary = json.loads((out/'summary.json').read_text(), parse_constant=lambda c: pytest.fail(f"{c} in summary.json"))
    mish = [s for s in summary if s['act'] == 'mish'][0]
    assert mish['n_done'] == 1  # the two broken accuracies count as missing, not as numbers
    md = (out/'report.md').read_text()
    assert '\\<script>alert(1)\\</script> & co' in md and not re.search(r'(?<!\\)<script', md)  # shown, not rendered
    assert '<script>' not in (out/'report.html').read_text()
    assert not [p for p in out.iterdir() if p.name.startswith('.')]  # no temporary files left


# --- issue 24: a stopped runner, a run claimed at a signal, a read-only folder, bad results, a locked store ----------

def _run_grid_proc(db, log, *, sleep, lease_s=300., heartbeat_s=30., pre=''):
    "A runner as `python -c` calling `run_grid` (a lease and heartbeat the CLI does not expose); `pre`: code run first."
    code = f"""
import sys, os, signal
{pre}
from activ_bench.runner import run_grid
res = run_grid(dict(name='p', act='mish', seeds=1, fake_sleep={sleep}, fake_log={str(log)!r}), {str(db)!r}, 'fake_train:train',
               baseline=None, progress=False, lease_s={lease_s}, heartbeat_s={heartbeat_s}, workers=1)
print(res)
"""
    import subprocess
    from conftest import cli_env
    return subprocess.Popen([sys.executable, '-c', code], env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=foreground_signals)


@pytest.mark.slow
def test_stopped_runner_that_lost_its_run_abandons_the_training_and_commits_nothing(tmp_path):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    a = _run_grid_proc(db, log, sleep=15., lease_s=3., heartbeat_s=.5)
    b = None
    try:
        assert wait_for(lambda: len(log_lines(log)) == 1, timeout=120), (a.poll(), a.stderr.read() if a.poll() is not None else '')
        a_train = int(log_lines(log)[0][3])
        a.send_signal(signal.SIGSTOP)  # Ctrl-Z: the runner stops, its training (a process group of its own) does not
        time.sleep(4)  # past the lease
        assert _alive(a_train)  # overdue, but nobody has taken the run: it trains on
        b = _run_grid_proc(db, log, sleep=15., lease_s=3., heartbeat_s=.5)
        assert wait_for(lambda: len([l for l in log_lines(log) if l[0] == 'start']) == 2, timeout=120), b.stderr.read() if b.poll() is not None else ''
        assert wait_for(lambda: not _alive(a_train), timeout=5, every=.05), "the stopped runner's training goes on beside the new one"
        assert Path(f'/proc/{a.pid}/stat').read_text().rsplit(')', 1)[1].split()[0] == 'T'  # while its runner is still stopped
        a.send_signal(signal.SIGCONT)  # the runner wakes, finds its claim gone and commits nothing
        out, err = a.communicate(timeout=60)
        assert a.returncode == 0 and 'Traceback' not in err, err
        assert 'was taken back by another runner' in err and "'ran': 0" in out, (out, err)
        out, err = b.communicate(timeout=120)
        assert b.returncode == 0 and "'ran': 1" in out, err
    finally:
        for p in (a, b):
            if p is not None and p.poll() is None: p.send_signal(signal.SIGCONT); p.kill(); p.wait()
    (r,) = rows(db)
    assert r['status'] == 'done' and r['attempts'] == 2  # two trainings, one commit: the second runner's
    ends = [l for l in log_lines(log) if l[0] == 'end']
    assert len(ends) == 1 and int(ends[0][3]) != a_train


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_run_claimed_as_a_signal_arrives_goes_back_to_pending_and_counts_no_training(tmp_path, sig):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    pre = f"""
from activ_bench.sqlite_store import ResultsStore
_claim = ResultsStore.claim
def claim(self, *a, **k):  # the signal arrives right after the claim's commit, before the run is submitted
    got = _claim(self, *a, **k)
    if got: os.kill(os.getpid(), {int(sig)})
    return got
ResultsStore.claim = claim
"""
    p = _run_grid_proc(db, log, sleep=0., pre=pre)
    out, err = p.communicate(timeout=120)
    assert p.returncode != 0 and 'Stopped' in err or 'KeyboardInterrupt' in err, (p.returncode, err)
    (r,) = rows(db)
    assert r['status'] == 'pending' and r['owner'] is None, r  # back to the pool at once
    assert r['attempts'] == 0 and not log_lines(log)  # claimed, never trained: not counted


def _read_only_folder_cmd(folder) -> list|None:
    """A command prefix under which `folder` cannot be written: a read-only bind mount in a mount namespace of its own (root
    ignores permission bits), or nothing for another user (`chmod` does it); None where neither is possible."""
    import shutil, subprocess
    if os.geteuid() != 0: return []
    if not shutil.which('unshare'): return None
    pre = ['unshare', '-m', 'sh', '-c', f'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', str(folder)]
    probe = subprocess.run(pre + ['touch', str(folder/'probe')], capture_output=True, text=True)
    return pre if probe.returncode != 0 and 'Read-only file system' in probe.stderr else None


def test_report_and_plan_read_a_wal_store_in_a_read_only_folder_and_write_nothing(tmp_path):
    import subprocess, fake_train
    from conftest import cli_env
    folder, out = tmp_path/'store', tmp_path/'out'
    folder.mkdir()
    db = folder/'s.db'
    run_grid(dict(name='ro', act='mish', seeds=3), db, fake_train.train, backend='inline', progress=False)
    con = sqlite3.connect(db); assert con.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'; con.close()  # as the runner left it
    assert sorted(p.name for p in folder.iterdir()) in (['s.db'], ['s.checkpoints', 's.db'])
    before, mtime, names = db.read_bytes(), db.stat().st_mtime_ns, sorted(p.name for p in folder.iterdir())
    db.chmod(0o444); folder.chmod(0o555)
    try:
        pre = _read_only_folder_cmd(folder)
        if pre is None: pre = []  # no way to make it read-only here: still, nothing may be written or created
        exe = Path(sys.executable).parent/'activ-bench'
        for args in (['report', '--store', db, '--out', out, '--n-boot', 200], ['plan', '--store', db]):
            r = subprocess.run(pre + [str(exe), *map(str, args)], env=cli_env(), capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, (args[0], r.stderr)
            assert 'Traceback' not in r.stderr, r.stderr
    finally: folder.chmod(0o755)
    assert (out/'report.md').exists()
    assert sorted(p.name for p in folder.iterdir()) == names  # no -wal, no -shm
    assert db.read_bytes() == before and db.stat().st_mtime_ns == mtime  # not a byte, not a touch


def test_a_result_json_cannot_hold_is_a_failed_run_not_a_crash(tmp_path):
    db = tmp_path/'s.db'
    g = write_grid(tmp_path/'g.yaml', name='unjson', act='mish', seeds=1, fake_unjson='mish')
    r = activ_bench('run', '--config', g, '--train-fn', FAKE, '--store', db, '--quiet')
    assert r.returncode == 1, (r.returncode, r.stderr)
    _no_traceback(r)
    st = {x['act']: x for x in rows(db)}
    assert st['relu']['status'] == 'done' and st['mish']['status'] == 'failed', st
    assert 'cannot be stored' in st['mish']['error'], st['mish']['error']


def test_a_locked_store_says_so_within_seconds_and_then_goes_on(tmp_path):
    import threading
    db = tmp_path/'s.db'
    ResultsStore(db).add([{'act': 'relu', 'seed': 0}])
    lock = sqlite3.connect(db, isolation_level=None); lock.execute('BEGIN IMMEDIATE')  # another process holds the write lock
    p = activ_bench_popen('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet')
    lines, t_said = [], []
    def read():
        for l in p.stderr:
            lines.append(l)
            if 'is locked by another process' in l: t_said.append(time.time())
    threading.Thread(target=read, daemon=True).start()
    try:
        assert wait_for(lambda: t_said, timeout=120), (p.poll(), lines)
        assert 'waiting up to' in ''.join(lines)
        t_lock = time.time()
    finally:
        lock.execute('ROLLBACK'); lock.close()
    assert p.wait(timeout=120) == 0, lines
    assert time.time() - t_lock < 60
    assert sorted(x['status'] for x in rows(db)).count('done') == 2  # the grid's relu and mish


def test_a_training_subprocess_in_a_session_of_its_own_dies_with_the_runner(tmp_path):
    db, log = tmp_path/'s.db', tmp_path/'runs.log'
    g = write_grid(tmp_path/'g.yaml', name='sess', act='mish', seeds=1, fake_sleep=60., fake_log=str(log), fake_session_child=True)
    p = activ_bench_popen('run', '--config', g, '--train-fn', FAKE, '--store', db, '--workers', 2, '--quiet')
    try:
        assert wait_for(lambda: len([l for l in log_lines(log) if l[0] == 'child']) == 2, timeout=120), p.stderr.read() if p.poll() is not None else ''
    finally:
        p.kill(); p.wait()
    kids = [int(l[3]) for l in log_lines(log) if l[0] == 'child']
    assert wait_for(lambda: not any(_alive(k) for k in kids), timeout=10), [k for k in kids if _alive(k)]


def test_sigterm_while_starting_up_is_a_clean_stop(tmp_path):
    db = tmp_path/'s.db'
    p = activ_bench_popen('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet')
    maps = lambda: Path(f'/proc/{p.pid}/maps').read_text() if p.poll() is None else ''
    assert wait_for(lambda: 'libtorch' in maps(), timeout=120, every=.05)  # importing torch: before any run is claimed
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 143, (p.returncode, err)
    assert 'stopped by SIGTERM' in err and 'Traceback' not in err, err
    assert 'runs in flight' not in err, err  # there were none
    assert 'running' not in statuses(db)


def _importing_activ_bench(pid) -> bool:
    "Has process `pid` begun importing activ_bench? (Its first extension module is mapped: Python and its `site` map none.)"
    try: return '.cpython-' in Path(f'/proc/{pid}/maps').read_text()
    except OSError: return False


@pytest.mark.parametrize('sig, code', [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_while_the_console_script_imports_ends_it_quietly(tmp_path, sig, code):
    # Ctrl-C in the first fraction of a second, while `activ-bench` is still importing (about 0.2 s in): no traceback
    g = write_grid(tmp_path/'g.yaml', name='early', act='mish', seeds=1, fake_sleep=30.)
    p = activ_bench_popen('run', '--config', g, '--train-fn', FAKE, '--store', tmp_path/'s.db', '--quiet')
    try: assert wait_for(lambda: _importing_activ_bench(p.pid) or p.poll() is not None, timeout=60, every=.002), 'never imported activ_bench'
    finally: p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == code, (p.returncode, err)
    assert 'Traceback' not in err and len(err.strip().splitlines()) <= 1, err
    assert 'running' not in statuses(tmp_path/'s.db')


def test_exit_1_messages_say_only_what_is_true(tmp_path):
    import fake_train
    good = tmp_path/'good.db'
    run_grid(dict(name='g', act='mish', seeds=1), good, fake_train.train, backend='inline', progress=False)
    for args in (['run', '--act', 'mish', '--store', '/proc/nope/x.db', '--train-fn', FAKE],  # no store: nothing was kept
                 ['report', '--store', good, '--out', '/proc/nope']):  # a report that cannot be written: the store is not at stake
        r = _main(*args)  # both folders are checked before any work: a bad value (exit 2), not a failure half-way (exit 1)
        assert r.returncode == 2 and 'cannot create this folder' in r.stderr, (args, r.returncode, r.stderr)
        _no_traceback(r)
        assert 'kept' not in r.stderr, r.stderr
    norelu = tmp_path/'norelu.db'
    run_grid(dict(name='n', act='mish', seeds=2), norelu, fake_train.train, backend='inline', progress=False, baseline=None)
    r = _main('report', '--store', norelu, '--out', tmp_path/'rep2', '--n-boot', 20)  # no relu runs: a report without comparisons
    assert r.returncode == 0, r.stderr
    assert 'This store has no relu runs: there are no comparisons' in (tmp_path/'rep2'/'report.md').read_text()


def test_ctrl_c_while_the_runs_processes_start_prints_no_traceback(tmp_path):
    # a terminal's Ctrl-C goes to the whole process group: the runner, its resource tracker and its forkserver, which
    # may still be importing (Python would print a KeyboardInterrupt traceback from it)
    g = write_grid(tmp_path/'g.yaml', name='ctrlc', act='mish', seeds=1, fake_sleep=5.)
    p = activ_bench_popen('run', '--config', g, '--train-fn', FAKE, '--store', tmp_path/'s.db', '--quiet', start_new_session=True)
    def forkserver():
        def cmd(k):
            try: return Path(f'/proc/{k}/cmdline').read_bytes()
            except OSError: return b''
        return [k for k in _descendants(p.pid) if b'forkserver' in cmd(k)]
    assert wait_for(forkserver, timeout=120, every=.01), p.stderr.read() if p.poll() is not None else ''
    for _ in range(10):  # an impatient user, while the forkserver imports
        try: os.killpg(p.pid, signal.SIGINT)
        except ProcessLookupError: break
        time.sleep(.03)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, (p.returncode, err)
    assert 'Traceback' not in err and 'KeyboardInterrupt' not in err, err
    assert 'running' not in statuses(tmp_path/'s.db')
