"""Wen et al.'s k = 1 score at its cost floor, on an untrained `tiny` 32×32 CondUNet (timing only).

Three things are timed, interleaved in every repetition (their order rotates) so that CPU contention touches all alike:
* `bare`: the bare batched UNet forward of the (condition, ∅) pairs at the first sampling step, `bs` pairs per
  forward, every input (noises, embeddings, masks) prepared beforehand: the cost floor of the sampler's step;
* `wen_scores`: the score as the library computes it (ε(x_T, ∅) once per seed, conditional forwards batched);
* `sampler step`: the same score read from the sampler's first step (`step_norms` at k = 1), the route `wen_scores`
  took before.
Then `wen_scores` at 10⁴ conditions in a fresh process: conditions/s and peak memory (peak resident set of the
process, and its rise during the call).

    OMP_NUM_THREADS=1 python bench/detect_floor.py                # 211 conditions, 5 reps, bs 256 and 64; then 10⁴
    OMP_NUM_THREADS=1 python bench/detect_floor.py --conds 211 --reps 5 --bs 256 --scale 10000 --scale-old
"""
import argparse, json, subprocess, sys, time
import numpy as np, torch
from common import write, peak_rss_mb, machine

def _status_mb(key:str) -> float:
    "A memory line of /proc/self/status (VmRSS, VmHWM) in MB."
    for line in open('/proc/self/status'):
        if line.startswith(key + ':'): return int(line.split()[1]) / 1024
    return float('nan')

def _reset_peak() -> bool:
    "Reset this process's peak resident set (Linux: /proc/self/clear_refs); False where that is not possible."
    try:
        with open('/proc/self/clear_refs', 'w') as f: f.write('5')
        return True
    except OSError: return False

def demo(C:int, vocab:int=64, L:int=20):
    "The untrained tiny model and `C` seeded conditions of 4 findings each (bos, 4 tokens, pads)."
    from memx.core import seed_everything
    from memx.model import CondUNet, model_config
    seed_everything(0)
    m = CondUNet(model_config('tiny', vocab_size=vocab, max_len=L)).eval()
    g = torch.Generator().manual_seed(0)
    tok = torch.zeros(C, L, dtype=torch.long)
    tok[:, 0] = 2
    tok[:, 1:5] = torch.randint(3, vocab, (C, 4), generator=g)
    return m, tok, tok != 0

def bare_inputs(m, tok, msk, n:int, bs:int, steps:int=25, sampler:str='ddim', seed:int=0):
    "(t, batches of (x (2b,C,S,S), emb (2b,L,D), mask (2b,L))): each pair row's x_T twice, its condition, then ∅."
    from memx.model import make_scheduler, generation_rows, _init_noise
    cfg = m.config
    sched = make_scheduler(cfg, sampler, steps)
    tr, mr, seeds = generation_rows(tok, msk, n, seed)
    out = []
    with torch.no_grad():
        for s in range(0, len(tr), bs):
            b = len(tr[s:s + bs])
            x = _init_noise((b, cfg.in_channels, cfg.image_size, cfg.image_size), seeds[s:s + bs], 'cpu')
            eu, mu = m.null_emb(b, tok.shape[1])
            out.append((torch.cat([x, x]), torch.cat([m.embed(tr[s:s + bs]), eu]), torch.cat([mr[s:s + bs], mu])))
    return sched.timesteps[0], out

def bare(m, t, batches):
    "The forwards alone."
    with torch.no_grad():
        for x, e, k in batches: m(x, t, emb=e, mask=k)

