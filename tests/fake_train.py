"""A stand-in for `activ_bench.train` that trains nothing: deterministic pseudo-results from the seed.

Used by the runner/CLI integration tests through `--train-fn fake_train:train` (with `tests/` on the path).
It follows the contract of `activ_bench.train`: `train(TrainConfig, checkpoint=None) -> dict`, raising on errors; given
its checkpoint file, it writes one there (the runner deletes it once the run is finished, unless told to keep it).
Fields prefixed `fake_` steer it: per-activation divergence, exceptions or a hard crash, a sleep, and a log file.
"""
import os, random, signal, subprocess, sys, time
from pathlib import Path
from dataclasses import field, make_dataclass
from activ_bench.config import TrainConfig as RealTrainConfig, DONE, DIVERGED  # torch-free: no torch in the run processes
from activ_bench.progress import report_progress


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
# activ_bench's TrainConfig itself (its fields, types and `validate`), with SMALL defaults and the `fake_` fields
_TYPES = {n: f.type for n, f in RealTrainConfig.__dataclass_fields__.items()}
TrainConfig = make_dataclass('TrainConfig', [(n, _TYPES[n], field(default=v)) for n, v in SMALL.items()] + FAKE_FIELDS,
                             bases=(RealTrainConfig,))


def _log(cfg, what):
    if cfg.fake_log:
        with open(cfg.fake_log, 'a') as f: f.write(f"{what} {cfg.act} {cfg.seed} {os.getpid()}\n")


def _in(act, names): return act in [n.strip() for n in names.split(',') if n.strip()]


def train(cfg: TrainConfig, checkpoint: str | None = None) -> dict:
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
        for h in hist: report_progress(epoch=h['epoch'] + 1, n_epochs=cfg.epochs, batch=0, n_batches=1, accuracy=h['accuracy'])  # as train's callback
    if cfg.fake_accuracy is not None and res['status'] == DONE: res['accuracy'] = cfg.fake_accuracy
    res.update(images_per_sec=1000. + rng.random(), peak_mem_mb=None, wall_time=time.time() - t0, device='cpu', n_params=1234)
    if _in(cfg.act, cfg.fake_unjson): res['history'][-1]['model'] = object()
    if checkpoint is not None: Path(checkpoint).parent.mkdir(parents=True, exist_ok=True); Path(checkpoint).write_text(f"{cfg.act} {cfg.seed}\n")
    _log(cfg, 'end')
    return res


def train_other(cfg: TrainConfig) -> dict:
    "Another training function (the same numbers): results of `train` must not be reused for it."
    return train(cfg)


def start_method(cfg: TrainConfig, checkpoint: str | None = None) -> dict:
    "`train`, whose result also names the start method this process gives new processes (as fastai's DataLoader workers get)."
    import multiprocessing
    return train(cfg, checkpoint) | {'start_method': multiprocessing.get_start_method()}
