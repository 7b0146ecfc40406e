"""What every benchmark script shares: its timing options, its header, and the same benchmark in fresh processes.

The timing itself is `activ_bench.timing` (warm-up, interleaved rounds, `Stats`, ratios to a baseline timed
side by side); this module holds the command-line side.

Within a process our benchmarks interleave the forms they compare, so a slow minute hits all of them alike.
Between processes, a ratio to ReLU still moves: ReLU is bound by memory traffic, the exp-based activations
by arithmetic, and whatever makes one process's memory traffic faster or slower (allocator state, where its
pages land, the host's other tenants) moves one and not the other. So one process's table is one draw, and a
target is judged on the median process (`run_in_processes`, `processes_table`, `median_process`). Used by
`kernel_runs.py`, `mish_forms.py` and `act_throughput.py --processes`.
"""
import argparse, json, os, subprocess, sys
from activ_bench.fused import FALLBACK_WARNING  # what `Kernel` warns when it falls back to eager
from activ_bench.timing import Stats, machine_info, parse_shape as _parse_shape


def add_timing_args(ap, rounds:int=7, reps:int|None=5, shape:str|None='32,64,32,32', threads:bool=False, child:bool=False):
    "The timing options of every benchmark: `--rounds`, and where the benchmark has them `--reps`, `--shape`, `--threads`, the hidden `--child`."
    ap.add_argument('--rounds', type=int, default=rounds, help='interleaved rounds (each times every case in turn)')
    if reps is not None: ap.add_argument('--reps', type=int, default=reps, help='timed calls per case per round')
    if shape is not None: ap.add_argument('--shape', default=shape, help='input shape N,C,H,W')
    if threads: ap.add_argument('--threads', type=int, default=0, help="torch threads (0: PyTorch's default)")
    if child: ap.add_argument('--child', action='store_true', help=argparse.SUPPRESS)  # one process's run, started by the parent


def parse_shape(ap, text:str) -> tuple:
    "`'32,64,32,32'` as a tuple of positive ints, or one `ap.error` line naming the bad value."
    try: return _parse_shape(text, '--shape')
    except ValueError as e: ap.error(str(e))


def check_positive(ap, args, *names):
    "One `ap.error` line for the first of `names` whose value in `args` is below 1."
    for n in names:
        if getattr(args, n) < 1: ap.error(f"--{n}={getattr(args, n)} must be a positive int")


def header(title:str) -> str:
    "A benchmark table's first lines: the title, the command that ran it and the machine (`timing.machine_info`)."
    cmd = ' '.join(['python', f"benchmarks/{os.path.basename(sys.argv[0])}", *sys.argv[1:]])
    return f"# {title}\n\n- command: `{cmd}`\n- machine: {machine_info()}\n"


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
    return {k: Stats(r[k] for r in runs).median for k in runs[0]}


def processes_table(runs:list[dict], label:str='activation') -> str:
    "Markdown: one row per name, one column per process, then the median, minimum and maximum."
    head = f"| {label} | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " | median | min | max |"
    lines = [head, "|---|" + "---:|" * (len(runs) + 3)]
    for k in runs[0]:
        s = Stats(r[k] for r in runs)
        lines.append(f"| {k} | " + " | ".join(f"{x:.2f}" for x in s.times) + f" | {s.median:.2f} | {s.min:.2f} | {s.max:.2f} |")
    return "\n".join(lines)
