"""Training throughput of each study preset's model with the memx training loop, on this machine: images/s, the
FLOP/s it achieves (images/s × the FLOPs of one training image, counted by `memx.cli.train_cost`), peak memory, and
the model FLOP utilisation when the device's peak is given (--peak-tflops, e.g. 989 for an H200's dense bf16; no
peak is assumed). Each preset trains two epochs on phantoms at its image size; the second is timed.

    python bench/presets.py [--presets cpu,gpu64,gpu128] [--steps 3] [--bs 0] [--peak-tflops 0]

--bs 0 takes the preset's batch size (a GPU preset's on a CPU: 2, its full batch would take minutes a step).
"""
import argparse, tempfile, warnings
from pathlib import Path
import torch
from common import write, peak_rss_mb


def measure(name:str, steps:int, bs:int, dev:str) -> dict:
    "Two epochs of `steps` batches of preset `name`'s model on phantoms; the second epoch's images/s."
    from memx.plan import study_preset, train_cost
    from memx.core import seed_everything
    from memx.phantomset import make_phantom_chexpert
    from memx.data import DataConfig
    from memx.dataset import load_chexpert
    from memx.model import CondUNet, model_config
    from memx.train import train
    b = study_preset(name).base
    size, bs = b.data_cfg.size, bs or (b.train.bs if dev == 'cuda' or name in ('cpu', 'quick') else 2)
    root = make_phantom_chexpert(Path(tempfile.mkdtemp())/'ph', n_images=bs * steps, size=size, n_valid=0,
                                 fmt='png', progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        data = load_chexpert(DataConfig(root=str(root), size=size, heldout_frac=0.), progress=False)
    mc = model_config(b.preset, image_size=size, vocab_size=len(data.vocab), max_len=data.max_len, **b.model)
    seed_everything(0)
    if dev == 'cuda': torch.cuda.reset_peak_memory_stats()
    learn = train(CondUNet(mc), data.dls(bs=bs, device=dev), b.train.replace(epochs=2), quiet=True)
    sec, cost = learn.log_rows[-1][3], train_cost(mc)
    img_s = steps * bs / sec
    mem = torch.cuda.max_memory_allocated() / 2**20 if dev == 'cuda' else peak_rss_mb()
    return dict(preset=name, model=b.preset, size=size, params_m=round(cost['params'] / 1e6, 2), bs=bs,
                steps=steps, img_s=round(img_s, 2), gflop_per_img=round(cost['flops'] / 1e9, 2),
                achieved_tflops=round(img_s * cost['flops'] / 1e12, 4),
                peak_mem_mb=round(mem), mem_kind='cuda max allocated' if dev == 'cuda' else 'process max RSS')


def main(presets=('cpu', 'gpu64', 'gpu128'), steps=3, bs=0, peak=0.):
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    rows = [measure(p, steps, bs, dev) for p in presets]
    for r in rows: r['mfu'] = round(r['achieved_tflops'] / peak, 4) if peak else None
    return write(rows, 'presets')


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--presets', default='cpu,gpu64,gpu128')
    p.add_argument('--steps', type=int, default=3)
    p.add_argument('--bs', type=int, default=0)
    p.add_argument('--peak-tflops', type=float, default=0.)
    a = p.parse_args()
    main(a.presets.split(','), a.steps, a.bs, a.peak_tflops)
