#!/usr/bin/env python
"""FReLU's cost broken down (depthwise conv, BatchNorm, max) and its training throughput, as ratios to ReLU.

Everything is measured in one process, interleaved round by round (load drift hits every case alike); each
figure is the median over rounds. Prints Markdown tables.

    python benchmarks/frelu_cost.py                      # CPU: 32x64x32x32 fp32 pieces, xresnet18 (half width, 64 px) training
    python benchmarks/frelu_cost.py --device cuda        # on a GPU (channels-last and bf16 autocast for the training part)
"""
import argparse
import torch, torch.nn as nn, torch.nn.functional as F
from activ_bench.activations import saved_bytes
from activ_bench.frelu import FReLU, funnel_max
from activ_bench.timing import interleave, clock
from activ_bench.train import build_model
from processes import add_timing_args, parse_shape, check_positive, header


class ArticleFReLU(nn.Module):
    "The FReLU article's PyTorch code: conv (with bias), BatchNorm, `torch.max`."
    def __init__(self, nf):
        super().__init__()
        self.conv_frelu, self.bn_frelu = nn.Conv2d(nf, nf, 3, 1, 1, groups=nf), nn.BatchNorm2d(nf)
    def forward(self, x): return torch.max(x, self.bn_frelu(self.conv_frelu(x)))


def medians(cases:dict, rounds:int, reps:int, dev) -> dict:
    "Median seconds per call of each case: `reps` calls per sample, one sample per case per round, rounds interleaved."
    return {k: st.median for k, st in interleave(cases, rounds, number=reps, clock=clock(dev)).items()}


def pieces(dev, shape, rounds, reps):
    "Forward and forward+backward of each piece on one tensor."
    c = shape[1]
    conv = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False).to(dev); bn = nn.BatchNorm2d(c).to(dev)
    ours, art = FReLU(c).to(dev), ArticleFReLU(c).to(dev)
    def leaf(cl=False):
        t = torch.randn(shape, device=dev)
        return (t.contiguous(memory_format=torch.channels_last) if cl else t).requires_grad_()
    x, t, xc = leaf(), leaf(), leaf(True)
    oursc = FReLU(c).to(dev).to(memory_format=torch.channels_last)
    fns = {'relu': lambda: F.relu(x), 'depthwise conv 3x3': lambda: conv(x), 'BatchNorm (train)': lambda: bn(x),
           'torch.maximum': lambda: torch.maximum(x, t), 'funnel_max': lambda: funnel_max(x, t),
           'FReLU, article code (conv+bias, BN, torch.max)': lambda: art(x), 'FReLU, ours': lambda: ours(x),
           'FReLU, ours, channels-last': lambda: oursc(xc)}
    def fwd(f): 
        def run():
            with torch.no_grad(): f()
        return run
    def fwd_bwd(f):
        def run():
            y = f(); y.backward(torch.ones_like(y))
        return run
    tf = medians({k: fwd(f) for k, f in fns.items()}, rounds, reps, dev)
    tb = medians({k: fwd_bwd(f) for k, f in fns.items()}, rounds, reps, dev)
    saved = {k: saved_bytes(lambda _x, f=f: f(), x) for k, f in fns.items()}
    return {k: (tf[k], tb[k], saved[k]) for k in fns}


def training(dev, arch, widen, size, bs, steps, rounds):
    "Training images/s of `arch` with ReLU, the article's FReLU and ours, in NCHW and channels-last layouts."
    amp = dict(device_type='cuda', dtype=torch.bfloat16) if dev.type == 'cuda' else None
    torch.manual_seed(0)
    x, y = torch.randn(bs, 3, size, size, device=dev), torch.randint(0, 10, (bs,), device=dev)
    setups = {}
    for layout in ('NCHW', 'channels-last'):
        for name, act in (('relu', 'relu'), ('frelu, article code', lambda nf: ArticleFReLU(nf)), ('frelu, ours', 'frelu')):
            m = build_model(arch, act, n_out=10, widen=widen).to(dev)
            xx = x
            if layout == 'channels-last': m, xx = m.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
            setups[(layout, name)] = (m, torch.optim.SGD(m.parameters(), lr=1e-3, momentum=.9), xx)
    def step(m, opt, xx):
        if amp:
            with torch.autocast(**amp): loss = F.cross_entropy(m(xx), y)
        else: loss = F.cross_entropy(m(xx), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    cases = {k: (lambda s=s: [step(*s) for _ in range(steps)]) for k, s in setups.items()}
    t = medians(cases, rounds, 1, dev)
    return {k: bs * steps / v for k, v in t.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--device', default='auto', help="'cpu', 'cuda' or 'auto'")
    add_timing_args(ap)  # --rounds, --reps (calls per case per round, pieces), --shape (the tensor the pieces are timed on)
    ap.add_argument('--arch', default='xresnet18'); ap.add_argument('--widen', type=float, default=.5)
    ap.add_argument('--size', type=int, default=64); ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--steps', type=int, default=3, help='training steps per case per round')
    ap.add_argument('--train-rounds', type=int, default=5)
    a = ap.parse_args()
    shape = parse_shape(ap, a.shape)
    check_positive(ap, a, 'rounds', 'reps', 'steps', 'train_rounds', 'size', 'bs')
    dev = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    print(header(f"FReLU cost on {name}, torch {torch.__version__}"))
    print(f"## Pieces: one {'x'.join(map(str, shape))} fp32 tensor, {a.reps} calls x {a.rounds} interleaved rounds (median)\n")
    print("| piece | forward (ms) | vs ReLU | forward+backward (ms) | vs ReLU | saved for backward (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = pieces(dev, shape, a.rounds, a.reps)
    bf, bb, _ = rows['relu']
    for k, (f, b, s) in rows.items():
        print(f"| {k} | {f * 1e3:.2f} | {f / bf:.2f} | {b * 1e3:.2f} | {b / bb:.2f} | {s / 2**20:.1f} |")
    print(f"\n## Training: {a.arch} widen={a.widen}, {a.size}px, bs {a.bs}, SGD, {a.steps} steps x {a.train_rounds} interleaved rounds (median)\n")
    print("| layout | activation | images/s | vs ReLU, same layout | vs ReLU, NCHW |")
    print("|---|---|---:|---:|---:|")
    ips = training(dev, a.arch, a.widen, a.size, a.bs, a.steps, a.train_rounds)
    for (layout, k), v in ips.items():
        print(f"| {layout} | {k} | {v:.1f} | {v / ips[(layout, 'relu')]:.2f} | {v / ips[('NCHW', 'relu')]:.2f} |")


if __name__ == '__main__':
    main()
