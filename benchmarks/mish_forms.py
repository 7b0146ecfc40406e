#!/usr/bin/env python
"""Fused Mish kernels side by side: the one activ_bench uses and the ones before it.

All are exact and compute one exponential and one division per element in the forward and again in the
backward. They differ in how they keep the exponential from overflowing and in how it is computed:

- activ_bench: `e^{-|x|}` (a sign-split ratio), computed inline (`activ_bench.fused.exp_nonpos`);
- the same formula with inductor's `exp` (a call to SLEEF);
- the first fused Mish: `e^{min(x, 20)}`, inductor's `exp`. On an Intel Xeon (AVX-512) inductor's kernel for
  this form ran several times slower than for the others; on an AMD EPYC it did not.

Per process, forward+backward time as a ratio to ReLU (medians of interleaved calls, float32, with autograd, as
in `activ-bench kernels`), with PyTorch's `F.mish` and the fused FTSwish (one exponential and one division too)
as yardsticks.

    python benchmarks/mish_forms.py                   # 5 fresh processes, 32x64x32x32
    python benchmarks/mish_forms.py --processes 1 --shape 8,16,16,16
"""
import argparse, json
from functools import partial
from processes import run_in_processes, processes_table, parse_shape, check_positive, add_timing_args, header


def _clamped_fwd(x):
    "The first fused Mish: tanh(softplus(x)) = n/(n+2), n = e(e+2), e = exp(min(x, 20))"
    import torch
    from activ_bench.activations import _up
    v = _up(x); e = torch.exp(v.clamp_max(20.)); n = e * (e + 2)
    return (v * (n / (n + 2))).to(x.dtype)


def _clamped_bwd(x, g):
    import torch
    from activ_bench.activations import _up
    v = _up(x).clamp_max(20.); e = torch.exp(v); n = e * (e + 2); r = 1 / (n + 2)
    return (_up(g) * (r * (n + 4 * v * e * (1 + e) * r))).to(g.dtype)


def child(shape, rounds, reps):
    "One process: {form: fwd+bwd median / ReLU's}."
    import torch, torch.nn.functional as F
    from activ_bench.fused import pointwise_fn
    from activ_bench.activations import MishFn, FTSwishFn, _mish_fwd, _mish_bwd
    from activ_bench.timing import interleave
    clamped = pointwise_fn('mish_clamped', _clamped_fwd, _clamped_bwd)
    split = pointwise_fn('mish_split_sleef', partial(_mish_fwd, exp=torch.exp), partial(_mish_bwd, exp=torch.exp))
    forms = {'relu': F.relu, 'mish (activ_bench: exp(-abs(x)) inline)': MishFn.call,
             'mish (exp(-abs(x)) by SLEEF)': split.call, 'mish (first fused: exp(min(x, 20)) by SLEEF)': clamped.call,
             'F.mish': F.mish, 'ftswish (activ_bench)': lambda x: FTSwishFn.call(x, -.2)}
    torch.manual_seed(0)
    x = torch.randn(shape).requires_grad_(); g = torch.randn(shape)
    ts = interleave({k: (lambda f=f: torch.autograd.grad(f(x), x, g)) for k, f in forms.items()}, rounds, reps)
    print(json.dumps({k: s.ratio(ts['relu']) for k, s in ts.items() if k != 'relu'}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--processes', type=int, default=5, help='fresh processes, one after another')
    add_timing_args(ap, child=True)
    a = ap.parse_args()
    shape = parse_shape(ap, a.shape)
    check_positive(ap, a, 'processes', 'rounds', 'reps')
    if a.child: return child(shape, a.rounds, a.reps)
    runs = run_in_processes([__file__, '--child', '--shape', a.shape, '--rounds', a.rounds, '--reps', a.reps], a.processes)
    print(header("Mish: fused forms, forward+backward as a multiple of ReLU's").rstrip('\n'))
    print(f"- input: float32 {shape}; per process the median of {a.rounds} interleaved rounds x {a.reps} calls\n")
    print(processes_table(runs, 'form'))


if __name__ == '__main__':
    main()
