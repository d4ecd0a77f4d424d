"""Scale: detection time and peak memory for 10², 10³, 10⁴ conditions; exact nearest-neighbour search over 10³–10⁵
training embeddings (chunked: memory bounded); image-cache build rate; CheXpert CSV parsing at 223,414 rows.
Each measurement runs in a fresh process so its peak memory is its own.

    python bench/scale.py            # all rows (10⁴ conditions take minutes on 2 CPU cores)
    python bench/scale.py csv cache  # some of them
"""
import json, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from common import Timer, write, peak_rss_mb, RESULTS

def one(kind:str, n:int) -> dict:
    "One measurement in this process: seconds, rate and peak memory."
    from memx.core import seed_everything
    base = peak_rss_mb()
    if kind == 'detect':
        from memx.model import CondUNet, model_config
        from memx.detect import wen_scores
        seed_everything(0); m = CondUNet(model_config('tiny', vocab_size=64, max_len=20)).eval()
        g = torch.Generator().manual_seed(0)
        tok = torch.zeros(n, 20, dtype=torch.long); tok[:, 0] = 2; tok[:, 1:5] = torch.randint(3, 64, (n, 4), generator=g)
        wen_scores(m, tok[:8], n=1)                                         # warm-up
        with Timer() as t: wen_scores(m, tok, n=1, bs=256)
        return dict(kind='detect (Wen k=1, n=1, tiny 32x32)', n=n, seconds=t.s, per_item_ms=1e3 * t.s / n)
    if kind == 'nn':
        from memx.similarity import pixel_nn
        g = torch.Generator().manual_seed(0)
        bank = torch.randn(n, 128, generator=g); q = torch.randn(1000, 128, generator=g)
        with Timer() as t: pixel_nn(q, bank, k=5, chunk=4096)
        return dict(kind='exact top-5 search, 1000 queries x 128-d', n=n, seconds=t.s, per_item_ms=1e3 * t.s / n)
    if kind == 'cache':
        from memx.phantomset import make_phantom_chexpert
        from memx.data import DataConfig
        from memx.dataset import load_chexpert
        tmp = Path(tempfile.mkdtemp()); root = make_phantom_chexpert(tmp/'ph', n_images=n, size=128, seed=0, n_valid=0, fmt='jpg')
        base = peak_rss_mb()
        with Timer() as t: load_chexpert(DataConfig(root=str(root), size=64), progress=False)
        return dict(kind='image cache build (128px JPEG -> 64x64 uint8)', n=n, seconds=t.s, per_item_ms=1e3 * t.s / n)
    if kind == 'csv':
        from memx.data import fake_chexpert_table, read_chexpert_csv, select_images, DataConfig
        tmp = Path(tempfile.mkdtemp()); fake_chexpert_table(n, seed=0).to_csv(tmp/'train.csv', index=False)
        with Timer() as t: select_images(read_chexpert_csv(tmp/'train.csv'), DataConfig())
        return dict(kind='CSV parse + check + filter', n=n, seconds=t.s, per_item_ms=1e3 * t.s / n)
    raise ValueError(kind)

def main(kinds=('detect', 'nn', 'cache', 'csv')):
    plan = [('detect', n) for n in (100, 1000, 10000)] + [('nn', n) for n in (1000, 10000, 100000)] + [('cache', 2000), ('csv', 223414)]
    plan = [p for p in plan if p[0] in kinds]
    rows = []
    for kind, n in plan:
        r = subprocess.run([sys.executable, __file__, '--one', kind, str(n)], capture_output=True, text=True)
        if r.returncode: raise RuntimeError(r.stderr[-2000:])
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    old = RESULTS/'scale.csv'                                               # rows of kinds not measured now are kept
    if old.exists():
        keep = pd.read_csv(old); rows = keep[~keep.kind.isin({r['kind'] for r in rows})].to_dict('records') + rows
    return write(rows, 'scale')

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--one':
        d = one(sys.argv[2], int(sys.argv[3])); d |= dict(peak_rss_mb=round(peak_rss_mb(), 1))
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}))
    else: main(sys.argv[1:] or ('detect', 'nn', 'cache', 'csv'))   # e.g. `python bench/scale.py csv cache`
