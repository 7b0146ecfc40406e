"A user's own activations, as a user's package would hold them (used by tests/test_user_act.py)."
import torch, torch.nn as nn

class Swishy(nn.Module):
    "x * sigmoid(beta * x): a Swish with its own slope."
    pointwise = True
    def __init__(self, beta:float=1.5):
        super().__init__()
        self.beta = beta
    def forward(self, x): return x * torch.sigmoid(self.beta * x)

def softsign_act(x):
    "x / (1 + |x|), a plain function"
    return x / (1 + x.abs())
