#!/usr/bin/env python
"""How much one `activ-bench kernels` figure moves from one process to the next.

Runs the float32 kernel timing (`activ_bench.kernels.time_kernels`, forms 'ours') in `--runs` fresh
processes, one after another, and prints per activation the forward+backward ratio to ReLU of each run
(the median of its interleaved calls, as in `results/kernels.md`), then the median, minimum and maximum over runs.

Why one process is one draw: see `benchmarks/processes.py`.

    python benchmarks/kernel_runs.py                  # 8 runs, 32x64x32x32
    python benchmarks/kernel_runs.py --runs 3 --shape 8,16,16,16 --acts mish,trelu
"""
import argparse, json
from processes import run_in_processes, processes_table, parse_shape, check_positive, add_timing_args, header


def child(acts, shape, rounds, reps):
    "One run in this process: {activation: fwd+bwd ratio to ReLU, medians}."
    from activ_bench.kernels import time_kernels
    rows = time_kernels(acts, dtypes=('float32',), shape=shape, rounds=rounds, reps=reps)
    ours = {r['act']: r['fwd'].median + r['bwd'].median for r in rows if r['form'] == 'ours'}
    print(json.dumps({a: t / ours['relu'] for a, t in ours.items() if a != 'relu'}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', type=int, default=8, help='fresh processes, one after another')
    ap.add_argument('--acts', default='all', help="comma list of pointwise activations, or 'all'")
    add_timing_args(ap, child=True)
    a = ap.parse_args()
    shape = parse_shape(ap, a.shape)
    check_positive(ap, a, 'runs', 'rounds', 'reps')
    acts = None if a.acts == 'all' else a.acts.split(',')
    if a.child: return child(acts, shape, a.rounds, a.reps)

    args = [__file__, '--child', '--acts', a.acts, '--shape', a.shape, '--rounds', str(a.rounds), '--reps', str(a.reps)]
    runs = run_in_processes(args, a.runs)
    print(header(f"Forward+backward vs ReLU, float32 {a.shape}, {a.runs} processes x {a.rounds} rounds x {a.reps} calls"))
    print(processes_table(runs))


if __name__ == '__main__':
    main()
