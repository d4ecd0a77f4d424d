"""Training throughput: the memx training loop (fastai Learner, callbacks, EMA, cached uint8 arrays) against a plain
PyTorch loop written here (same model and batch, a DataLoader that decodes the image files every step, fp32, no EMA).
Both run in this process, one after the other, so their ratio is measured on the same machine state.

    python bench/train_throughput.py [--steps 60] [--size 32] [--preset tiny]
"""
import argparse, tempfile
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
from common import Timer, write, machine

def plain_loop(model, files, tokens, masks, sched, bs, steps, device, lr=2e-3):
    "The reference: decode files with a torch DataLoader each step, noise, ε-MSE, AdamW; images/s."
    class Files(torch.utils.data.Dataset):
        def __len__(self): return len(files)
        def __getitem__(self, i):
            x = torch.from_numpy(np.asarray(Image.open(files[i]).convert('L'), dtype=np.float32)) / 127.5 - 1
            return x[None], tokens[i], masks[i]
    dl = torch.utils.data.DataLoader(Files(), batch_size=bs, shuffle=True, drop_last=True, num_workers=0)
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    abar = sched.alphas_cumprod.to(device)
    def epoch_iter():
        while True: yield from dl
    it, n = epoch_iter(), 0
    for i in range(steps + 5):
        if i == 5: t = Timer().__enter__(); n = 0                       # 5 warm-up steps
        x0, tok, m = (o.to(device) for o in next(it))
        tt = torch.randint(0, len(abar), (len(x0),), device=device); eps = torch.randn_like(x0)
        a = abar[tt][:, None, None, None]; xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = F.mse_loss(model(xt, tt, tok, m), eps)
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.); opt.step(); n += len(x0)
    t.__exit__(); return n / t.s

def memx_loop(model, data, bs, steps, device):
    "The memx loop: `make_learner` (DDPM callback, EMA, NaN guard, grad clip, fastai) on cached arrays; images/s."
    from memx.train import TrainConfig, make_learner
    cfg = TrainConfig(epochs=1, bs=bs, lr=2e-3)
    learn = make_learner(model, data.dls(bs=bs, device=device), cfg, quiet=True)
    n_ep = max(1, -(-(steps + 5) // len(learn.dls.train)))
    class Clock(__import__('fastai.callback.core', fromlist=['Callback']).Callback):
        order = 99
        def before_fit(self): self.i, self.n = 0, 0
        def after_batch(self):
            if not self.training: return
            self.i += 1
            if self.i == 5: self.t = Timer().__enter__(); self.n = 0
            elif self.i > 5: self.n += len(self.xb[0])
            if self.i == steps + 5: self.t.__exit__(); raise __import__('fastai.callback.core', fromlist=['CancelFitException']).CancelFitException
    clock = Clock()
    learn.fit(n_ep * 10, cbs=[clock])
    return clock.n / clock.t.s

def main(steps=60, size=32, preset='tiny', bs=32, n=256):
    from memx.phantom import make_phantom_chexpert
    from memx.data import DataConfig, load_chexpert
    from memx.model import CondUNet, model_config, make_scheduler
    from memx.core import seed_everything
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    tmp = Path(tempfile.mkdtemp())
    root = make_phantom_chexpert(tmp/'ph', n_images=n, size=size, seed=0, n_valid=0, fmt='png')
    data = load_chexpert(DataConfig(root=str(root), size=size, heldout_frac=0.), progress=False)
    files = [str(root/p.split('/', 1)[1]) for p in data.df.Path]      # the same images, as files
    tokens, masks = torch.from_numpy(data.tokens), torch.from_numpy(data.token_mask)
    mk = lambda: (seed_everything(0), CondUNet(model_config(preset, image_size=size, vocab_size=len(data.vocab), max_len=data.max_len)).to(dev))[1]
    sched = make_scheduler(mk().config, 'ddpm')
    rows = []
    for rep in range(2):                                                  # alternate, twice, to even out drift
        ref = plain_loop(mk(), files, tokens, masks, sched, bs, steps, dev)
        ours = memx_loop(mk(), data, bs, steps, dev)
        rows.append(dict(rep=rep, preset=preset, size=size, bs=bs, steps=steps, plain_img_s=round(ref, 1), memx_img_s=round(ours, 1), ratio=round(ours / ref, 3)))
    return write(rows, 'train_throughput')

if __name__ == '__main__':
    p = argparse.ArgumentParser(); p.add_argument('--steps', type=int, default=60); p.add_argument('--size', type=int, default=32)
    p.add_argument('--preset', default='tiny'); p.add_argument('--bs', type=int, default=32)
    a = p.parse_args(); main(a.steps, a.size, a.preset, a.bs)
