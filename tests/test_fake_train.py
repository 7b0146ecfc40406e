"""tests/fake_train.py stands in for activ_bench.train in the runner and CLI tests; its config must be the real one."""
from dataclasses import fields, MISSING
import fake_train
from activ_bench.train import TrainConfig


def test_fake_config_has_every_real_field_with_its_type():
    real = {f.name: f.type for f in fields(TrainConfig)}
    fake = {f.name: f.type for f in fields(fake_train.TrainConfig) if not f.name.startswith('fake_')}
    assert fake == real


def test_fake_defaults_are_the_real_ones_except_the_small_ones():
    def default(f): return f.default_factory() if f.default_factory is not MISSING else f.default
    real = {f.name: default(f) for f in fields(TrainConfig)}
    fake = {f.name: default(f) for f in fields(fake_train.TrainConfig) if not f.name.startswith('fake_')}
    assert {n for n in real if fake[n] != real[n]} == set(fake_train.SMALL)
    assert fake_train.TrainConfig(act='mish').act == 'mish'


def test_fake_config_is_the_real_one_and_imports_no_torch():
    import subprocess, sys
    assert issubclass(fake_train.TrainConfig, TrainConfig)  # the real class: its fields, types and validate
    r = subprocess.run([sys.executable, '-c', "import sys, fake_train; print('torch' in sys.modules, 'fastai' in sys.modules)"],
                       capture_output=True, text=True, cwd=fake_train.__file__.rsplit('/', 1)[0])
    assert r.stdout.split() == ['False', 'False'], r.stderr


def test_progress_messages_reach_the_runner():
    "A run's `report_progress` messages come back over the local executor's pipe, before its result."
    import dataclasses, time
    from activ_bench.executors import LocalExecutor
    ex = LocalExecutor('fake_train:train', workers=1)
    got = []
    ex.on_progress = lambda key, info: got.append((key, info['epoch'], info['accuracy']))
    ex.submit('k', dataclasses.asdict(fake_train.TrainConfig(act='mish', epochs=3)))
    out, t0 = [], time.time()
    while not out and time.time() - t0 < 120: out = ex.wait(timeout=1.)
    (key, res), = out
    assert key == 'k' and res['status'] == 'done', res
    assert got == [('k', e + 1, h['accuracy']) for e, h in enumerate(res['history'])], got
