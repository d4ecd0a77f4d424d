"""Training throughput: the memx training loop (fastai Learner, callbacks, EMA, cached uint8 arrays; on CUDA bf16
autocast, channels-last and the images kept on the GPU) against a plain PyTorch loop written here (same model and
batch, a DataLoader that decodes the image files every step, fp32, no EMA). Both train in this process, in
alternating blocks of 10 steps (after 5 warm-up steps each), so that drift and other load on the machine affect both
alike; each loop's images/s is over its own blocks. One row per repetition (fresh models each) and a last row with
the medians (the ratio there is the median of the per-repetition ratios).

Achieved FLOP/s count the matrix work of one forward and backward pass (`torch.utils.flop_counter`) times the
images per second; the model-FLOP utilisation (MFU) of the memx loop divides it by the GPU's dense bf16 peak,
only on a GPU whose peak is listed in `PEAK_BF16` (a CPU's peak is not known here).

    python bench/train_throughput.py [--steps 60] [--reps 5] [--size 32] [--preset tiny] [--bs 32] [--threads 1]
"""
import argparse, statistics, tempfile
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
from fastai.callback.core import Callback, CancelFitException
from common import Timer, write

PEAK_BF16 = {'H100': 989e12, 'H200': 989e12, 'A100': 312e12, 'L4': 121e12}   # dense bf16 FLOP/s (SXM datasheets)

class PlainLoop:
    "The reference, one `step()` at a time: decode files with a torch DataLoader, noise, ε-MSE, AdamW, grad clip."
    def __init__(self, model, files, tokens, masks, sched, bs, device, lr=2e-3):
        class Files(torch.utils.data.Dataset):
            def __len__(self): return len(files)
            def __getitem__(self, i):
                x = torch.from_numpy(np.asarray(Image.open(files[i]).convert('L'), dtype=np.float32)) / 127.5 - 1
                return x[None], tokens[i], masks[i]
        self.dl = torch.utils.data.DataLoader(Files(), batch_size=bs, shuffle=True, drop_last=True, num_workers=0)
        self.model, self.device, self.it = model, device, iter(())
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr)
        self.abar = sched.alphas_cumprod.to(device)
    def batch(self):
        try: return next(self.it)
        except StopIteration: self.it = iter(self.dl); return next(self.it)
    def step(self) -> int:
        "One training step; the number of images it saw."
        x0, tok, m = (o.to(self.device) for o in self.batch())
        tt = torch.randint(0, len(self.abar), (len(x0),), device=self.device); eps = torch.randn_like(x0)
        a = self.abar[tt][:, None, None, None]; xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = F.mse_loss(self.model(xt, tt, tok, m), eps)
        self.opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.); self.opt.step()
        return len(x0)

class Interleave(Callback):
    "Inside the memx fit: after 5 warm-up steps of each loop, alternate blocks of `block` memx and `block` plain steps, timing each loop's blocks, until each did `steps`."
    order = 99
    def __init__(self, plain, steps, block=10, warmup=5): self.plain, self.steps, self.block, self.warmup = plain, steps, block, warmup
    def before_fit(self): self.i, self.s, self.n = 0, {'memx': 0., 'plain': 0.}, {'memx': 0, 'plain': 0}
    def after_batch(self):
        if not self.training: return
        self.i += 1
        if self.i < self.warmup: return
        if self.i == self.warmup:
            for _ in range(self.warmup): self.plain.step()
        else:
            self.n['memx'] += len(self.xb[0])
            if (self.i - self.warmup) % self.block: return
            self.t.__exit__(); self.s['memx'] += self.t.s
            with Timer() as t: self.n['plain'] += sum(self.plain.step() for _ in range(self.block))
            self.s['plain'] += t.s
            if self.i - self.warmup >= self.steps: raise CancelFitException
        self.t = Timer().__enter__()
    def img_s(self) -> dict: return {k: self.n[k] / self.s[k] for k in self.n}

