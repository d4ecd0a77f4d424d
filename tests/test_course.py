"The course's notebooks all open with the same setup cell: the contract `tests/run_course.py` relies on."
import json, re, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from run_course import course_notebooks, install_cell, ROOT


def _code(cell): return [l for l in ''.join(cell['source']).splitlines() if not l.startswith('#')]


def test_every_notebook_has_the_setup_cell():
    nbs = course_notebooks()
    assert len(nbs) >= 30 and ROOT/'nbs'/'findings.ipynb' in nbs
    cells = {p.name: install_cell(json.loads(p.read_text()), p) for p in nbs}
    first = _code(next(iter(cells.values())))
    assert first[-2:] == ['from memx.core import gate_slow_cells', 'gate_slow_cells(RUN_SLOW)']
    for name, c in cells.items():
        assert _code(c) == first, f'{name}: the setup cell differs from the others'
        assert re.search(r'RUN_SLOW = False: \d+ s', ''.join(c['source']).replace('\n# ', ' ')), name


def test_slow_cells_name_what_they_need():
    "A slow cell that reads ../runs/ names what it needs, unless it trains the run itself."
    for p in course_notebooks():
        for c in json.loads(p.read_text())['cells']:
            s = ''.join(c['source'])
            if c['cell_type'] != 'code' or not s.startswith('#| slow'): continue
            reads = set(re.findall(r"load_run\('(\.\./runs/[\w/]+)'\)|detect_run\(f?'(\.\./runs/[\w/{}]+)'", s))
            if reads and 'run_experiment(' not in s: assert '# needs ' in s, f'{p.name}: {s[:80]}'
