#!/usr/bin/env python
"""What one exponential costs on this machine: the floor under every exp-based activation's kernel.

Forward kernels only (no autograd), one process, interleaved rounds, medians, as ratios to `F.relu` on the same
tensor. The compiled rows are built the way `activ_bench.fused` builds the activations' kernels (inductor, one
loop over memory), so they differ from the activations only in their arithmetic:

- `x * 2` (compiled): one read, one write, no arithmetic to speak of: the memory floor of a pointwise kernel;
- `exp(x)` (compiled): the same pass with one exponential (inductor calls SLEEF's vectorised `exp`);
- `exp(-abs(x))` (compiled) and `exp_nonpos(-abs(x))`: the exponential the activations take, by SLEEF and inline
  (`activ_bench.fused.exp_nonpos`, what the activations' kernels use);
- `x / (1 + exp(-x))` (compiled) and `F.silu`: SiLU with one exponential, ours and PyTorch's;
- the forward of each exp-based activation of the registry, as it runs in training (with `torch.no_grad()`).

    python benchmarks/exp_floor.py                     # 32x64x32x32 floats (the size of results/kernels.md)
    python benchmarks/exp_floor.py --numel 100000 --threads 1

Prints a Markdown table.
"""
import argparse, statistics, sys, time
import torch, torch.nn.functional as F
from activ_bench.activations import get_act
from activ_bench.fused import Kernel, exp_nonpos
from activ_bench.kernels import machine_info
from processes import check_positive

EXP_ACTS = ('silu', 'ftswish', 'ftswish_plus', 'lisht', 'light_relu', 'mish', 'gelu') # registry activations that evaluate exp (or erf)


def forms() -> dict:
    "name -> f(x), forward only."
    k = lambda f, name: Kernel(f, f'exp_floor.{name}')
    fs = {'F.relu': F.relu,
          'x * 2 (compiled)': k(lambda x: x * 2, 'copy'),
          'max(x, 0) (compiled)': k(lambda x: x.clamp_min(0), 'relu'),
          'exp(x) (compiled)': k(lambda x: torch.exp(x.clamp_max(20.)), 'exp'),
          'exp(-abs(x)) (compiled)': k(lambda x: torch.exp(-x.abs()), 'exp_neg'),
          'exp_nonpos(-abs(x)) (compiled, inline)': k(lambda x: exp_nonpos(-x.abs()), 'exp_nonpos'),
          'x / (1 + exp(-x)) (compiled)': k(lambda x: x / (1 + torch.exp(-x)), 'silu'),
          'F.silu': F.silu}
    for n in EXP_ACTS:
        if n != 'silu': fs[f'{n} forward (activ_bench)'] = get_act(n)
    return fs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--numel', type=int, default=32 * 64 * 32 * 32, help='elements of the fp32 input')
    ap.add_argument('--rounds', type=int, default=200, help='interleaved rounds (one call per form per round)')
    ap.add_argument('--threads', type=int, default=0, help="torch threads (0: PyTorch's default)")
    a = ap.parse_args()
    check_positive(ap, a, 'numel', 'rounds')
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.numel)
    fs = forms()
    ts = {n: [] for n in fs}
    with torch.no_grad():
        for f in fs.values(): f(x); f(x)  # compile, warm up
        for _ in range(a.rounds):
            for n, f in fs.items():
                t = time.perf_counter(); f(x); ts[n].append(time.perf_counter() - t)
    med = {n: statistics.median(v) for n, v in ts.items()}
    base = med['F.relu']
    print(f"# Forward kernels, {a.numel:,} fp32 elements, {a.rounds} interleaved rounds (medians)\n")
    print(f"- command: `python benchmarks/{' '.join(sys.argv[0].split('/')[-1:] + sys.argv[1:])}`")
    print(f"- machine: {machine_info()}\n")
    print("| kernel | µs | vs F.relu |\n|---|---:|---:|")
    for n, t in med.items(): print(f"| {n} | {t * 1e6:.0f} | {t / base:.2f} |")
    extra = med['exp(x) (compiled)'] - med['x * 2 (compiled)']
    inline = med['exp_nonpos(-abs(x)) (compiled, inline)'] - med['x * 2 (compiled)']
    print(f"\nOne exp costs {extra * 1e6:.0f} µs over a copy: {extra / base:.2f}x F.relu's forward on this machine;"
          f" inline (exp_nonpos) {inline * 1e6:.0f} µs, {inline / base:.2f}x.")


if __name__ == '__main__':
    main()
