"Integration checks of the installed package, run in fresh interpreters as a user would."
import subprocess, sys

def _py(code):
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)

def test_every_registered_activation_trains_a_step():
    code = """
import torch, torch.nn as nn
from activ_bench.activations import list_acts, act_factory
trained = []
for name in list_acts():
    torch.manual_seed(0)
    act_mod = act_factory(name)(8)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), act_mod,
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    x, y = torch.randn(16, 3, 8, 8), torch.randint(0, 2, (16,))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    w0 = [p.detach().clone() for p in net.parameters()]
    loss = nn.functional.cross_entropy(net(x), y); loss.backward(); opt.step()
    assert torch.isfinite(loss), name
    # every parameter with a gradient moved (LearnedRelu's maxv only gets one from inputs above it)
    changed = [not torch.equal(a, p.detach()) for a, p in zip(w0, net.parameters()) if p.grad.abs().sum() > 0]
    assert len(changed) >= 4 and all(changed), (name, changed)
    for n, p in act_mod.named_parameters():
        if n == 'weight': assert p.grad.abs().sum() > 0, (name, n)  # PReLU's slopes
        if n == 'params': assert (p.grad[:2].abs().sum(1) > 0).all(), (name, n)  # LearnedRelu's rows leak and sub
    trained.append(name)
print(*trained)
"""
    r = _py(code)
    assert r.returncode == 0, r.stderr
    trained = r.stdout.split()
    # the registry may grow: check that the loop reached the activations of every thread, not how many there are
    assert {'relu', 'mish', 'ftswish_plus', 'trelu', 'lisht', 'light_relu', 'learned_relu', 'frelu', 'general_relu'} <= set(trained), trained

def test_unknown_activation_error_names_value_and_choices():
    r = _py("from activ_bench.activations import get_act; get_act('reluu')")
    assert r.returncode != 0
    assert "unknown activation 'reluu'" in r.stderr and 'choose one of: relu, general_relu' in r.stderr
