"End to end with the real trainer: the console script trains on real images and reports (CPU, tiny budgets)."
import json, sqlite3
import pytest
from conftest import activ_bench

TINY = "arch: xresnet18\nwidth: 0.25\nsize: 28\nepochs: 1\nbs: 32\nmax_items: 128\n"


def _runs(db):
    con = sqlite3.connect(db)
    try: return con.execute("select status, config, history from runs").fetchall()
    finally: con.close()


@pytest.mark.real_train
def test_fmnist_grid_trains_and_reports(tmp_path):
    cfg = tmp_path / 'grid.yaml'; cfg.write_text("dataset: fmnist\n" + TINY)
    db, out = tmp_path / 'r.db', tmp_path / 'out'
    r = activ_bench('run', '--config', cfg, '--act', 'relu,frelu', '--seeds', '2', '--store', db, '--quiet',
                    '--train-fn', 'activ_bench.train:train', timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    runs = _runs(db)
    assert sorted((json.loads(c)['act'], json.loads(c)['seed']) for _, c, _ in runs) == \
        [('frelu', 0), ('frelu', 1), ('relu', 0), ('relu', 1)]
    assert {s for s, _, _ in runs} == {'done'}
    for _, _, h in runs:
        hist = json.loads(h)
        assert len(hist) == 1 and 0 <= hist[0]['accuracy'] <= 1 and hist[0]['train_loss'] > 0
    r = activ_bench('report', '--store', db, '--out', out, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    md = (out / 'report.md').read_text()
    assert 'frelu' in md and 'relu' in md and (out / 'report.html').exists()


@pytest.mark.real_train
def test_imagenette_layout_trains_through_the_cli(tmp_path):
    "The exact ImageNette loading path, on a generated folder of real Fashion-MNIST images."
    from activ_bench.data import make_imagenette_like
    data = make_imagenette_like(tmp_path / 'imagenette2-160', n_train=8, n_valid=4, size=40, seed=0)
    cfg = tmp_path / 'grid.yaml'; cfg.write_text("dataset: imagenette\n" + TINY.replace('max_items: 128\n', ''))
    db = tmp_path / 'r.db'
    r = activ_bench('run', '--config', cfg, '--act', 'mish', '--no-baseline', '--seeds', '1', '--data-path', data,
                    '--store', db, '--quiet', '--train-fn', 'activ_bench.train:train', timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    (status, c, h), = _runs(db)
    assert status == 'done' and json.loads(c)['dataset'] == 'imagenette'
    assert len(json.loads(h)) == 1


def test_missing_imagenette_folder_is_a_clear_error(tmp_path):
    r = activ_bench('run', '--dataset', 'imagenette', '--act', 'relu', '--no-baseline', '--seeds', '1',
                    '--data-path', tmp_path / 'nope', '--store', tmp_path / 'r.db', '--quiet',
                    '--train-fn', 'activ_bench.train:train', timeout=300)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"data folder {tmp_path / 'nope'} does not exist; expected a folder with train/ and val/" in r.stderr
    assert not (tmp_path / 'r.db').exists()  # refused before any run was queued
