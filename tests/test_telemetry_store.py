"Telemetry is stored with its run: a nullable column added to the SQLite store, old stores still open and report."
import json, shutil, sqlite3
from pathlib import Path
from activ_bench.grid import expand_grid
from activ_bench.sqlite_store import ResultsStore, ADDED_COLUMNS
from activ_bench.store import new_owner
from activ_bench.executors import execute_run
from activ_bench.render import write_report

ROOT = Path(__file__).parent.parent

# the table exactly as the first version of the store created it, before the telemetry column
OLD_SCHEMA = """
CREATE TABLE runs (
  key TEXT PRIMARY KEY,
  grid TEXT, act TEXT, dataset TEXT, size INTEGER, epochs INTEGER, arch TEXT, seed INTEGER,
  config TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','done','diverged','failed')),
  error TEXT, history TEXT, accuracy REAL, diverged_epoch INTEGER, images_per_sec REAL, peak_mem_mb REAL,
  wall_time REAL, device TEXT, n_params INTEGER, provenance TEXT,
  owner TEXT, heartbeat REAL, attempts INTEGER NOT NULL DEFAULT 0,
  created REAL, started REAL, finished REAL
);
"""

TELEMETRY = {'activations': {'every': 2, 'layers': ['0.2', '1.2'], 'iters': [0, 2], 'epochs': [0, 0],
                             'stats': {'mean': [[0.1, -0.2], [0.05, None]], 'neg': [[0.5, 0.25], [0.4, 0.3]]},
                             'hist': [[[0.5, 0.5], [1.0, 0.0]], [[0.25, 0.75], [0.0, 1.0]]], 'hist_range': [-2.0, 8.0]},
             'params': {'steps': [0, 2], 'params': {'leak': {'layers': ['0.2'], 'mean': [[0.05, 0.051]], 'std': [[0.0, 0.001]]}}},
             'act_ema': 0.99}


def _configs():
    return expand_grid({'act': ['relu'], 'seeds': 2, 'dataset': 'fmnist', 'epochs': 1}, baseline=None)


def _claim_all(st, keys):
    owner = new_owner()
    while st.claim(keys, owner): pass


def test_telemetry_round_trip(tmp_path):
    st = ResultsStore(tmp_path/'runs.db')
    keys = st.add(_configs())
    _claim_all(st, keys)
    assert st.finish(keys[0], {'status': 'done', 'accuracy': .5, 'history': [], 'telemetry': TELEMETRY})
    assert st.finish(keys[1], {'status': 'done', 'accuracy': .6, 'history': []})  # a run without telemetry
    got = {r['key']: r for r in ResultsStore(tmp_path/'runs.db').runs()}
    assert got[keys[0]]['telemetry'] == TELEMETRY  # None stays None, not NaN; nested lists intact
    assert got[keys[1]]['telemetry'] is None


def test_execute_run_keeps_telemetry_out_of_the_provenance(tmp_path):
    def fake_train(cfg): return {'status': 'done', 'accuracy': .5, 'history': [], 'telemetry': TELEMETRY, 'precision': 'fp32'}
    res = execute_run(fake_train, {'act': 'relu', 'seed': 0, 'dataset': 'fmnist'})
    assert res['telemetry'] == TELEMETRY
    assert 'telemetry' not in res['provenance'].get('result', {}) and res['provenance']['result'] == {'precision': 'fp32'}


def test_old_store_opens_gains_the_column_and_reports(tmp_path):
    db = tmp_path/'old.db'
    cfgs = _configs()
    from activ_bench.grid import config_key
    with sqlite3.connect(db) as con:
        con.executescript(OLD_SCHEMA)
        for i, c in enumerate(cfgs):
            con.execute("INSERT INTO runs (key, act, dataset, seed, config, status, accuracy, history, created, finished) "
                        "VALUES (?,?,?,?,?,'done',?,?,?,?)", (config_key(c), c['act'], c['dataset'], c['seed'], json.dumps(c),
                                                              .5 + i / 10, json.dumps([{'epoch': 0, 'accuracy': .5 + i / 10}]), i, i))
    with sqlite3.connect(db) as con: old_cols = [r[1] for r in con.execute('PRAGMA table_info(runs)')]
    st = ResultsStore(db)
    with sqlite3.connect(db) as con: cols = [r[1] for r in con.execute('PRAGMA table_info(runs)')]
    assert 'telemetry' not in old_cols and cols == old_cols + [c for c, _ in ADDED_COLUMNS]  # every added column, after the old ones
    runs = st.runs()
    assert [r['telemetry'] for r in runs] == [None, None] and [r['accuracy'] for r in runs] == [.5, .6]
    ResultsStore(db)  # opening again adds nothing and fails on nothing
    md = write_report(db, tmp_path/'report').read_text()
    assert '| relu |' in md and 'Activation telemetry' not in md  # no telemetry stored: no section


def test_committed_store_still_opens(tmp_path):
    src = ROOT/'results'/'activ_bench.db'
    if not src.exists(): return
    db = tmp_path/'copy.db'
    shutil.copy(src, db)
    runs = ResultsStore(db).runs()
    assert runs and all('telemetry' in r for r in runs)


def _real_telemetry(act):
    "The telemetry of a few batches of a tiny network, as a run stores it."
    import torch, torch.nn as nn
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    import fastai.callback.progress  # Learner.no_bar
    from activ_bench.activations import get_act
    from activ_bench.telemetry import instrument_callbacks, collect_telemetry
    torch.manual_seed(0)
    ds = torch.utils.data.TensorDataset(torch.randn(32, 1, 8, 8), torch.randint(0, 2, (32,)))
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), get_act(act, nf=4), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))
    learn = Learner(DataLoaders(DataLoader(ds, bs=8), DataLoader(ds, bs=8), device='cpu'), model, loss_func=nn.CrossEntropyLoss(),
                    cbs=instrument_callbacks(telemetry=1))
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    return collect_telemetry(learn)


def test_report_shows_telemetry(tmp_path):
    st = ResultsStore(tmp_path/'runs.db')
    keys = st.add(expand_grid({'act': ['trelu'], 'seeds': 2, 'dataset': 'fmnist', 'epochs': 1}))  # relu added as the baseline
    _claim_all(st, keys)
    tel = {'relu': _real_telemetry('relu'), 'trelu': _real_telemetry('trelu')}
    for r in st.runs():
        st.finish(r['key'], {'status': 'done', 'accuracy': .5 + r['seed'] / 10, 'history': [{'epoch': 0, 'accuracy': .5}],
                             'telemetry': tel[r['act']]})
    md = write_report(tmp_path/'runs.db', tmp_path/'report').read_text()
    assert '## Activation telemetry' in md
    sec = md.split('## Activation telemetry')[1]
    assert '| relu | 2 | ' in sec and '| trelu | 2 | ' in sec
    assert list((tmp_path/'report').glob('telemetry_*.png'))
    # a store without telemetry gets no section (the old-store test above)
