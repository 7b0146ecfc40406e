#!/usr/bin/env python
"""How many training images one DataLoader worker prepares per second: the rate `activ_bench.cost` uses for
`--dry-run`'s GPU-time estimate (`LOADER_IMAGES_PER_S`).

For each image set the ImageNette pipeline reads (fastai's 160 px and 320 px versions, and full size), an
ImageNette-layout folder of that height is generated from Fashion-MNIST (`make_imagenette_like`: the real data cannot
be downloaded here), and `cost.measure_loader_rate` passes over its training set in this process, one thread: one
worker's work. Prints a Markdown table of the median and range over rounds.

    python benchmarks/loader_rate.py
    python benchmarks/loader_rate.py --rounds 5 --per-class 96 --folder /tmp/loader-rate
"""
import argparse, statistics, tempfile
from pathlib import Path
import torch
from activ_bench.cost import measure_loader_rate, SOURCE_VARIANTS
from activ_bench.data import make_imagenette_like

IMAGE_SETS = {'160': (160, 128), '320': (320, 192), 'full': (375, 256)} # image set: (generated height, training size)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=3, help='passes over each training set')
    ap.add_argument('--per-class', type=int, default=48, help='training images per class of the generated folders')
    ap.add_argument('--folder', default=None, help='where the generated folders go (default: a temporary folder)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    assert set(IMAGE_SETS) == {v for _, v in SOURCE_VARIANTS}
    root = Path(a.folder or tempfile.mkdtemp(prefix='loader-rate-'))
    print('| image set | image height | training size | images/s per worker, median [min-max] |\n|---|--:|--:|--:|')
    for name, (height, size) in IMAGE_SETS.items():
        folder = root/f'h{height}'
        if not folder.exists(): make_imagenette_like(folder, n_train=a.per_class, n_valid=2, size=height)
        r = measure_loader_rate(folder, size, rounds=a.rounds)
        print(f"| {name} | {height} | {size} | {statistics.median(r):.0f} [{min(r):.0f}-{max(r):.0f}] |", flush=True)


if __name__ == '__main__': main()
