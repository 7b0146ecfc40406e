"""`activ-bench` end to end, as a user runs it: the console script in a subprocess, with the fake training function."""
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
    assert len(pngs) == 2 and all(f'({p.name})' in md and f'src="{p.name}"' in page for p in pngs)

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
