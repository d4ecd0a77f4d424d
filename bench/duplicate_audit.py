"""The duplication audit (`memx.datacheck.duplicate_audit`; its groups come from
`memx.similarity.duplicate_groups`) measured against the benchmark's planted duplicates and its clean twin,
and timed on 10⁴ images.

* Recall: every training seed's planted duplicate groups (arms A, C, D: a source image and its copies)
  must come out of the exact search as one group each; any other group is a false one.
* The clean twin (no planted arm) must give no group, exact or near (`NEAR_TOL`).
* Time: 10⁴ random uint8 images at 16×16 and 64×64, exact and near search.

    python bench/duplicate_audit.py --runs runs   # renders or reuses runs/_data; writes
                                                  # bench/results/duplicate_audit.csv
"""
import argparse, time, warnings
import numpy as np
from common import write
from memx.benchstudy import BenchConfig, seed_config, twin_config
from memx.study import prepare_data
from memx.similarity import duplicate_groups
from memx.datacheck import NEAR_TOL

def _planted(man:dict, rows) -> list[list[int]]:
    "The planted duplicate groups (source and copies) as positions in `rows`."
    pos = {int(r): i for i, r in enumerate(rows)}
    groups = zip(man['source_idx'], man['duplicate_idx'], man['copies'])
    return [[pos[int(r)] for r in [s, *d]] for s, d, c in groups if c > 1]

def audit_row(name:str, data, man:dict|None) -> dict:
    "Exact and near groups of the training split of `data`, against its planted groups."
    rows = data.split_idx('train')
    ims = np.asarray(data.images[rows])
    t0 = time.perf_counter()
    exact = duplicate_groups(ims)
    near = duplicate_groups(ims, NEAR_TOL)
    secs = time.perf_counter() - t0
    planted = _planted(man, rows) if man else []
    found = {frozenset(g) for g in exact}
    whole = sum(frozenset(g) in found for g in planted)
    return {'data': name, 'train_images': len(rows), 'planted_groups': len(planted), 'found_whole': whole,
            'exact_groups': len(exact),
            'false_groups': len(found - {frozenset(g) for g in planted}),
            'near_groups': len(near), 'near_tol': NEAR_TOL, 'seconds': round(secs, 2)}

def timing_row(size:int, n:int=10_000) -> dict:
    "Seconds of the exact and the near search on `n` random images of side `size`."
    x = np.random.default_rng(0).integers(0, 256, (n, size, size), dtype=np.uint8)
    t0 = time.perf_counter()
    duplicate_groups(x)
    t1 = time.perf_counter()
    duplicate_groups(x, NEAR_TOL)
    return {'data': f'{n:,} random images at {size}×{size}', 'train_images': n, 'near_tol': NEAR_TOL,
            'seconds_exact': round(t1 - t0, 2), 'seconds': round(time.perf_counter() - t0, 2)}

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--runs', default='runs', help='parent folder of the benchmark (its phantom data)')
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    bc = BenchConfig().replace(runs=a.runs)
    rows = [audit_row(f'benchmark seed {s}', *prepare_data(seed_config(bc, s), progress=False))
            for s in bc.seeds]
    rows.append(audit_row('clean twin', prepare_data(twin_config(bc), progress=False)[0], None))
    rows += [timing_row(16), timing_row(64)]
    write(rows, 'duplicate_audit')
