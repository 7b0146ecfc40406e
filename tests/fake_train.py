"""A stand-in for `activ_bench.train` that trains nothing: deterministic pseudo-results from the seed.

Used by the runner/CLI integration tests through `--train-fn fake_train:train` (with `tests/` on the path).
It follows the contract of `activ_bench.train`: `train(TrainConfig) -> dict`, raising on errors.
Fields prefixed `fake_` steer it: per-activation divergence, exceptions or a hard crash, a sleep, and a log file.
"""
import os, random, signal, time
from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    dataset: str = 'fmnist'
    size: int = 28
    epochs: int = 2
    act: str = 'relu'
    act_kwargs: dict = field(default_factory=dict)
    arch: str = 'xresnet18'
    opt: str = 'ranger'
    lr: float = 1e-2
    mom: float = .95
    sqr_mom: float = .99
    eps: float = 1e-6
    wd: float = 1e-2
    bs: int = 64
    seed: int = 0
    sched: str = 'flat_cos'
    pct_start: float = .72
    mixup: float = 0.
    cutmix: float = 0.
    precision: str = 'fp32'
    channels_last: bool = False
    workers: int | None = None
    max_items: int | None = None
    data_path: str | None = None
    width: float = 1.
    fake_sleep: float = 0.        # seconds each run takes
    fake_diverge: str = ''        # comma-separated activations that diverge
    fake_fail: str = ''           # comma-separated activations whose training raises
    fake_crash: str = ''          # comma-separated activations whose process dies (SIGKILL, like the OOM killer)
    fake_log: str | None = None   # append 'start|end act seed pid' lines here


def _log(cfg, what):
    if cfg.fake_log:
        with open(cfg.fake_log, 'a') as f: f.write(f"{what} {cfg.act} {cfg.seed} {os.getpid()}\n")


def _in(act, names): return act in [n.strip() for n in names.split(',') if n.strip()]


def train(cfg: TrainConfig) -> dict:
    _log(cfg, 'start')
    t0 = time.time()
    time.sleep(cfg.fake_sleep)
    if _in(cfg.act, cfg.fake_crash): os.kill(os.getpid(), signal.SIGKILL)
    if _in(cfg.act, cfg.fake_fail): raise RuntimeError(f"fake failure for {cfg.act} seed {cfg.seed}")
    rng = random.Random(f"{cfg.act}-{cfg.seed}-{cfg.lr}")
    if _in(cfg.act, cfg.fake_diverge):
        hist = [dict(epoch=0, train_loss=float('nan'), valid_loss=float('nan'), accuracy=.1, time=.01)]
        res = dict(status='diverged', history=hist, accuracy=None, diverged_epoch=0)
    else:
        final = .85 + .02 * rng.random()
        hist = [dict(epoch=e, train_loss=1. / (e + 1), valid_loss=1.1 / (e + 1), accuracy=final - .03 * (cfg.epochs - 1 - e), time=.01)
                for e in range(cfg.epochs)]
        res = dict(status='done', history=hist, accuracy=final, diverged_epoch=None)
    res.update(images_per_sec=1000. + rng.random(), peak_mem_mb=None, wall_time=time.time() - t0, device='cpu', n_params=1234)
    _log(cfg, 'end')
    return res
