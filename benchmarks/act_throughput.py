#!/usr/bin/env python
"""Training throughput and activation memory of every activation in the same model, as ratios to ReLU.

All activations are measured in one process, interleaved round by round (so drift in machine load hits all of
them alike); images/s is the median over rounds, and 'vs ReLU' the median over rounds of the ratio within each
round (paired, so slow drift cancels). Prints a Markdown table.

    python benchmarks/act_throughput.py                       # CPU: xresnet18, half width, 64 px
    python benchmarks/act_throughput.py --device cuda --size 128 --bs 128 --widen 1   # on a GPU
    python benchmarks/act_throughput.py --compile --acts mish,ftswish_plus              # whole model torch.compile'd
    python benchmarks/act_throughput.py --processes 5    # the same in 5 fresh processes: targets on the median process

Fused activations run as compiled kernels unless ACTIV_BENCH_FUSED=eager (see activ_bench.fused).
"""
import argparse, json, sys, time
import torch, torch.nn.functional as F
from activ_bench.activations import list_acts, saved_bytes
from activ_bench.registry import is_pointwise
from activ_bench.fused import fused_status
from activ_bench.timing import interleave, clock
from activ_bench.train import build_model, ARCHS
from processes import run_in_processes, median_process, processes_table, check_positive, add_timing_args, header


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--arch', default='xresnet18', choices=ARCHS)
    ap.add_argument('--widen', type=float, default=.5)
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--bs', type=int, default=32)
    ap.add_argument('--steps', type=int, default=4, help='timed training steps per activation per round')
    ap.add_argument('--acts', default='all', help="comma list of registry names, or 'all'")
    ap.add_argument('--device', default='auto', help="'cpu', 'cuda' or 'auto'")
    ap.add_argument('--compile', action='store_true', help='torch.compile each whole model (TrainConfig.compile)')
    ap.add_argument('--layout', default='channels-last', choices=('channels-last', 'nchw'),
                    help="memory format of model and input, on any device (the trainer's default, TrainConfig.channels_last, is channels-last)")
    ap.add_argument('--processes', type=int, default=1,
                    help='run the whole benchmark in this many fresh processes and judge the targets on the median process')
    add_timing_args(ap, rounds=9, reps=None, shape=None, threads=True, child=True)
    a = ap.parse_args()
    check_positive(ap, a, 'steps', 'rounds', 'processes', 'bs', 'size')
    if a.processes > 1: return several_processes(a)
    if a.threads: torch.set_num_threads(a.threads)
    dev = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    acts = list_acts() if a.acts == 'all' else [s.strip() for s in a.acts.split(',')]
    if 'relu' not in acts: acts = ['relu', *acts]
    amp = dict(device_type='cuda', dtype=torch.bfloat16) if dev.type == 'cuda' else None
    torch.manual_seed(0)
    x = torch.randn(a.bs, 3, a.size, a.size, device=dev)
    y = torch.randint(0, 10, (a.bs,), device=dev)
    cl = a.layout == 'channels-last'
    if cl: x = x.contiguous(memory_format=torch.channels_last)

    setups = {}
    for n in acts:
        m = build_model(a.arch, n, n_out=10, widen=a.widen).to(dev)
        if cl: m = m.to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(m.parameters(), lr=1e-3, momentum=.9)
        setups[n] = (torch.compile(m) if a.compile else m, opt)
    clamped = {id(m): [c for c in m.modules() if hasattr(c, 'clamp_params_')] for m, _ in setups.values()}

    def step(m, opt):
        if amp:
            with torch.autocast(**amp): loss = F.cross_entropy(m(x), y)
        else: loss = F.cross_entropy(m(x), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        for c in clamped[id(m)]: c.clamp_params_()  # what the trainer's ClampLearnedReluCallback does after each step

    warm = {}
    for n, (m, opt) in setups.items():  # warm-up (allocator, kernels, lazy init, compilation), timed for the table
        t = time.perf_counter(); step(m, opt); step(m, opt); warm[n] = time.perf_counter() - t
    times = interleave({n: (lambda m=m, opt=opt: step(m, opt)) for n, (m, opt) in setups.items()},
                       a.rounds, number=a.steps, warmup=0, clock=clock(dev))  # seconds per step
    ratios = {n: times['relu'].paired_ratio(times[n]) for n in acts}  # images/s over ReLU's: paired, round by round
    if a.child: return print(json.dumps({n: r for n, r in ratios.items() if n != 'relu'}))
    rows = {}
    for n in acts:
        m, opt = setups[n]
        ips = a.bs / times[n].median
        saved = saved_bytes(getattr(m, '_orig_mod', m), x) / 2**20  # what autograd keeps for one (eager) forward
        peak = None
        if dev.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(); step(m, opt); torch.cuda.synchronize(dev)
            peak = torch.cuda.max_memory_allocated() / 2**20
        rows[n] = (ips, saved, peak, sum(p.numel() for p in m.parameters()), warm[n], ratios[n])

    base = rows['relu']
    name = torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    print(f"# {a.arch} widen={a.widen}, {a.size}px, bs {a.bs}, {a.steps} steps x {a.rounds} interleaved rounds (medians), {name}, "
          f"torch {torch.__version__}, {'bf16 autocast' if amp else 'fp32'}, {a.layout}, fused activations: {fused_status()}"
          f"{', whole model torch.compile' if a.compile else ''}\n")
    print("| activation | images/s | vs ReLU | saved for backward (MiB) | vs ReLU |" + (" peak GPU mem (MiB) | vs ReLU |" if dev.type == 'cuda' else '') + " params | warm-up s |")
    print("|---|---:|---:|---:|---:|" + ("---:|---:|" if dev.type == 'cuda' else '') + "---:|---:|")
    for n, (ips, saved, peak, npar, w, ratio) in rows.items():
        mem = f" {peak:.0f} | {peak / base[2]:.2f} |" if peak is not None else ''
        print(f"| {n} | {ips:.1f} | {ratio:.2f} | {saved:.1f} | {saved / base[1]:.2f} |{mem} {npar:,} | {w:.1f} |")
    print("\nwarm-up s: the first two training steps (compilation of the fused kernels, or of the whole model, included)")
    print_targets({n: r for n, r in ratios.items() if n != 'relu'})


def print_targets(ratios:dict, what:str=''):
    print(f"\nTargets (issue 10): images/s >= 0.9x ReLU for pointwise activations, >= 0.7x for FReLU{what}")
    for n, ratio in ratios.items():
        want = .9 if is_pointwise(n) else .7
        print(f"- {n}: {ratio:.3f}x ReLU, target {want}x: {'met' if ratio >= want else 'NOT met'}")


def several_processes(a):
    "The benchmark in `a.processes` fresh processes, one after another: each one's ratios, then the median process's."
    runs = run_in_processes([__file__, *sys.argv[1:], '--processes', '1', '--child'], a.processes)  # argparse: the last --processes wins
    print(header(f"Training images/s vs ReLU in {a.processes} fresh processes: {a.arch} widen={a.widen}, {a.size}px, bs {a.bs}, "
                 f"{a.steps} steps x {a.rounds} interleaved rounds, {a.layout}, fused activations: {fused_status()}"))
    print(processes_table(runs))
    print_targets(median_process(runs), ', on the median process')


if __name__ == '__main__':
    main()
