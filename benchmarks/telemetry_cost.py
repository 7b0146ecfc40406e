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
import argparse, statistics, time
import torch, torch.nn as nn
from fastai.learner import Learner
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
import fastai.callback.progress  # Learner.no_bar
from activ_bench.train import build_model, ARCHS, ClampLearnedReluCallback
from activ_bench.telemetry import ActivationTelemetry, ActParamTracker, TELEMETRY_EVERY
from activ_bench.optim import ranger


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--arch', default='xresnet18', choices=ARCHS)
    ap.add_argument('--widen', type=float, default=.25)
    ap.add_argument('--size', type=int, default=32)
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--batches', type=int, default=2 * TELEMETRY_EVERY, help='training batches per epoch (one epoch per round)')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--every', default=f'1,{TELEMETRY_EVERY}', help='comma list of sampling intervals')
    ap.add_argument('--acts', default='relu,learned_relu', help='comma list of registry names')
    ap.add_argument('--device', default='auto', help="'cpu', 'cuda' or 'auto'")
    a = ap.parse_args()
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
        if dev.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter()
        with learn.no_bar(), learn.no_logging(): learn.fit(1)
        if dev.type == 'cuda': torch.cuda.synchronize()
        return time.perf_counter() - t

    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    print(f"# telemetry cost: {a.arch} widen={a.widen}, {a.size}px, bs {a.bs}, {a.batches} batches/epoch, "
          f"{a.rounds} rounds (median of paired ratios), {name}, torch {torch.__version__}\n")
    print("| activation | every | layers | time without (s/epoch) | with / without | cost | projected from every=1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for act in a.acts.split(','):
        r1 = None
        for every in everies:
            base, inst = learner(act, []), learner(act, [ActivationTelemetry(every), ActParamTracker(every)])
            fit(base); fit(inst)  # warm-up
            ratios, t0s = [], []
            for r in range(a.rounds):
                pair = (base, inst) if r % 2 == 0 else (inst, base)
                ts = {id(l): fit(l) for l in pair}
                ratios.append(ts[id(inst)] / ts[id(base)]); t0s.append(ts[id(base)])
            ratio = statistics.median(ratios)
            if every == 1: r1 = ratio
            proj = f"{(r1 - 1) / every:+.1%}" if r1 is not None else ''
            n_layers = len(inst.activation_telemetry.layers)
            print(f"| {act} | {every} | {n_layers} | {statistics.median(t0s):.2f} | {ratio:.3f} | {ratio - 1:+.1%} | {proj} |", flush=True)


if __name__ == '__main__':
    main()
