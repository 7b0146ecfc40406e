"""Print pip constraints pinning every dependency in pyproject.toml (and its `dev` extra) to its lower bound.

`make test-lowest` installs with these, so the lowest versions the package claims are the ones it is tested with."""
import re, sys, tomllib
from pathlib import Path

def lower_bounds(pyproject:str='pyproject.toml', extras=('dev',)) -> list[str]:
    "'name==X' for each requirement 'name>=X,...' of the project's dependencies and `extras`."
    proj = tomllib.loads(Path(pyproject).read_text())['project']
    reqs = proj['dependencies'] + [r for e in extras for r in proj.get('optional-dependencies', {}).get(e, [])]
    out = []
    for r in reqs:
        m = re.match(r'\s*([A-Za-z0-9_.\-\[\]]+?)\s*>=\s*([^,;\s]+)', r)
        if not m: sys.exit(f"{r!r} has no lower bound (>=): every dependency must state the lowest version tested")
        name = re.sub(r'\[.*\]', '', m[1])  # extras dropped
        out.append(f"{name}=={m[2]}")
    return out

if __name__ == '__main__': print('\n'.join(lower_bounds(*sys.argv[1:2])))
