"""The frozen leaderboard in activ_bench.leaderboard must match the reference file it was copied from, a copy of
which ships with the repository (reference/imagenette-leaderboard.md; ACTIV_BENCH_LEADERBOARD_MD points elsewhere)."""
import re
from pathlib import Path
from activ_bench.leaderboard import LEADERBOARD, LEADERBOARD_SOURCE, FASTAI_BASELINE_2020, MXRESNET_2019_V1
from activ_bench.settings import setting

REF = Path(setting('leaderboard_md') or Path(__file__).parents[1]/'reference'/'imagenette-leaderboard.md')


def _tables(text):
    "{(dataset, px, epochs): (accuracy, runs)} from the '## Imagenette' / '## Imagewoof' tables."
    out, ds, epochs = {}, None, None
    for line in text.splitlines():
        if line.startswith('## '): ds, epochs = {'## Imagenette': 'imagenette', '## Imagewoof': 'imagewoof'}.get(line.strip()), None
        elif ds and line.startswith('| px'): epochs = [int(c.split()[0]) for c in line.strip('|').split('|')[1:]]
        elif ds and epochs and re.match(r'\|\s*\d+\s*\|', line):
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            for e, c in zip(epochs, cells[1:]):
                acc, n = re.fullmatch(r'([\d.]+) \((\d+)\)', c).groups()
                out[(ds, int(cells[0]), e)] = (float(acc), int(n))
    return out


def test_reference_file_ships_with_the_repository():
    assert REF.is_file(), f"{REF} is missing: the leaderboard numbers cannot be checked"


def test_leaderboard_matches_reference_file():
    text = REF.read_text()
    ref = _tables(text)
    assert len(ref) == 24 and ref == LEADERBOARD
    assert f"commit {LEADERBOARD_SOURCE['commit']}" in text and 'September 2022' in text


def test_baseline_and_2019_numbers_match_reference_file():
    text = REF.read_text()
    para = text.split('Its own numbers', 1)[1].split('\n\n')[0]  # the paragraph, over two lines
    nette, woof = para.split('Imagewoof')
    got = {('imagenette', int(px), int(ep)): float(a) for px, ep, a in re.findall(r'(\d+)/(\d+) (\d+\.\d+)', nette)}
    got |= {('imagewoof', int(px), int(ep)): float(a) for px, ep, a in re.findall(r'(\d+)/(\d+) (\d+\.\d+)', woof)}
    assert got == FASTAI_BASELINE_2020
    v1 = {}
    for l in text.splitlines():
        m = re.match(r'(Imagenette|Imagewoof) 5 epochs(?: 128/192/256)?: (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?); 20 epochs(?: \(lr 3.5e-3\))?: (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)', l)
        if m:
            ds = m.group(1).lower()
            for i, px in enumerate((128, 192, 256)):
                v1[(ds, px, 5)], v1[(ds, px, 20)] = float(m.group(2 + i)), float(m.group(5 + i))
    assert v1 == MXRESNET_2019_V1
