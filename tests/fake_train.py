"""A stand-in for `activ_bench.train` that trains nothing: deterministic pseudo-results from the seed.

Used by the runner/CLI integration tests through `--train-fn fake_train:train` (with `tests/` on the path).
It follows the contract of `activ_bench.train`: `train(TrainConfig) -> dict`, raising on errors.
Fields prefixed `fake_` steer it: per-activation divergence, exceptions or a hard crash, a sleep, and a log file.
"""
import ast, importlib.util, os, random, signal, subprocess, sys, time
from dataclasses import field, make_dataclass
from pathlib import Path
from activ_bench.store import DONE, DIVERGED


def real_fields() -> list:
    """(name, type, field) of every field of `activ_bench.train.TrainConfig`, read from its source: importing it would
    load torch and fastai in every run process, which is what this stand-in avoids."""
    src = Path(importlib.util.find_spec('activ_bench.train').origin).read_text()
    cls = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ClassDef) and n.name == 'TrainConfig')
    out = []
    for st in cls.body:
        if not (isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)): continue
        v = st.value
        if isinstance(v, ast.Call) and getattr(v.func, 'id', '') == 'field':
            factory = {k.arg: k.value for k in v.keywords}['default_factory']
            f = field(default_factory={'dict': dict, 'list': list}[ast.unparse(factory)])
        else: f = field(default=ast.literal_eval(v))
        out.append((st.target.id, ast.unparse(st.annotation), f))
    return out


SMALL = dict(size=28, epochs=2, arch='xresnet18', lr=1e-2, precision='fp32', channels_last=False)  # defaults for fast tests
FAKE_FIELDS = [
    ('fake_sleep', float, field(default=0.)),           # seconds each run takes
    ('fake_diverge', str, field(default='')),           # comma-separated activations that diverge
    ('fake_fail', str, field(default='')),              # comma-separated activations whose training raises
    ('fake_crash', str, field(default='')),             # comma-separated activations whose process dies (SIGKILL, like the OOM killer)
    ('fake_log', 'str | None', field(default=None)),    # append 'start|end act seed pid' lines here
    ('fake_accuracy', 'float | None', field(default=None)),  # report this accuracy instead (a broken training function)
    ('fake_unjson', str, field(default='')),            # comma-separated activations whose result holds an object JSON cannot write
    ('fake_session_child', bool, field(default=False)),  # start a sleeping process in a session of its own (logged as 'child')
]
# activ_bench's TrainConfig, field for field (so it cannot drift), with SMALL defaults and the `fake_` fields
TrainConfig = make_dataclass('TrainConfig', [(n, t, field(default=SMALL[n]) if n in SMALL else f) for n, t, f in real_fields()]
                             + FAKE_FIELDS)


def _log(cfg, what):
    if cfg.fake_log:
        with open(cfg.fake_log, 'a') as f: f.write(f"{what} {cfg.act} {cfg.seed} {os.getpid()}\n")


def _in(act, names): return act in [n.strip() for n in names.split(',') if n.strip()]


def train(cfg: TrainConfig) -> dict:
    _log(cfg, 'start')
    t0 = time.time()
    if cfg.fake_session_child:
        kid = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)
        if cfg.fake_log:
            with open(cfg.fake_log, 'a') as f: f.write(f"child {cfg.act} {cfg.seed} {kid.pid}\n")
    if cfg.data_path is not None and not os.path.exists(cfg.data_path):  # as the real one: no data, no run
        raise FileNotFoundError(f"no data set at {cfg.data_path}")
    time.sleep(cfg.fake_sleep)
    if _in(cfg.act, cfg.fake_crash): os.kill(os.getpid(), signal.SIGKILL)
    if _in(cfg.act, cfg.fake_fail): raise RuntimeError(f"fake failure for {cfg.act} seed {cfg.seed}")
    rng = random.Random(f"{cfg.act}-{cfg.seed}-{cfg.lr}")
    if _in(cfg.act, cfg.fake_diverge):
        hist = [dict(epoch=0, train_loss=float('nan'), valid_loss=float('nan'), accuracy=.1, time=.01)]
        res = dict(status=DIVERGED, history=hist, accuracy=None, diverged_epoch=0)
    else:
        final = .85 + .02 * rng.random()
        hist = [dict(epoch=e, train_loss=1. / (e + 1), valid_loss=1.1 / (e + 1), accuracy=final - .03 * (cfg.epochs - 1 - e), time=.01)
                for e in range(cfg.epochs)]
        res = dict(status=DONE, history=hist, accuracy=final, diverged_epoch=None)
    if cfg.fake_accuracy is not None and res['status'] == DONE: res['accuracy'] = cfg.fake_accuracy
    res.update(images_per_sec=1000. + rng.random(), peak_mem_mb=None, wall_time=time.time() - t0, device='cpu', n_params=1234)
    if _in(cfg.act, cfg.fake_unjson): res['history'][-1]['model'] = object()
    _log(cfg, 'end')
    return res


def train_other(cfg: TrainConfig) -> dict:
    "Another training function (the same numbers): results of `train` must not be reused for it."
    return train(cfg)
