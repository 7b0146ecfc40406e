"The telemetry cost benchmark runs and prints its ratio table (a smoke test: no timing is asserted)."
import subprocess, sys
from pathlib import Path

def test_telemetry_cost_benchmark_prints_ratios():
    script = Path(__file__).parent.parent/'benchmarks'/'telemetry_cost.py'
    r = subprocess.run([sys.executable, str(script), '--batches', '2', '--rounds', '1', '--every', '1', '--acts', 'relu',
                        '--size', '16', '--device', 'cpu'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [l.split('|') for l in r.stdout.splitlines() if l.startswith('| relu')]
    assert [c[2].strip() for c in rows] == ['1']
    assert all(float(c[5]) > 0 for c in rows) and rows[0][7].strip().endswith('%')
