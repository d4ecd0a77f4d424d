"""The GPU study presets on CPU, on a CheXpert-shaped folder: the data subset at the preset's size, the testbed and
the benchmark's arms planted into it, and one optimizer step of the preset's model — so a GPU user never meets the
first bug."""
import warnings
from pathlib import Path
import pytest, torch
from memx.data import make_fake_chexpert
from memx.study import prepare_data, build_model
from memx.benchstudy import seed_config
from memx.plan import study_preset, study_variant, study_bench, STUDY_PRESETS

SMALL = {'base.data_cfg.n': 60, 'base.testbed.k': 2, 'base.testbed.d': 3, 'bench.base.data_cfg.n': 60,
         **{f'bench.base.arms.{a}': 2 for a in 'abc'}, 'bench.base.arms.copies': 3,
         'bench.base.arms.d': 1, 'bench.base.arms.d_others': 1}   # 60 images: one condition shared, not by 9


@pytest.fixture(scope='module')
def chexpert(tmp_path_factory):
    return make_fake_chexpert(tmp_path_factory.mktemp('cx')/'CheXpert-v1.0-small', n=90)


def one_step(cfg, data):
    "One AdamW step of `cfg`'s model on two training images: the loss is finite and the weights move."
    torch.manual_seed(0)
    m = build_model(cfg, data)
    i = data.split_idx('train')[:2]
    x = torch.from_numpy(data.images[i]).float()[:, None] / 127.5 - 1
    tok, msk = torch.from_numpy(data.tokens[i]).long(), torch.from_numpy(data.token_mask[i]).bool()
    opt, w0 = torch.optim.AdamW(m.parameters(), lr=1e-4), next(m.parameters()).detach().clone()
    eps = torch.randn_like(x)
    loss = torch.nn.functional.mse_loss(m(x + eps, torch.tensor([500, 10]), tok, msk), eps)
    loss.backward()
    opt.step()
    assert torch.isfinite(loss) and not torch.equal(w0, next(m.parameters()))


@pytest.mark.parametrize('name', ['gpu64', 'gpu128'])
def test_gpu_preset_on_chexpert(name, chexpert, tmp_path):
    torch.set_num_threads(1)
    s = study_preset(name).replace(data=str(chexpert), runs=str(tmp_path), **SMALL)
    size = {'gpu64': 64, 'gpu128': 128}[name]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')                        # the fake folder's unreadable images, counted
        cfg = study_variant(s, tmp_path/'demo', 'cfg')
        data, man = prepare_data(cfg, progress=False)
        bc = study_bench(s, tmp_path/'demo')
        bdata, bman = prepare_data(seed_config(bc, 0), progress=False)
    assert cfg.data == str(chexpert) and bc.base.data == str(chexpert)      # the benchmark on the same data
    assert data.size == bdata.size == size
    assert len(man['conditions']) == 2 and len(data) >= 58 + 2 * 3 - 2     # subset, testbed planted into it
    assert set(bman['arm']) == set('ABCD')                                   # the arms planted into the subset
    assert Path(data.manifest['folder']).exists()
    one_step(cfg, data)


def test_presets_listed():
    assert list(STUDY_PRESETS) == ['cpu', 'full', 'quick', 'gpu64', 'gpu128']
    for k in STUDY_PRESETS: assert study_preset(k).preset == k