def interleaved(model_memx, model_plain, data, files, tokens, masks, sched, bs, steps, device, precision='auto') -> dict:
    "Images/s of the memx loop (`make_learner`: DDPM callback, EMA, NaN guard, grad clip, fastai, cached arrays) and the plain loop, measured in alternating blocks."
    from memx.train import TrainConfig, make_learner
    learn = make_learner(model_memx, data.dls(bs=bs, device=device), TrainConfig(epochs=1, bs=bs, lr=2e-3, mixed_precision=precision), quiet=True)
    clock = Interleave(PlainLoop(model_plain, files, tokens, masks, sched, bs, device), steps)
    learn.fit(10 * max(1, -(-(steps + 5) // len(learn.dls.train))), cbs=[clock])
    return clock.img_s()

def flop_per_image(model, data, bs, device) -> float:
    "FLOPs of one forward and backward pass of `model` on a batch of `bs`, per image."
    from torch.utils.flop_counter import FlopCounterMode
    x = torch.randn(bs, 1, data.size, data.size, device=device)
    tok, m = (torch.from_numpy(a[:bs]).to(device) for a in (data.tokens, data.token_mask))
    with FlopCounterMode(display=False) as fc:
        model(x, torch.randint(0, 1000, (bs,), device=device), tok.long(), m.bool()).square().mean().backward()
    model.zero_grad(set_to_none=True)
    return fc.get_total_flops() / bs

def peak_bf16() -> float | None:
    "The dense bf16 peak FLOP/s of this GPU when listed in `PEAK_BF16`; None on a CPU or an unlisted GPU."
    if not torch.cuda.is_available(): return None
    name = torch.cuda.get_device_name()
    return next((v for k, v in PEAK_BF16.items() if k in name), None)

def main(steps=60, size=32, preset='tiny', bs=32, n=256, reps=5, threads=1, precision='auto'):
    from memx.phantomset import make_phantom_chexpert
    from memx.data import DataConfig
    from memx.dataset import load_chexpert
    from memx.model import CondUNet, model_config, make_scheduler
    from memx.core import seed_everything
    torch.set_num_threads(threads)
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    tmp = Path(tempfile.mkdtemp())
    root = make_phantom_chexpert(tmp/'ph', n_images=n, size=size, seed=0, n_valid=0, fmt='png', progress=False)
    data = load_chexpert(DataConfig(root=str(root), size=size, heldout_frac=0.), progress=False)
    files = [str(root/p.split('/', 1)[1]) for p in data.df.Path]      # the same images, as files
    tokens, masks = torch.from_numpy(data.tokens), torch.from_numpy(data.token_mask)
    mk = lambda: (seed_everything(0), CondUNet(model_config(preset, image_size=size, vocab_size=len(data.vocab), max_len=data.max_len)).to(dev))[1]
    sched = make_scheduler(mk().config, 'ddpm')
    fpi, peak = flop_per_image(mk(), data, bs, dev), peak_bf16()
    rows = []
    for rep in range(reps):
        got = interleaved(mk(), mk(), data, files, tokens, masks, sched, bs, steps, dev, precision)
        rows.append(dict(rep=rep, preset=preset, precision=precision, size=size, bs=bs, steps=steps, plain_img_s=got['plain'], memx_img_s=got['memx'],
                         ratio=got['memx'] / got['plain']))
        print(f"rep {rep}: plain {got['plain']:.1f} img/s, memx {got['memx']:.1f} img/s, ratio {rows[-1]['ratio']:.3f}", flush=True)
    med = {k: statistics.median(r[k] for r in rows) for k in ('plain_img_s', 'memx_img_s', 'ratio')}
    rows.append(dict(rep='median', preset=preset, precision=precision, size=size, bs=bs, steps=steps, **med))
    for r in rows:
        r.update(gflop_per_img=fpi / 1e9, plain_gflop_s=r['plain_img_s'] * fpi / 1e9, memx_gflop_s=r['memx_img_s'] * fpi / 1e9,
                 memx_mfu=r['memx_img_s'] * fpi / peak if peak else None)
        for k, d in [('plain_img_s', 1), ('memx_img_s', 1), ('ratio', 3), ('gflop_per_img', 4), ('plain_gflop_s', 2),
                     ('memx_gflop_s', 2), ('memx_mfu', 4)]:
            r[k] = round(r[k], d) if r[k] is not None else None
    return write(rows, 'train_throughput' + ('' if precision == 'auto' else f'_{precision}'))

if __name__ == '__main__':
    p = argparse.ArgumentParser(); p.add_argument('--steps', type=int, default=60); p.add_argument('--size', type=int, default=32)
    p.add_argument('--preset', default='tiny'); p.add_argument('--bs', type=int, default=32)
    p.add_argument('--reps', type=int, default=5); p.add_argument('--threads', type=int, default=1)
    p.add_argument('--precision', default='auto', help="the memx loop's TrainConfig.mixed_precision ('auto', 'no', …)")
    a = p.parse_args(); main(a.steps, a.size, a.preset, a.bs, reps=a.reps, threads=a.threads, precision=a.precision)
