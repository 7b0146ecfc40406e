"The telemetry cost benchmark runs and prints its ratio table (a smoke test: no timing is asserted)."
from conftest import run_benchmark

def test_telemetry_cost_benchmark_prints_ratios():
    r = run_benchmark('telemetry_cost.py', '--batches', '2', '--rounds', '1', '--every', '1', '--acts', 'relu', '--size', '16', '--device', 'cpu')
    assert r.returncode == 0, r.stderr
    rows = [l.split('|') for l in r.stdout.splitlines() if l.startswith('| relu')]
    assert [c[2].strip() for c in rows] == ['1']
    assert all(float(c[5]) > 0 for c in rows) and rows[0][7].strip().endswith('%')
