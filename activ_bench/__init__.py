__version__ = "0.1.0"

import os as _os, sys as _sys, signal as _signal

def _stop_quietly(signum, frame):
    "The console script's handler of SIGINT, SIGTERM and SIGHUP until `cli.main` takes over: one line and exit 128+signum, no traceback."
    what = 'interrupted' if signum == _signal.SIGINT else f"stopped by {_signal.Signals(signum).name}"
    try: _os.write(2, f"activ-bench: {what}\n".encode()) # not print: the signal may arrive in the middle of a print
    finally: _os._exit(128 + signum) # nothing has started yet: no run claimed, no file written

if _os.path.basename(_sys.argv[0] if _sys.argv else '') == 'activ-bench': # the console script, from its first import on (see `29_cli`)
    for _s in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP): _signal.signal(_s, _stop_quietly)

from .config import quiet_known_noise # the libraries' two known, harmless messages (`13a_config`)
quiet_known_noise()
