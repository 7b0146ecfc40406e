"A user's own optimizer, as a user's package would hold it (used by tests/test_user_act.py)."
from fastai.optimizer import SGD

def heavy_ball(params, lr=1e-2, mom=.9, wd=0.):
    "SGD with momentum: a fastai opt_func with its own hyper-parameters"
    return SGD(params, lr=lr, mom=mom, wd=wd)
