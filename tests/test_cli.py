"""`activ-bench` end to end, as a user runs it: the console script in a subprocess, with the fake training function."""
import pytest
import json
from pathlib import Path
from conftest import FAKE, rows, activ_bench


def test_run_report_list_end_to_end(tmp_path):
    db, out = tmp_path/'results'/'activ_bench.db', tmp_path/'results'
    r = activ_bench('run', '--preset', 'fmnist-quick', '--act', 'relu,mish', '--seeds', 2, '--epochs', 3,
                    '--train-fn', FAKE, '--store', db, '--workers', 2)
    assert r.returncode == 0, r.stderr
    assert "grid 'fmnist-quick': 4 runs: 4 done; trained 4 now" in r.stdout, r.stdout
    rs = rows(db)
    assert sorted((x['act'], x['seed'], x['status']) for x in rs) == [('mish', 0, 'done'), ('mish', 1, 'done'),
                                                                      ('relu', 0, 'done'), ('relu', 1, 'done')]
    cfg = json.loads(rs[0]['config'])
    assert cfg['epochs'] == 3 and cfg['dataset'] == 'fmnist' and cfg['arch'] == 'xresnet18' and cfg['max_items'] == 4000
    assert all(len(json.loads(x['history'])) == 3 for x in rs)
    prov = json.loads(rs[0]['provenance'])
    assert {'git_commit', 'versions', 'device', 'dataset', 'host'} <= set(prov) and prov['dataset']['name'] == 'fmnist'

    r = activ_bench('report', '--store', db, '--out', out)
    assert r.returncode == 0, r.stderr
    md, page = (out/'report.md').read_text(), (out/'report.html').read_text()
    mish = [l for l in md.splitlines() if l.startswith('| mish |')][:1] # the results table's row (the seeds table follows)
    assert len(mish) == 1 and '| 2/2 |' in mish[0] and 'too few seeds' in mish[0], md
    pngs = sorted(out.glob('*.png'))
    assert [p.name for p in pngs][-1] == 'forest.png' and len(pngs) == 3  # curves and accuracy of the setting, the forest plot of the report
    assert all(f'({p.name})' in md and f'src="{p.name}"' in page for p in pngs)

    assert 'Δ vs ReLU' in md and 'The frozen leaderboard' not in md  # no ImageNette/ImageWoof runs, no leaderboard table
    assert '3 epochs' in md
    r = activ_bench('report', '--store', db, '--out', tmp_path/'vs_mish', '--baseline', 'mish')
    assert r.returncode == 0, r.stderr
    md = (tmp_path/'vs_mish'/'report.md').read_text()
    assert 'Δ vs mish' in md and 'vs ReLU' not in md
    r = activ_bench('report', '--store', db, '--out', tmp_path/'bad', '--baseline', 'nope')
    assert r.returncode == 2 and "unknown baseline 'nope'; choose one of: mish, relu" in r.stderr, r.stderr
    r = activ_bench('--version')
    assert r.returncode == 0 and r.stdout.startswith('activ-bench ')

    r = activ_bench('list')
    assert r.returncode == 0 and 'fmnist-quick' in r.stdout and 'imagewoof-80' in r.stdout and 'mish' in r.stdout


def test_bad_values_exit_2_naming_the_choices(tmp_path):
    r = activ_bench('run', '--preset', 'imagenet-5', '--train-fn', FAKE, '--store', tmp_path/'s.db')
    assert r.returncode == 2 and "unknown preset 'imagenet-5' (did you mean 'imagenette-5'?); choose one of: imagenette-5" in r.stderr, r.stderr
    r = activ_bench('run', '--act', 'relu,mush', '--train-fn', FAKE, '--store', tmp_path/'s.db')
    assert r.returncode == 2 and "unknown activation 'mush'" in r.stderr and 'choose one of: relu' in r.stderr, r.stderr
    r = activ_bench('run', '--backend', 'slurm', '--train-fn', FAKE, '--store', tmp_path/'s.db')
    assert r.returncode == 2 and "unknown backend 'slurm'; choose one of: local, inline, ray" in r.stderr
    r = activ_bench('frobnicate')
    assert r.returncode == 2 and 'choose one of: run, report, list' in r.stderr
    r = activ_bench('reprot')
    assert r.returncode == 2 and "unknown command 'reprot' (did you mean 'report'?)" in r.stderr
    r = activ_bench('report', '--store', tmp_path/'none.db')
    assert r.returncode == 2 and 'no results store at' in r.stderr
    assert not (tmp_path/'s.db').exists()  # nothing was started


