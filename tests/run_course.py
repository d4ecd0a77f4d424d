"""Run the course the way Colab does, and fail on the first notebook that breaks.

A fresh virtual environment gets what a Colab runtime already has (torch, torchvision, a Jupyter
kernel); memx itself is installed by the notebooks' own install cell, pointed at this checkout instead of the
repository URL. Every notebook then runs top to bottom in a Jupyter kernel, alone in an empty folder (as on
Colab: no `results/`, no `../runs`), with its first cell's `RUN_SLOW = False`: each `#| slow` cell must print
the one line that says it was skipped. Committed results files are read from this checkout
(`MEMX_RESULTS_URL=file://…/nbs/results/`) where Colab reads them from the repository.

    python tests/run_course.py [--venv DIR] [--out times.csv] [--workers 2] [notebook ...]
"""
import argparse, csv, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO_URL = 'git+https://github.com/memx-dev/memx'
COLAB_HAS = ['torch==2.14.1', 'torchvision==0.29.1', 'ipykernel', 'nbclient', 'nbformat']
SKIP_LINE = 'skipped: a slow cell'


def course_notebooks() -> list[Path]:
    "The notebooks with code, in course order: nbs/*.ipynb, then nbs/experiments/."
    nbs = sorted((ROOT/'nbs').glob('*.ipynb')) + sorted((ROOT/'nbs'/'experiments').glob('*.ipynb'))
    return [p for p in nbs if any(c['cell_type'] == 'code' for c in json.loads(p.read_text())['cells'])]


def install_cell(nb:dict, path:Path) -> dict:
    "The notebook's install cell: its first code cell, which must install from the repository URL."
    cell = next(c for c in nb['cells'] if c['cell_type'] == 'code')
    src = ''.join(cell['source'])
    if REPO_URL not in src or 'RUN_SLOW = False' not in src:
        raise SystemExit(f"{path}: the first code cell must install memx from {REPO_URL} "
                         "and set RUN_SLOW = False")
    return cell


def run_one(path:str, work:str, tmp:str) -> dict:
    "Run notebook `path` in the empty folder `work`, memx installed from this checkout; its row of results."
    import nbformat
    os.environ['TMPDIR'] = tmp                                  # a fresh cache of results files, as on Colab
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(path, as_version=4)
    cell = install_cell(nb, Path(path))
    cell['source'] = ''.join(cell['source']).replace(REPO_URL, str(ROOT))
    Path(work).mkdir(parents=True)
    t0, err = time.perf_counter(), ''
    client = NotebookClient(nb, timeout=1800, kernel_name='python3', resources={'metadata': {'path': work}})
    try: client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)   # the kernel process's chatter
    except CellExecutionError as e: err = str(e).strip().splitlines()[-1][:300]
    secs = time.perf_counter() - t0
    slow = [c for c in nb.cells if c.cell_type == 'code' and re.match(r'#\|\s*slow', c.source)]
    printed = lambda c: ''.join(o.get('text', '') for o in c.get('outputs', []))
    skipped = sum(SKIP_LINE in printed(c) for c in slow)
    if not err and skipped != len(slow):
        err = f'{len(slow) - skipped} of {len(slow)} slow cells ran with RUN_SLOW off'
    return dict(notebook=str(Path(path).relative_to(ROOT/'nbs')), seconds=round(secs, 1),
                slow_cells=len(slow), skipped=skipped, ok=not err, error=err)


def inner(args):
    "In the fresh environment: the first notebook alone (it installs memx), then the rest in parallel."
    work = Path(tempfile.mkdtemp(prefix='course_'))
    os.environ.update(MEMX_RESULTS_URL=(ROOT/'nbs'/'results').as_uri() + '/', MPLBACKEND='Agg',
                      OMP_NUM_THREADS=str(max(1, (os.cpu_count() or 2) // args.workers)))
    nbs = [Path(p).resolve() for p in args.notebooks] or course_notebooks()
    for p in nbs: install_cell(json.loads(p.read_text()), p)          # every notebook has the install cell
    def args_of(p):
        (work/'tmp'/p.stem).mkdir(parents=True)
        return str(p), str(work/p.stem), str(work/'tmp'/p.stem)
    rows = [run_one(*args_of(nbs[0]))]
    print(f"{rows[-1]['notebook']}: {rows[-1]['seconds']} s (installs memx) {rows[-1]['error']}", flush=True)
    with ProcessPoolExecutor(args.workers) as ex:
        futs = {p: ex.submit(run_one, *args_of(p)) for p in nbs[1:]}
        for p, f in futs.items():
            rows.append(f.result())
            r = rows[-1]
            print(f"{r['notebook']}: {r['seconds']} s, {r['skipped']}/{r['slow_cells']} slow cells skipped "
                  f"{'ok' if r['ok'] else 'FAILED: ' + r['error']}", flush=True)
    if args.out:
        with open(args.out, 'w', newline='') as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    shutil.rmtree(work, ignore_errors=True)
    bad = [r['notebook'] for r in rows if not r['ok']]
    print(f"{len(rows) - len(bad)} of {len(rows)} notebooks ran top to bottom"
          + (f"; failed: {', '.join(bad)}" if bad else ''))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebooks', nargs='*', help='notebooks to run (default: the whole course)')
    ap.add_argument('--venv', help='the fresh environment to create (default: a temporary folder)')
    ap.add_argument('--out', help='CSV of seconds per notebook')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--inner', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner: return inner(args)
    venv = Path(args.venv or tempfile.mkdtemp(prefix='course_venv_'))
    if (venv/'bin'/'python').exists(): raise SystemExit(f'{venv} exists: the environment must be fresh')
    t0 = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    r = subprocess.run([str(venv/'bin'/'pip'), 'install', '-q', *COLAB_HAS], capture_output=True, text=True)
    if r.returncode: raise SystemExit(f'installing {COLAB_HAS} failed:\n{r.stdout}{r.stderr}')
    print(f'fresh environment with {", ".join(COLAB_HAS)} in {time.perf_counter() - t0:.0f} s', flush=True)
    fwd = [*args.notebooks, '--workers', str(args.workers)]
    if args.out: fwd += ['--out', str(Path(args.out).resolve())]
    try: return subprocess.run([str(venv/'bin'/'python'), __file__, '--inner', *fwd]).returncode
    finally:
        if not args.venv: shutil.rmtree(venv, ignore_errors=True)


if __name__ == '__main__': sys.exit(main())
