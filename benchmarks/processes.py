"""The same benchmark in several fresh processes: one draw per process, summarised as median [min-max].

Within a process our benchmarks interleave the forms they compare, so a slow minute hits all of them alike.
Between processes, a ratio to ReLU still moves: ReLU is bound by memory traffic, the exp-based activations
by arithmetic, and whatever makes one process's memory traffic faster or slower (allocator state, where its
pages land, the host's other tenants) moves one and not the other. So one process's table is one draw, and a
target is judged on the median process. Used by `kernel_runs.py`, `mish_forms.py` and `act_throughput.py --processes`;
the option checks at the end of this module are shared by every benchmark.
"""
import argparse, json, statistics, subprocess, sys
from activ_bench.fused import FALLBACK_WARNING  # what `Kernel` warns when it falls back to eager


def run_in_processes(args:list, n:int) -> list[dict]:
    "Run `python *args` `n` times, one after another; each prints a JSON dict {name: ratio} as its last line."
    runs = []
    for i in range(n):
        r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True)
        if r.returncode:
            err = r.stderr.strip().splitlines()
            sys.exit(f"process {i + 1} of {n} failed: {err[-1] if err else f'exit code {r.returncode}'}")
        fell = [l for l in r.stderr.splitlines() if FALLBACK_WARNING in l]  # compiled kernels timed as eager ones: no result
        if fell: sys.exit(f"process {i + 1} of {n}: {fell[0][fell[0].index(FALLBACK_WARNING):]}")
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return runs


def median_process(runs:list[dict]) -> dict:
    "Per name: the median over processes."
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def processes_table(runs:list[dict], label:str='activation') -> str:
    "Markdown: one row per name, one column per process, then the median, minimum and maximum."
    head = f"| {label} | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " | median | min | max |"
    lines = [head, "|---|" + "---:|" * (len(runs) + 3)]
    for k in runs[0]:
        v = [r[k] for r in runs]
        lines.append(f"| {k} | " + " | ".join(f"{x:.2f}" for x in v) + f" | {statistics.median(v):.2f} | {min(v):.2f} | {max(v):.2f} |")
    return "\n".join(lines)


def add_timing_args(ap):
    "The options of every kernel-timing benchmark: `--shape`, `--rounds`, `--reps`, and the hidden `--child`."
    ap.add_argument('--shape', default='32,64,32,32', help='input shape N,C,H,W')
    ap.add_argument('--rounds', type=int, default=7, help='interleaved rounds per process')
    ap.add_argument('--reps', type=int, default=5, help='timed calls per form per round')
    ap.add_argument('--child', action='store_true', help=argparse.SUPPRESS)  # one process's run, started by the parent


def parse_shape(ap, text:str) -> tuple:
    "`'32,64,32,32'` as a tuple of positive ints, or one `ap.error` line naming the bad value."
    try: shape = tuple(int(s) for s in text.split(','))
    except ValueError: ap.error(f"--shape={text!r} must be comma-separated ints")
    if min(shape) < 1: ap.error(f"--shape={text!r}: every size must be a positive int")
    return shape


def check_positive(ap, args, *names):
    "One `ap.error` line for the first of `names` whose value in `args` is below 1."
    for n in names:
        if getattr(args, n) < 1: ap.error(f"--{n}={getattr(args, n)} must be a positive int")

