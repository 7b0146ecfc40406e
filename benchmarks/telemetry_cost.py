#!/usr/bin/env python
"""What activation telemetry costs: training time with `ActivationTelemetry` + `ActParamTracker` over the time without.

For each activation and each sampling interval `every`, two fastai Learners (same model, same batches) train one
epoch each per round, alternating within the round, so drift in machine load hits both alike; the figure is the
median over rounds of (time with telemetry) / (time without). `every=1` samples every batch: from its ratio r1
the cost of one sampled batch is (r1 - 1) batch times, so the cost at any interval N is about (r1 - 1) / N, a
projection with a far better signal-to-noise ratio on a noisy machine than the small direct measurement at N.
Prints a Markdown table.

    python benchmarks/telemetry_cost.py                          # CPU: xresnet18, quarter width, 32 px
    python benchmarks/telemetry_cost.py --device cuda --size 128 --bs 64 --widen 1 --arch xresnet50
"""
import argparse
import torch, torch.nn as nn
from fastai.learner import Learner
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
import fastai.callback.progress  # Learner.no_bar
from activ_bench.train import build_model, ARCHS, ClampLearnedReluCallback
from activ_bench.telemetry import ActivationTelemetry, ActParamTracker, TELEMETRY_EVERY
from activ_bench.optim import ranger
from activ_bench.timing import interleave, clock
from processes import add_timing_args, check_positive, header


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--arch', default='xresnet18', choices=ARCHS)
    ap.add_argument('--widen', type=float, default=.25)
    ap.add_argument('--size', type=int, default=32)
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--batches', type=int, default=2 * TELEMETRY_EVERY, help='training batches per epoch (one epoch per round)')
    add_timing_args(ap, rounds=5, reps=None, shape=None)  # one epoch per learner per round
    ap.add_argument('--every', default=f'1,{TELEMETRY_EVERY}', help='comma list of sampling intervals')
    ap.add_argument('--acts', default='relu,learned_relu', help='comma list of registry names')
    ap.add_argument('--device', default='auto', help="'cpu', 'cuda' or 'auto'")
    a = ap.parse_args()
    check_positive(ap, a, 'batches', 'rounds', 'bs', 'size')
    dev = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    everies = [int(e) for e in a.every.split(',')]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(a.batches * a.bs, 3, a.size, a.size, generator=g)
    y = torch.randint(0, 10, (a.batches * a.bs,), generator=g)
    ds = torch.utils.data.TensorDataset(x, y)
    valid = torch.utils.data.TensorDataset(x[:a.bs], y[:a.bs])

    def learner(act, cbs):
        torch.manual_seed(0)
        dls = DataLoaders(DataLoader(ds, bs=a.bs), DataLoader(valid, bs=a.bs), device=dev)
        return Learner(dls, build_model(a.arch, act, n_out=10, widen=a.widen), loss_func=nn.CrossEntropyLoss(),
                       opt_func=ranger, lr=1e-3, cbs=[ClampLearnedReluCallback(), *cbs])

    def fit(learn):
        with learn.no_bar(), learn.no_logging(): learn.fit(1)

    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    print(header(f"telemetry cost: {a.arch} widen={a.widen}, {a.size}px, bs {a.bs}, {a.batches} batches/epoch, "
                 f"{a.rounds} rounds (median of paired ratios), {name}, torch {torch.__version__}"))
    print("| activation | every | layers | time without (s/epoch) | with / without | cost | projected from every=1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for act in a.acts.split(','):
        r1 = None
        for every in everies:
            base, inst = learner(act, []), learner(act, [ActivationTelemetry(every), ActParamTracker(every)])
            ts = interleave({'without': lambda: fit(base), 'with': lambda: fit(inst)}, a.rounds, warmup=1,
                            alternate=True, clock=clock(dev))  # each goes first in every other round
            ratio = ts['with'].paired_ratio(ts['without'])
            if every == 1: r1 = ratio
            proj = f"{(r1 - 1) / every:+.1%}" if r1 is not None else ''
            n_layers = len(inst.activation_telemetry.layers)
            print(f"| {act} | {every} | {n_layers} | {ts['without'].median:.2f} | {ratio:.3f} | {ratio - 1:+.1%} | {proj} |", flush=True)


if __name__ == '__main__':
    main()
