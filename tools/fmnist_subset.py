"""Write the first N images of each Fashion-MNIST split (idx files, gzipped) to a folder: the data a lent GPU reads.

`make gpu-wheels` packs them into .gpu-wheels/data/fashion-mnist/ (a lent GPU reaches no network); the GPU check
points `ACTIV_BENCH_DATA` there. Usage: python tools/fmnist_subset.py SRC DEST N_TRAIN N_VALID"""
import gzip, struct, sys
from pathlib import Path

FILES = dict(train=('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
             valid=('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'))

def head_idx(src:Path, dest:Path, n:int):
    "Copy the idx file `src` to `dest` keeping its first `n` items (the header's count rewritten)."
    data = gzip.open(src).read()
    ndim = data[3]
    shape = list(struct.unpack(f'>{ndim}I', data[4:4 + 4 * ndim]))
    item = 1
    for s in shape[1:]: item *= s
    shape[0] = min(n, shape[0])
    body = data[4 + 4 * ndim: 4 + 4 * ndim + shape[0] * item]
    with gzip.open(dest, 'wb') as f: f.write(data[:4] + struct.pack(f'>{ndim}I', *shape) + body)

if __name__ == '__main__':
    src, dest, n_train, n_valid = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    dest.mkdir(parents=True, exist_ok=True)
    for split, n in (('train', n_train), ('valid', n_valid)):
        for name in FILES[split]: head_idx(src/name, dest/name, n)
