"The GPU check's dry mode: every step of `bench/gpu_check.sh` at toy size on a CPU, its result files written."
import os, subprocess, time
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).parent.parent

def test_gpu_check_dry(tmp_path):
    env, t0 = dict(os.environ, MEMX_BENCH_RESULTS=str(tmp_path), OMP_NUM_THREADS='1'), time.time()
    r = subprocess.run(['bash', str(ROOT/'bench'/'gpu_check.sh'), '--dry'], env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    got = sorted(p.name for p in tmp_path.glob('*.csv'))
    assert got == ['detect_floor.csv', 'detect_floor_scale.csv', 'presets.csv', 'train_throughput.csv',
                   'train_throughput_no.csv'], got
    tt = pd.read_csv(tmp_path/'train_throughput_no.csv')
    assert (tt.precision == 'no').all() and (tt.memx_img_s > 0).all()
    assert all(p.stat().st_mtime < t0 for p in (ROOT/'bench'/'results').iterdir())   # the committed ones untouched
