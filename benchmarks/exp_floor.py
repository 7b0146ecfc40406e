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
    python benchmarks/exp_floor.py --backward          # forward and backward kernels, without autograd

With `--backward` it times both kernels of each form, called directly (no autograd, no allocation of
parameters' gradients), as ratios to ReLU's forward+backward (`F.relu` and `threshold_backward`, and our
compiled pair): what `results/kernels.md` measures, without the per-call overhead that is the same for every
activation there and so pulls its ratios towards 1.

Prints a Markdown table.
"""
import argparse
import torch, torch.nn.functional as F
from activ_bench.activations import get_act
from activ_bench.fused import Kernel, exp_nonpos
from activ_bench.timing import interleave
from processes import check_positive, add_timing_args, header

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


def _silu_fwd(x):
    e = exp_nonpos(-x.abs())
    return x * torch.where(x > 0, 1., e) / (1 + e)  # x * sigmoid(x), one inline exponential

def _silu_bwd(x, g):
    e = exp_nonpos(-x.abs()); s = torch.where(x > 0, 1., e) / (1 + e)
    return g * s * (1 + x * (1 - s))

def pairs(x) -> dict:
    "name -> (forward(x), backward(x, g), the module or op they compute): kernels called directly, as autograd calls them."
    aten = torch.ops.aten
    fs = {'F.relu + threshold_backward': (F.relu, lambda x, g: aten.threshold_backward(g, x, 0.), F.relu),
          'relu (compiled)': (Kernel(lambda x: x.clamp_min(0), 'exp_floor.relu'),
                              Kernel(lambda x, g: torch.where(x > 0, g, 0.), 'exp_floor.relu_bwd'), F.relu),
          'F.silu + silu_backward': (F.silu, lambda x, g: aten.silu_backward(g, x), F.silu),
          'silu, one inline exp (compiled)': (Kernel(_silu_fwd, 'exp_floor.silu_fwd'), Kernel(_silu_bwd, 'exp_floor.silu_bwd'), F.silu),
          'F.gelu + gelu_backward': (F.gelu, lambda x, g: aten.gelu_backward(g, x), F.gelu)}
    for n in EXP_ACTS:
        if n in ('silu', 'gelu'): continue  # PyTorch's own ops, above
        m = get_act(n)
        node = m(x.detach().requires_grad_()).grad_fn  # the fused Function's node: its kernels and parameters
        kf, kb = node._forward_cls.kernels
        fs[f'{n} (activ_bench)'] = (lambda x, kf=kf, ps=node.params: kf(x, *ps), lambda x, g, kb=kb, ps=node.params: kb(x, g, *ps), m)
    return fs


def call_only(f, *args):
    "A step of `interleave` that calls `f(*args)` and keeps nothing: the backward kernel does not need the forward's output."
    def step(*_): f(*args)
    return step


def check_pair(name, f, b, ref, x, g):
    "The kernels compute what `ref` and its autograd gradient compute (so the table times the right thing)."
    xr = x.detach().requires_grad_()
    y = ref(xr); gx, = torch.autograd.grad(y, xr, g)
    with torch.no_grad():
        torch.testing.assert_close(f(x), y.detach(), msg=lambda m: f"{name} forward: {m}")
        torch.testing.assert_close(b(x, g), gx, msg=lambda m: f"{name} backward: {m}")


def backward_table(a, x):
    "Forward and backward kernels, medians of interleaved rounds, as ratios to ReLU's pair."
    g = torch.randn_like(x)
    fs = pairs(x)
    for n, (f, b, ref) in fs.items(): check_pair(n, f, b, ref, x, g)  # compiles, too
    with torch.no_grad():  # each form: its forward, then its backward, timed one by one
        ts = interleave({n: (call_only(f, x), call_only(b, x, g)) for n, (f, b, _) in fs.items()}, a.rounds, warmup=1)
    tot = {n: tf.median + tb.median for n, (tf, tb) in ts.items()}
    base, ours = tot['F.relu + threshold_backward'], tot['relu (compiled)']
    print(header(f"Forward and backward kernels, {a.numel:,} fp32 elements, {a.rounds} interleaved rounds (medians)"))
    print("| kernels | fwd µs | bwd µs | fwd+bwd vs F.relu's | fwd+bwd vs compiled relu's |\n|---|---:|---:|---:|---:|")
    for n, (tf, tb) in ts.items():
        print(f"| {n} | {tf.median * 1e6:.0f} | {tb.median * 1e6:.0f} | {tot[n] / base:.2f} | {tot[n] / ours:.2f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--numel', type=int, default=32 * 64 * 32 * 32, help='elements of the fp32 input')
    add_timing_args(ap, rounds=200, reps=None, shape=None, threads=True)
    ap.add_argument('--backward', action='store_true', help='time forward and backward kernels instead of forwards')
    a = ap.parse_args()
    check_positive(ap, a, 'numel', 'rounds')
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.numel)
    if a.backward: return backward_table(a, x)
    with torch.no_grad():  # one call per form per round
        ts = interleave({n: (lambda f=f: f(x)) for n, f in forms().items()}, a.rounds)
    med = {n: s.median for n, s in ts.items()}
    base = med['F.relu']
    print(header(f"Forward kernels, {a.numel:,} fp32 elements, {a.rounds} interleaved rounds (medians)"))
    print("| kernel | µs | vs F.relu |\n|---|---:|---:|")
    for n, t in med.items(): print(f"| {n} | {t * 1e6:.0f} | {t / base:.2f} |")
    extra = med['exp(x) (compiled)'] - med['x * 2 (compiled)']
    inline = med['exp_nonpos(-abs(x)) (compiled, inline)'] - med['x * 2 (compiled)']
    print(f"\nOne exp costs {extra * 1e6:.0f} µs over a copy: {extra / base:.2f}x F.relu's forward on this machine;"
          f" inline (exp_nonpos) {inline * 1e6:.0f} µs, {inline / base:.2f}x.")


if __name__ == '__main__':
    main()
