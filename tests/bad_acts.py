"Activations that are wrong in each way a user's can be (used by tests/test_user_act.py): each must be refused before the first run."
import torch.nn as nn

class RaisesInInit(nn.Module):
    def __init__(self): raise RuntimeError("cannot build")

class RaisesInForward(nn.Module):
    def forward(self, x): raise KeyError("boom")

class ReturnsNone(nn.Module):
    def forward(self, x): return None

class ChangesShape(nn.Module):
    def forward(self, x): return x.flatten(1)
