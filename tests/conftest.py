import os, sys, time, sqlite3, subprocess, json
from pathlib import Path
import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FAKE = 'fake_train:train'


def cli_env():
    "Environment for a CLI subprocess: tests/ importable (for fake_train), one thread."
    env = dict(os.environ, OMP_NUM_THREADS='1', MPLBACKEND='Agg')
    env['PYTHONPATH'] = os.pathsep.join([str(TESTS), env.get('PYTHONPATH', '')]).rstrip(os.pathsep)
    return env


def activ_bench(*args, **kw):
    "Run the console script (or `python -c` calling main if it is not installed)."
    exe = Path(sys.executable).parent/'activ-bench'
    cmd = [str(exe)] if exe.exists() else [sys.executable, '-c', 'import sys; from activ_bench.cli import main; sys.exit(main())']
    return subprocess.run(cmd + [str(a) for a in args], env=cli_env(), capture_output=True, text=True, timeout=kw.pop('timeout', 120), **kw)


def run_benchmark(script:str, *args, timeout=300):
    "Run `benchmarks/<script>` with `args` in a fresh interpreter; its completed process."
    return subprocess.run([sys.executable, str(ROOT/'benchmarks'/script), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def foreground_signals():
    "In the child before exec: SIGINT's default action, as in a terminal's foreground job (a suite started with `&` ignores it)."
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def activ_bench_popen(*args, **kw):
    exe = Path(sys.executable).parent/'activ-bench'
    cmd = [str(exe)] if exe.exists() else [sys.executable, '-c', 'import sys; from activ_bench.cli import main; sys.exit(main())']
    return subprocess.Popen(cmd + [str(a) for a in args], env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=foreground_signals, **kw)


def rows(db):
    "All rows of a store, read with plain sqlite3 (not through the code under test)."
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try: return [dict(r) for r in con.execute('SELECT * FROM runs')]
    finally: con.close()


def write_grid(path, **grid):
    import yaml
    Path(path).write_text(yaml.safe_dump(grid))
    return path


def wait_for(pred, timeout=90, every=.2):
    "Poll `pred` until it is true (True) or `timeout` seconds pass (False)."
    t0 = time.time()
    while time.time() - t0 < timeout:
        if pred(): return True
        time.sleep(every)
    return False


def statuses(db):
    "The status of every run in store `db` (none while it is being created)."
    try: return [r['status'] for r in rows(db)]
    except sqlite3.OperationalError: return []


def log_lines(log):
    "The 'start|end act seed pid' lines fake_train appended to `log`, split."
    return [l.split() for l in Path(log).read_text().splitlines()] if Path(log).exists() else []


def pytest_collection_modifyitems(items):
    "The `real_train` tests first, then the `slow` ones, each in their order: pytest-xdist hands the quick ones to whichever worker is free meanwhile, and no long test starts last."
    items.sort(key=lambda item: 0 if item.get_closest_marker('real_train') else 1 if item.get_closest_marker('slow') else 2)
