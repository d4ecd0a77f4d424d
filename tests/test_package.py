"Packaging checks: the version, the requirements, the distribution name and what a `pip install memx-xray` user gets."
import configparser, subprocess, sys, zipfile
from pathlib import Path
import memx

ROOT = Path(__file__).resolve().parents[1]
cfg = configparser.ConfigParser(delimiters=['='])
cfg.read(ROOT/'settings.ini')
DIST = cfg['DEFAULT']['lib_name']

def test_distribution_name():
    "`memx` on the package index is an unrelated package: the distribution has its own name, the import stays memx."
    assert DIST == 'memx-xray' and cfg['DEFAULT']['lib_path'] == 'memx'

def _fresh_install(tmp_path, target) -> str:
    "Install `target` (a wheel or sdist) without dependencies into a new venv; what `import memx` reports there."
    venv = tmp_path/'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)], check=True)
    py = venv/'bin'/'python'
    subprocess.run([str(py), '-m', 'pip', 'install', '-q', '--no-deps', '--no-index', str(target)], check=True,
                   cwd=tmp_path)
    code = ("import importlib.metadata as m, memx, pathlib; "
            "print(m.version('memx-xray'), memx.__version__, pathlib.Path(memx.__file__).parent)")
    return subprocess.run([str(py), '-c', code], check=True, capture_output=True, text=True, cwd=tmp_path).stdout

def test_wheel_and_sdist_install(tmp_path):
    "The wheel, and a wheel built from the sdist alone, install into a fresh venv as `memx-xray`."
    dist = tmp_path/'dist'
    subprocess.run([sys.executable, 'setup.py', '-q', 'sdist', '-d', str(dist)], check=True, cwd=ROOT,
                   capture_output=True)
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(dist),
                    str(ROOT)], check=True)
    (sd,), (whl,) = dist.glob('memx_xray-*.tar.gz'), dist.glob('memx_xray-*.whl')
    from_sd = tmp_path/'from_sdist'                               # the sdist alone builds a wheel
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w',
                    str(from_sd), str(sd)], check=True, cwd=tmp_path)
    for i, target in enumerate((whl, *from_sd.glob('memx_xray-*.whl'))):
        out = _fresh_install(tmp_path/f'env{i}', target).split()
        assert out[:2] == [cfg['DEFAULT']['version']] * 2, out
        assert str(ROOT) not in out[2], out                      # the installed copy, not the checkout

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
    (whl,) = tmp_path.glob(f"{DIST.replace('-', '_')}-*.whl")
    names = zipfile.ZipFile(whl).namelist()
    for f in ['memx/data/lung_bank.npz', 'memx/data/chexpert_frontal_label_combinations.csv.gz', 'memx/core.py']:
        assert f in names

def test_release_workflow():
    "A published release whose tag is the version: wheel and sdist built, published by trusted publishing."
    import yaml
    wf = yaml.safe_load((ROOT/'.github'/'workflows'/'release.yaml').read_text())
    on = wf.get('on', wf.get(True))                            # YAML 1.1 reads the key `on` as True
    assert on['release'] == {'types': ['published']}
    build, publish = wf['jobs']['build'], wf['jobs']['publish']
    assert any('python -m build' in s.get('run', '') for s in build['steps'])
    assert publish['permissions'] == {'id-token': 'write'} and publish['environment']['url'].endswith(f'/{DIST}')
    assert [s['uses'] for s in publish['steps']][-1].startswith('pypa/gh-action-pypi-publish@')
    check = next(s['run'] for s in build['steps'] if s.get('name', '').startswith('The tag is the version'))
    for tag, ok in ((f"v{cfg['DEFAULT']['version']}", True), ('v99.0.0', False)):
        env = {'GITHUB_REF_NAME': tag, 'PATH': '/usr/bin:/bin'}
        r = subprocess.run(['bash', '-ec', check], cwd=ROOT, env=env, capture_output=True, text=True)
        assert (r.returncode == 0) == ok, (tag, r.stdout, r.stderr)