def test_failed_runs_exit_1_name_the_error_and_keep_the_rest(tmp_path):
    cfg = tmp_path/'grid.yaml'; cfg.write_text("fake_fail: silu\n")
    db = tmp_path/'r.db'
    r = activ_bench('run', '--config', cfg, '--act', 'relu,silu', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet')
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert 'failed: silu seed 0: RuntimeError: fake failure for silu seed 0' in r.stderr, r.stderr
    assert '--retry-failed' in r.stderr
    assert sorted((x['act'], x['status']) for x in rows(db)) == [('relu', 'done'), ('silu', 'failed')]


def test_defaults_write_runs_not_results(tmp_path):
    "Without --store/--out, run and report write under runs/ of the working folder; results/ only when named."
    r = activ_bench('run', '--act', 'mish', '--seeds', 2, '--train-fn', FAKE, '--quiet', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'runs'/'activ_bench.db').exists() and not (tmp_path/'results').exists()
    r = activ_bench('report', cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path/'runs'/'report.md').exists() and not (tmp_path/'results').exists(), r.stderr


def test_loader_workers_reaches_the_config_and_dry_run(tmp_path):
    "--loader-workers is TrainConfig.workers (--workers stays the runs at once): stored with the run and shown by --dry-run."
    db = tmp_path/'s.db'
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--loader-workers', 2, '--workers', 1, '--train-fn', FAKE, '--store', db, '--quiet')
    assert r.returncode == 0, r.stderr
    assert {json.loads(x['config'])['workers'] for x in rows(db)} == {2}
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--loader-workers', 3, '--store', db, '--dry-run')
    assert r.returncode == 0 and 'workers=3' in r.stdout, r.stdout + r.stderr


def test_dry_run_against_a_store_says_what_is_done(tmp_path):
    db = tmp_path/'s.db'
    assert activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet').returncode == 0
    r = activ_bench('run', '--act', 'mish', '--seeds', 2, '--train-fn', FAKE, '--store', db, '--dry-run', '--check')
    assert r.returncode == 0, r.stderr
    assert f"in {db}: 2 new, 2 done; would train 2" in r.stdout and r.stdout.count(' done ') == 2, r.stdout
    assert 'imports (runs their code): fake_train' in r.stdout


def test_dry_run_estimates_gpu_time_and_imports_no_torch(tmp_path):
    "--dry-run prints the estimated GPU hours (`activ_bench.cost`) of the runs that would train, and imports neither torch nor fastai."
    import subprocess, sys
    code = f"from activ_bench.cli import main; main(['run', '--preset', 'imagewoof-80', '--act', 'mish', '--seeds', '2', '--store', {str(tmp_path/'s.db')!r}, '--dry-run'])"
    r = subprocess.run([sys.executable, '-X', 'importtime', '-c', code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-500:]
    imported = {l.split('|')[-1].strip() for l in r.stderr.splitlines() if l.startswith('import time:')}
    assert 'activ_bench.cost' in imported and not {m for m in imported if m.split('.')[0] in ('torch', 'fastai')}
    from activ_bench.cost import run_seconds
    from activ_bench.grid import build_grid, expand_grid
    from activ_bench.config import TrainConfig
    configs = expand_grid(build_grid('imagewoof-80', act='mish', seeds=2), TrainConfig, 'relu', imports=False)
    assert len(configs) == 4 # mish and relu, two seeds
    hours = sum(run_seconds(c)['seconds'] for c in configs) / 3600
    assert f"estimated GPU time: {hours:.1f} h for 4 runs on one GPU" in r.stdout, r.stdout
    db = tmp_path/'done.db' # runs in the store are not counted
    assert activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet').returncode == 0
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--dry-run', '--check')
    assert 'would train 0' in r.stdout and 'estimated GPU time' not in r.stdout, r.stdout


def test_run_help_is_quick_and_imports_no_torch():
    "`run --help` builds its flags without importing torch or fastai (checked with python -X importtime)."
    import subprocess, sys
    r = subprocess.run([sys.executable, '-X', 'importtime', '-c', "from activ_bench.cli import main; main(['run', '--help'])"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and '--loader-workers' in r.stdout, r.stderr[-500:]
    imported = {l.split('|')[-1].strip() for l in r.stderr.splitlines() if l.startswith('import time:')}
    assert 'activ_bench.config' in imported and not {m for m in imported if m.split('.')[0] in ('torch', 'fastai')}


def test_list_fits_100_columns():
    r = activ_bench('list')
    assert r.returncode == 0 and max(map(len, r.stdout.splitlines())) <= 100, max(r.stdout.splitlines(), key=len)


def test_progress_lines_and_summary(tmp_path):
    "Without --quiet: a line per finished run and the summary on stderr (no status line when it is not a terminal), no warnings."
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', tmp_path/'s.db')
    assert r.returncode == 0, r.stderr
    lines = r.stderr.strip().splitlines()
    assert [l.split(':')[0] for l in lines[:2]] == ['[1/2] relu seed 0', '[2/2] mish seed 0'], r.stderr
    assert lines[2].startswith('trained 2 of 2 runs in ') and '2 done; mean accuracy relu ' in lines[2] and len(lines) == 3, r.stderr


@pytest.mark.real_train
def test_lr_find_writes_its_table_and_plot(tmp_path):
    "`activ-bench lr-find`: fastai's lr_find per activation of the grid's first setting, one table and one plot; a short sweep gives no suggestion rather than an error."
    r = activ_bench('lr-find', '--act', 'relu,lisht', '--num-it', 12, '--out', tmp_path/'lrf', timeout=600)
    assert r.returncode == 0, r.stderr
    md = (tmp_path/'lrf'/'lr_find.md').read_text()
    assert '| relu |' in md and '| lisht |' in md and '(lr_find.png)' in md and (tmp_path/'lrf'/'lr_find.png').stat().st_size > 1000, md
    r = activ_bench('lr-find', '--act', 'relu', '--num-it', 2, '--out', tmp_path/'lrf2')
    assert r.returncode == 2 and 'num_it=2 must be an int >= 5' in r.stderr and 'Traceback' not in r.stderr, r.stderr


def test_data_dir_reaches_the_runs_config_outside_the_key(tmp_path):
    "--data-dir is each run's `data_dir` field (not an environment variable): stored with the run, and the same run keeps its key."
    db, data = tmp_path/'s.db', tmp_path/'data'
    assert activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet').returncode == 0
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet', '--data-dir', data)
    assert r.returncode == 0 and 'trained 0 now' in r.stdout, r.stdout + r.stderr  # the same runs: their keys ignore where the data is
    r = activ_bench('run', '--act', 'mish', '--seeds', 2, '--train-fn', FAKE, '--store', db, '--quiet', '--data-dir', data)
    assert r.returncode == 0 and 'trained 2 now' in r.stdout, r.stdout + r.stderr
    assert {json.loads(x['config'])['data_dir'] for x in rows(db) if x['seed'] == 1} == {str(data)}


def test_convnet_refuses_options_it_does_not_use(tmp_path):
    "An XResNet option given to convnet is one error line before the first run (exit 2), not a setting recorded that never happened."
    db = tmp_path/'s.db'
    r = activ_bench('run', '--arch', 'convnet', '--pool', 'avg', '--act', 'mish', '--train-fn', FAKE, '--store', db)
    assert r.returncode == 2 and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "TrainConfig.pool='avg': convnet does not use pool (an XResNet option); leave it at its default 'max'" in r.stderr, r.stderr
    assert not db.exists()
    r = activ_bench('run', '--arch', 'convnet', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet')
    assert r.returncode == 0, r.stderr


def test_checkpoint_file_is_an_argument_of_a_train_fn_that_takes_it(tmp_path):
    "The runner hands `train(cfg, checkpoint=...)` its file; a training function without that parameter runs without one."
    db = tmp_path/'s.db'
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', FAKE, '--store', db, '--quiet', '--keep-checkpoints')
    assert r.returncode == 0, r.stderr
    kept = sorted((tmp_path/'s.checkpoints').glob('*.pt'))
    assert sorted(p.stem for p in kept) == sorted(x['key'] for x in rows(db)) and kept[0].read_text().split()[1] == '0', kept
    r = activ_bench('run', '--act', 'mish', '--seeds', 1, '--train-fn', 'fake_train:train_other', '--store', tmp_path/'o.db', '--quiet', '--keep-checkpoints')
    assert r.returncode == 0 and not list(tmp_path.glob('o.checkpoints/*.pt')), r.stderr
