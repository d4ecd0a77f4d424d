"""Detection cost: Wen et al. (k=1, n=1) against the Carlini baseline and generate-then-retrieve (nearest training
image), on a trained testbed run: seconds and UNet evaluations per condition, AUC beside each, and the cost ratio.
For 1,000 conditions Wen is measured; the generation-based baselines are per-condition cost × 1,000 (marked).

    python bench/detect_cost.py [runs/tiny32_cfg] [--controls 32]
"""
import argparse, time
import numpy as np, pandas as pd, torch
from common import Timer, write

def main(run='runs/tiny32_cfg', controls=32, steps=25, m=8):
    from memx.study import load_run, eval_conditions
    from memx.detect import detect_scores, detect_summary, wen_scores
    r = load_run(run)
    conds, planted, source = eval_conditions(r.data, r.man, controls, 0)
    sc, norms, cost, x = detect_scores(r.model, r.data, conds, n=4, steps=steps, m=m, guidance=3.0)
    tab = pd.DataFrame({'cond': conds, 'planted': planted, 'source': source, 'copy_share': 0., **sc})
    det = detect_summary(tab, cost)
    C = len(conds); rows = []
    tok, msk = r.data.vocab.batch(conds, max_len=r.data.max_len)
    big = torch.arange(1000) % C
    with Timer() as t: wen_scores(r.model, tok[big], msk[big], n=1, steps=steps, bs=256)
    for k, label in [('wen_k1_n1', 'Wen k=1, n=1'), ('wen_k5_n4', 'Wen k=5, n=4'), ('carlini', f'Carlini (m={m} generations)'),
                     ('nn', f'generate-then-retrieve (m={m}, nearest training image)'), ('loss', 'loss-based membership')]:
        d = det[k]; per = d['seconds'] / C
        rows.append(dict(detector=label, auc=round(d['auc'], 3), tpr_at_1pct_fpr=round(d['tpr@1%fpr'], 3),
                         forwards_per_cond=d['forwards'] / C, ms_per_cond=round(1e3 * per, 2),
                         s_for_1000=round(t.s if k == 'wen_k1_n1' else 1000 * per, 1), measured_1000=k == 'wen_k1_n1'))
    df = write(rows, 'detect_cost')
    w, c = det['wen_k1_n1'], det['carlini']
    print(f"Carlini / Wen k=1,n=1: {c['seconds'] / w['seconds']:.0f}x the seconds, {c['forwards'] / w['forwards']:.0f}x the UNet "
          f"evaluations; AUC {w['auc']:.3f} (Wen) vs {c['auc']:.3f} (Carlini) on {int(planted.sum())} planted + {int((~planted).sum())} controls")
    return df

if __name__ == '__main__':
    p = argparse.ArgumentParser(); p.add_argument('run', nargs='?', default='runs/tiny32_cfg'); p.add_argument('--controls', type=int, default=32)
    a = p.parse_args(); main(a.run, a.controls)
