"The throughput benchmark runs and prints one row per activation, as ratios to ReLU."
import subprocess, sys
from pathlib import Path
from activ_bench.activations import list_acts

def test_benchmark_prints_every_activation():
    script = Path(__file__).parent.parent / 'benchmarks' / 'act_throughput.py'
    r = subprocess.run([sys.executable, str(script), '--size', '16', '--bs', '8', '--steps', '1', '--rounds', '1',
                        '--widen', '.25', '--device', 'cpu'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = [l.split('|') for l in r.stdout.splitlines() if l.startswith('| ') and not l.startswith('| activation')]
    assert [c[1].strip() for c in rows] == list_acts()
    relu = rows[0]
    assert relu[3].strip() == '1.00' and relu[5].strip() == '1.00'
    assert all(float(c[2]) > 0 and float(c[4]) > 0 for c in rows)
