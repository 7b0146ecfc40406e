"""The GPU check (`python -m activ_bench.gpu_check`, nbs/33_gpu_check.ipynb) in its CPU mode: every step at tiny sizes,
its files and exit code; a failing check exits non-zero; the GPU path's pieces together on the CPU (bf16 autocast,
telemetry, torch.compile, a SIGKILL and the resume)."""
import json, subprocess, sys
from pathlib import Path
import pytest
from conftest import cli_env
from activ_bench.gpu_check import OUT_FILES

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {f.format(tag='cpu') for f in OUT_FILES}


def _check(*args, timeout=900):
    return subprocess.run([sys.executable, '-m', 'activ_bench.gpu_check', '--device', 'cpu', '--tiny', *map(str, args)],
                          cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=timeout)


@pytest.mark.real_train
def test_cpu_mode_runs_every_step_and_writes_its_files(tmp_path):
    r = _check('--out', tmp_path, '--acts', 'relu,mish,learned_relu,frelu', '--fused', 'eager', '--no-model-compile')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    files = {f.name for f in tmp_path.iterdir()}
    assert files == EXPECTED and len(files) <= 8, files
    res = json.loads((tmp_path/'gpu-check.json').read_text())
    assert [s['step'] for s in res['steps']] == ['environment', 'correctness', 'kernels', 'throughput', 'runner']
    assert all(s['failed'] == 0 and s['error'] is None and s['passed'] > 0 for s in res['steps']), res['steps']
    assert all(t['ok'] is None for t in res['targets']) and res['targets']  # GPU targets: listed, not judged on the CPU
    out = r.stdout.rstrip()
    assert out.endswith((tmp_path/'gpu-check.md').read_text().rstrip())  # the summary is printed last
    assert '| runner | pass |' in out and 'resumed after epoch 1' in (tmp_path/'gpu-check.json').read_text()
    thr = (tmp_path/'throughput-cpu.md').read_text()
    assert all(f'| {amp} | eager | {a} |' in thr for amp in ('bf16', 'fp16') for a in ('relu', 'mish', 'learned_relu', 'frelu'))
    assert '| mish | ours |' in (tmp_path/'kernels-cpu.md').read_text() and 'share of copy' in (tmp_path/'kernels-cpu.md').read_text()


def test_a_failing_check_exits_non_zero(tmp_path, monkeypatch):
    from activ_bench import gpu_check
    monkeypatch.setattr(gpu_check, 'REL_TOL', {k: 0. for k in gpu_check.REL_TOL})  # no rounding passes a zero tolerance
    code = gpu_check.main(['--device', 'cpu', '--tiny', '--out', str(tmp_path), '--steps', 'correctness', '--acts', 'mish',
                           '--fused', 'eager', '--nbs', str(ROOT/'nbs')])
    assert code == 1
    (st,) = json.loads((tmp_path/'gpu-check.json').read_text())['steps']
    assert st['failed'] > 0 and any('vs float64 formula' in r['name'] for r in st['results'] if not r['ok'])
    assert '| correctness | FAIL |' in (tmp_path/'gpu-check.md').read_text()


def test_bad_options_are_one_error_line(tmp_path):
    r = _check('--out', tmp_path, '--steps', 'kernels,warp')
    assert r.returncode == 2 and 'Traceback' not in r.stderr and "error: --steps 'kernels,warp'" in r.stderr.strip().splitlines()[-1]


@pytest.mark.real_train
def test_bf16_autocast_telemetry_compile_and_resume_together_on_the_cpu(tmp_path):
    """One run with everything a GPU run uses: bf16 autocast, telemetry, torch.compile, a checkpoint, SIGKILL, the resume.
    The model is the small `convnet`: compiling an XResNet on the CPU takes minutes, and the XResNet path with bf16,
    telemetry, the kill and the resume is `test_cpu_mode_runs_every_step_and_writes_its_files`'s runner step. Enough
    images that the second epoch outlasts the kill (with fewer, it can finish first and the rerun resumes after epoch 2)."""
    from activ_bench.gpu_check import Check, runner_check
    ck = Check('runner')
    args = ['--act', 'mish', '--no-baseline', '--seeds', '1', '--dataset', 'fmnist', '--size', '28', '--epochs', '2',
            '--arch', 'convnet', '--max-items', '2048', '--bs', '32', '--precision', 'bf16', '--telemetry', '1', '--compile', 'true']
    (row,) = runner_check(args, tmp_path/'amp.db', ck, 'bf16 + telemetry + compile', timeout=600)
    assert not ck.failed, ck.failed
    assert row['resumed_epoch'] == 1 and json.loads(row['config'])['compile'] is True
    assert json.loads(row['telemetry']) and json.loads(row['config'])['precision'] == 'bf16'  # 13_train checks bf16 is what trains
