"""Development tools of activ_bench (not part of the package): `python -m tools.docs` builds README.md and the docs site."""
