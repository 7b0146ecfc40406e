__version__ = "0.1.0"

from .config import quiet_known_noise # the libraries' two known, harmless messages (`13a_config`)
quiet_known_noise()