def floor_rows(C:int, n:int, bss:list, reps:int) -> list:
    "One row per batch size: median ms per condition of bare / wen_scores / sampler step, their ratios."
    from memx.detect import wen_scores, step_norms, count_forwards
    m, tok, msk = demo(C)
    rows = []
    for bs in bss:
        t, batches = bare_inputs(m, tok, msk, n, bs)
        fns = {'bare': lambda: bare(m, t, batches),
               'wen_scores': lambda: wen_scores(m, tok, msk, n=n, bs=bs),
               'sampler step': lambda: step_norms(m, tok, msk, n=n, k=1, bs=bs).mean((1, 2))}
        got = {k: f() for k, f in fns.items()}                                       # warm-up and the scores
        with count_forwards(m) as fw: wen_scores(m, tok, msk, n=n, bs=bs)
        ms = {k: [] for k in fns}
        for r in range(reps):
            names = list(fns)[r % 3:] + list(fns)[:r % 3]                            # rotate the order
            for k in names:
                t0 = time.perf_counter()
                fns[k]()
                ms[k].append(1e3 * (time.perf_counter() - t0) / C)
        ratio = np.array(ms['wen_scores']) / np.array(ms['bare'])
        rows.append(dict(conditions=C, n=n, bs=bs, reps=reps,
                         bare_ms_per_cond=round(float(np.median(ms['bare'])), 2),
                         wen_ms_per_cond=round(float(np.median(ms['wen_scores'])), 2),
                         sampler_step_ms_per_cond=round(float(np.median(ms['sampler step'])), 2),
                         ratio=round(float(np.median(ratio)), 3), ratio_worst_rep=round(float(ratio.max()), 3),
                         sampler_step_ratio=round(float(np.median(np.array(ms['sampler step'])
                                                                  / np.array(ms['bare']))), 3),
                         wen_forwards_per_cond=round(fw['forwards'] / C, 3), bare_forwards_per_cond=2 * n,
                         max_abs_diff=float(np.abs(got['wen_scores'] - got['sampler step']).max())))
    return rows

def scale_one(path:str, C:int, n:int, bs:int) -> dict:
    "`wen_scores` (path 'wen_scores') or the sampler step ('sampler step') on `C` conditions, in this process."
    from memx.detect import wen_scores, step_norms
    m, tok, msk = demo(C)
    f = {'wen_scores': lambda: wen_scores(m, tok, msk, n=n, bs=bs),
         'sampler step': lambda: step_norms(m, tok, msk, n=n, k=1, bs=bs)}[path]
    {'wen_scores': lambda: wen_scores(m, tok[:8], msk[:8], n=n),
     'sampler step': lambda: step_norms(m, tok[:8], msk[:8], n=n, k=1)}[path]()             # warm-up
    before, reset = _status_mb('VmRSS'), _reset_peak()
    t0 = time.perf_counter()
    f()
    s = time.perf_counter() - t0
    return dict(path=path, conditions=C, n=n, bs=bs, seconds=round(s, 1), conditions_per_s=round(C / s, 1),
                peak_rss_mb=round(peak_rss_mb(), 1),
                call_peak_rise_mb=round(_status_mb('VmHWM') - before, 1) if reset else None)

def scale_rows(C:int, n:int, bs:int, paths:list) -> list:
    "Each path in a fresh process (its peak memory is its own)."
    rows = []
    for p in paths:
        r = subprocess.run([sys.executable, __file__, '--child', p, '--scale', str(C), '--n', str(n),
                            '--bs', str(bs)], capture_output=True, text=True, check=True)
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return rows

def main(a):
    torch.set_num_threads(1)
    if a.child:
        print(json.dumps(scale_one(a.child, a.scale, a.n, a.bs[0])))
        return
    df = write(floor_rows(a.conds, a.n, a.bs, a.reps), 'detect_floor')
    for r in df.itertuples():
        print(f"bs {r.bs}: wen_scores {r.wen_ms_per_cond} ms/condition = {r.ratio}x the bare batched (c, ∅) "
              f"forward ({r.bare_ms_per_cond} ms); the sampler step {r.sampler_step_ms_per_cond} ms "
              f"({r.sampler_step_ratio}x)")
    if a.scale:
        paths = ['wen_scores'] + (['sampler step'] if a.scale_old else [])
        write(scale_rows(a.scale, a.n, a.bs[0], paths), 'detect_floor_scale')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--conds', type=int, default=211, help='conditions of the floor comparison')
    p.add_argument('--n', type=int, default=1, help='seeds (generations) per condition')
    p.add_argument('--bs', type=int, nargs='+', default=[256, 64], help='rows per batch (first: the 10⁴ run)')
    p.add_argument('--reps', type=int, default=5, help='interleaved repetitions')
    p.add_argument('--scale', type=int, default=10000, help='conditions of the throughput run (0: none)')
    p.add_argument('--scale-old', action='store_true', help='also the sampler step at that scale (minutes)')
    p.add_argument('--child', default=None, help=argparse.SUPPRESS)
    main(p.parse_args())
