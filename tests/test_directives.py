"Every `#|` directive in the notebooks is one nbdev or Quarto knows: the site builds as the notebooks read."
import configparser, json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
cfg = configparser.ConfigParser(delimiters=['='])
cfg.read(ROOT/'settings.ini')
NBDEV = ({'default_exp', 'export', 'exports', 'exporti', 'hide', 'eval', 'export_to'}
         | set(cfg['DEFAULT']['tst_flags'].split()))
QUARTO = {'echo', 'output', 'include', 'code-fold', 'code-summary', 'label', 'fig-cap', 'fig-alt', 'tbl-cap',
          'warning', 'error', 'column', 'output-location'}
MODULES = {p.stem for p in (ROOT/'memx').glob('*.py')}

def directives(nb):
    "(directive, argument) of the leading `#|` lines of every code cell."
    for c in json.loads(nb.read_text())['cells']:
        if c['cell_type'] != 'code': continue
        for line in ''.join(c['source']).splitlines():
            if not line.startswith('#|'): break
            m = re.match(r'#\|\s*([\w-]+):?\s*(.*)$', line)
            yield (m.group(1), m.group(2).strip()) if m else (line, '')

def test_directives_are_known():
    bad = [(nb.name, d) for nb in sorted((ROOT/'nbs').rglob('*.ipynb')) for d, _ in directives(nb)
           if d not in NBDEV | QUARTO]
    assert not bad, bad

def test_export_targets_exist():
    "`#| export study` and `#| default_exp x` name modules that nbdev_export writes."
    bad = [(nb.name, d, a) for nb in sorted((ROOT/'nbs').rglob('*.ipynb')) for d, a in directives(nb)
           if d in ('export', 'exports', 'exporti', 'default_exp') and a and a.split('.')[0] not in MODULES]
    assert not bad, bad
