"""What retrieval-guided sampling (`memx.mitigate.RetrievalGuide`) does to the copies it removes: on each training
seed's duplicated conditions (arms A, C, D; 4 generations each, the mitigation benchmark's seeds), the share of
generations the truth calls a copy, and how far the generations sit from their nearest training image, in units of
that image's copy threshold (below 1: nearer than any other training image is) with the SSIM to it.

Guiding every step moves x̂0 out to `margin` thresholds up to the last step, so its generations end at that distance
*by construction*: they are not copies by the rule, yet they stay close. Guiding only the first steps lets the model
finish on its own, and the copies it then makes are counted as they are. `moved_share`: the share of guided
(generation, step) pairs whose x̂0 the guide moved, on the duplicated conditions and on 256 reference conditions
(fresh phantoms the model never saw, as the mitigation benchmark's FD is measured on).

    python bench/retrieval_guide.py --runs runs   # needs the trained benchmark (memx-bench);
                                                  # writes bench/results/retrieval_guide.csv
"""
import argparse, warnings
import numpy as np, torch
from common import write, Timer
from memx.benchstudy import BenchConfig
from memx.mitstudy import _mitigation_setup
from memx.mitigate import generate_with
from memx.similarity import copy_evidence

def guide_rows(bc:BenchConfig, seed:int, knobs=(None, 25, 20, 15, 10), n_ref:int=256) -> list[dict]:
    "One row per number of guided steps (None: no guidance) on seed `seed`'s duplicated conditions."
    s, rows = _mitigation_setup(bc, seed), []
    nt, c = s['nt'], s['c']
    ref = slice(nt, nt + n_ref)                  # reference conditions: fresh phantoms the model never saw
    for k in knobs:
        g = s['guide'].until(k or 0)
        g.until = lambda steps, g=g: g               # `generate_with` samples with this guide: count its moves
        with Timer() as tm:
            x, _ = generate_with(s['r'].model, 'none' if k is None else 'retrieval', k, s['tok'][:nt],
                                 s['msk'][:nt], s['seeds'][:nt], c, aux=g)
        moved, g.moved = g.moved, 0
        generate_with(s['r'].model, 'none' if k is None else 'retrieval', k, s['tok'][ref], s['msk'][ref],
                      s['seeds'][ref], c, aux=g)
        ev = copy_evidence(x.reshape(-1, c.n_samples, *x.shape[1:]), s['r'].data, s['max_dist'], s['min_ssim'])
        ratio = ev['dist'] / np.asarray(s['max_dist'])[ev['nn']]
        rows.append({'seed': seed, 'guided_steps': 0 if k is None else k, 'steps': c.steps, 'margin': c.margin,
                     'generations': ev['copy'].size, 'copy_share': float(ev['copy'].mean()),
                     'ratio_median': float(np.median(ratio)), 'ratio_min': float(ratio.min()),
                     'ssim_median': float(np.median(ev['ssim'])), 'min_ssim_rule': s['min_ssim'],
                     'moved_share': moved / (nt * k) if k else 0.,
                     'moved_share_reference': g.moved / (n_ref * k) if k else 0.,
                     'seconds': round(tm.s, 2)})
    return rows

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--runs', default='runs', help='parent folder of the trained benchmark')
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    torch.set_num_threads(2)
    bc = BenchConfig.from_json(f'{a.runs}/bench/bench_config.json').replace(runs=a.runs)
    write([r for s in bc.seeds for r in guide_rows(bc, s)], 'retrieval_guide')
