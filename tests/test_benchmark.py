"The benchmarks run and print one row per activation (and form), as ratios to ReLU; bad options are one error line."
from pathlib import Path
import pytest
from activ_bench.activations import list_acts
from conftest import activ_bench, run_benchmark

def test_benchmark_prints_every_activation():
    r = run_benchmark('act_throughput.py', '--size', '16', '--bs', '8', '--steps', '1', '--rounds', '1', '--widen', '.25', '--device', 'cpu')
    assert r.returncode == 0, r.stderr
    rows = [l.split('|') for l in r.stdout.splitlines() if l.startswith('| ') and not l.startswith('| activation')]
    assert [c[1].strip() for c in rows] == list_acts()
    relu = rows[0]
    assert relu[3].strip() == '1.00' and relu[5].strip() == '1.00'
    assert all(float(c[2]) > 0 and float(c[4]) > 0 for c in rows)
    assert '- mish: ' in r.stdout and 'target 0.9x' in r.stdout and 'target 0.7x' in r.stdout  # frelu's

def test_kernels_command_prints_forms_and_targets(tmp_path):
    out = tmp_path / 'k.md'
    r = activ_bench('kernels', '--acts', 'mish,prelu', '--dtypes', 'float32,float64', '--shape', '2,4,6,6',
                    '--rounds', '1', '--reps', '1', '--out', out, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [[c.strip() for c in l.split('|')[1:4]] for l in r.stdout.splitlines() if l.startswith('| ') and not l.startswith('| activation')]
    forms = [('relu', 'ours'), ('relu', 'native'), ('mish', 'ours'), ('mish', 'reference'), ('mish', 'native'), ('prelu', 'ours'), ('prelu', 'native')]
    assert [tuple(c[:2]) for c in rows] == forms * 2
    assert rows[0][2].split()[0] != '' and '## float64' in r.stdout and '- mish: ours' in r.stdout
    assert out.read_text().strip() == r.stdout.strip()
    assert 'command: `activ-bench kernels --acts mish,prelu' in r.stdout

def test_kernels_command_bad_input_is_one_error_line():
    for args, msg in [(('--dtypes', 'float8'), "dtype 'float8' unknown"), (('--acts', 'frelu'), 'frelu is not pointwise'),
                      (('--shape', '2,x'), "--shape '2,x' must be comma-separated ints")]:
        r = activ_bench('kernels', '--shape', '2,2', '--rounds', '1', '--reps', '1', *args)
        assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr, (args, r.stderr)

def test_exp_floor_prints_every_kernel_against_relu():
    r = run_benchmark('exp_floor.py', '--numel', '4096', '--rounds', '3')  # 3: one descheduled call cannot move a median
    assert r.returncode == 0, r.stderr
    rows = {l.split('|')[1].strip(): l.split('|')[3].strip() for l in r.stdout.splitlines() if l.startswith('| ') and not l.startswith('| kernel')}
    assert rows['F.relu'] == '1.00' and 'exp(x) (compiled)' in rows and 'mish forward (activ_bench)' in rows
    assert 'exp_nonpos(-abs(x)) (compiled, inline)' in rows and 'inline (exp_nonpos)' in r.stdout
    assert all(float(v) > 0 for v in rows.values()) and 'One exp costs' in r.stdout
    bad = run_benchmark('exp_floor.py', '--numel', '0')
    assert bad.returncode == 2 and '--numel=0 must be a positive int' in bad.stderr and 'Traceback' not in bad.stderr

def test_exp_floor_backward_times_both_kernels_of_every_form():
    r = run_benchmark('exp_floor.py', '--backward', '--numel', '4096', '--rounds', '3')  # 3: one descheduled call cannot move a median
    assert r.returncode == 0, r.stderr
    rows = {l.split('|')[1].strip(): [c.strip() for c in l.split('|')[2:-1]] for l in r.stdout.splitlines()
            if l.startswith('| ') and not l.startswith('| kernels')}
    assert rows['F.relu + threshold_backward'][2] == '1.00' and rows['relu (compiled)'][3] == '1.00'
    assert {'F.silu + silu_backward', 'mish (activ_bench)', 'light_relu (activ_bench)'} <= set(rows)
    assert all(len(v) == 4 and all(float(c) > 0 for c in v) for v in rows.values())

def test_kernel_runs_prints_one_column_per_process():
    r = run_benchmark('kernel_runs.py', '--runs', '2', '--acts', 'mish,trelu', '--shape', '2,4,6,6', '--rounds', '1', '--reps', '1')
    assert r.returncode == 0, r.stderr
    rows = {l.split('|')[1].strip(): [c.strip() for c in l.split('|')[2:-1]] for l in r.stdout.splitlines()
            if l.startswith('| ') and not l.startswith('| activation')}
    assert list(rows) == ['mish', 'trelu'] and all(len(v) == 2 + 3 for v in rows.values())
    assert all(float(x) > 0 for v in rows.values() for x in v)
    bad = run_benchmark('kernel_runs.py', '--shape', '2,x')
    assert bad.returncode == 2 and "--shape='2,x' must be comma-separated ints" in bad.stderr and 'Traceback' not in bad.stderr

@pytest.mark.slow
def test_throughput_in_processes_judges_the_median_process():
    r = run_benchmark('act_throughput.py', '--processes', '2', '--acts', 'mish,frelu', '--size', '16', '--bs', '4', '--steps', '1',
                      '--rounds', '1', '--widen', '.25', '--device', 'cpu')
    assert r.returncode == 0, r.stderr
    rows = {l.split('|')[1].strip(): [float(c) for c in l.split('|')[2:-1]] for l in r.stdout.splitlines()
            if l.startswith('| ') and not l.startswith('| activation')}
    assert list(rows) == ['mish', 'frelu'] and all(len(v) == 2 + 3 and min(v) > 0 for v in rows.values())
    for v in rows.values():  # median of two processes (from unrounded ratios), then their min and max
        assert abs(v[2] - (v[0] + v[1]) / 2) <= .011 and v[3] == min(v[:2]) and v[4] == max(v[:2])
    assert "- mish: " in r.stdout and 'on the median process' in r.stdout and '--processes 2' in r.stdout
    bad = run_benchmark('act_throughput.py', '--processes', '0')
    assert bad.returncode == 2 and '--processes=0 must be a positive int' in bad.stderr and 'Traceback' not in bad.stderr

def test_mish_forms_times_both_fused_forms_against_relu():
    r = run_benchmark('mish_forms.py', '--processes', '2', '--shape', '2,4,6,6', '--rounds', '1', '--reps', '1')
    assert r.returncode == 0, r.stderr
    rows = {l.split('|')[1].strip(): [float(c) for c in l.split('|')[2:-1]] for l in r.stdout.splitlines()
            if l.startswith('| ') and not l.startswith('| form')}
    assert list(rows) == ['mish (activ_bench: exp(-abs(x)) inline)', 'mish (exp(-abs(x)) by SLEEF)',
                          'mish (first fused: exp(min(x, 20)) by SLEEF)', 'F.mish', 'ftswish (activ_bench)']
    assert all(len(v) == 2 + 3 and min(v) > 0 for v in rows.values())
    for args, msg in [(('--shape', '2,0'), "--shape='2,0': every size must be a positive int"), (('--reps', '0'), '--reps=0 must be a positive int')]:
        bad = run_benchmark('mish_forms.py', *args)
        assert bad.returncode == 2 and msg in bad.stderr and 'Traceback' not in bad.stderr, (args, bad.stderr)

def test_processes_refuse_a_child_whose_kernels_fell_back_to_eager(tmp_path, monkeypatch):
    from activ_bench.fused import FALLBACK_WARNING
    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent/'benchmarks'))
    from processes import run_in_processes
    ok, fell = tmp_path/'ok.py', tmp_path/'fell.py'
    ok.write_text("print('{\"mish\": 1.5}')")
    fell.write_text(f"import sys; print('x.py:1: UserWarning: {FALLBACK_WARNING} (RuntimeError: boom); running eagerly', file=sys.stderr); print('{{\"mish\": 9.0}}')")
    assert run_in_processes([ok], 2) == [{'mish': 1.5}] * 2
    with pytest.raises(SystemExit) as e: run_in_processes([fell], 2)
    assert str(e.value) == f"process 1 of 2: {FALLBACK_WARNING} (RuntimeError: boom); running eagerly"
