"Packaging checks: the version, the requirements and the shipped data files a `pip install memx` user gets."
import configparser, subprocess, sys, zipfile
from pathlib import Path
import memx

ROOT = Path(__file__).resolve().parents[1]
cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')

def test_version_matches_settings():
    assert memx.__version__ == cfg['DEFAULT']['version']

def test_trap_pins_are_exact():
    "fastcore 2.x breaks nbdev 2 and fastai>=2.8.9 needs fastcore 2.x, so both are pinned exactly."
    reqs = cfg['DEFAULT']['requirements'].split() + cfg['DEFAULT']['dev_requirements'].split()
    for pin in ['fastcore==1.14.5', 'fastai==2.8.7', 'nbdev==2.4.14']: assert pin in reqs

def test_wheel_ships_data(tmp_path):
    "A built wheel carries the lung masks and the label statistics, so the phantom works after `pip install`."
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(tmp_path), str(ROOT)],
                   check=True)
    (whl,) = tmp_path.glob('memx-*.whl')
    names = zipfile.ZipFile(whl).namelist()
    for f in ['memx/data/lung_bank.npz', 'memx/data/chexpert_frontal_label_combinations.csv.gz', 'memx/core.py']:
        assert f in names
