"Shared helpers of the benchmark scripts: timing, peak memory, machine description, CSV output."
import os, platform, resource, sys, time
from pathlib import Path
import pandas as pd, torch

RESULTS = Path(os.environ.get('MEMX_BENCH_RESULTS') or Path(__file__).parent/'results')   # a dry run: elsewhere

def machine() -> str:
    "A short description of where the numbers were measured."
    dev = torch.cuda.get_device_name() if torch.cuda.is_available() else f'CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)'
    return f"{dev}; torch {torch.__version__}; python {platform.python_version()}"

def peak_rss_mb() -> float:
    "Peak resident memory of this process so far (MB)."
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 if sys.platform != 'darwin' else r / 2**20

class Timer:
    "Wall-clock seconds of a `with` block (CUDA-synchronized)."
    def __enter__(self):
        if torch.cuda.is_available(): torch.cuda.synchronize()
        self.t0 = time.perf_counter(); return self
    def __exit__(self, *a):
        if torch.cuda.is_available(): torch.cuda.synchronize()
        self.s = time.perf_counter() - self.t0

def write(rows:list[dict], name:str) -> pd.DataFrame:
    "Print `rows` as a table and write them to `bench/results/<name>.csv` (with the machine description)."
    df = pd.DataFrame(rows)
    df['machine'] = (df['machine'] if 'machine' in df else pd.Series(None, index=df.index, dtype=object)).fillna(machine())  # kept rows keep theirs
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = '_cuda' if torch.cuda.is_available() else ''
    df.to_csv(RESULTS/f'{name}{suffix}.csv', index=False)
    with pd.option_context('display.width', 200, 'display.max_columns', 20):
        print(df.drop(columns='machine').to_string(index=False)); print('measured on', machine())
    return df
