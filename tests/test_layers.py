"""The package is layered: no import cycle between memx modules, no memx import inside a function body,
no import up a layer; modules and functions stay small."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]/'memx'
LAYERS = [['core'], ['data', 'dataset', 'phantom', 'phantomset', 'model'],
          ['testbed', 'train', 'fastloop', 'similarity', 'metrics', 'datacheck', 'tradeoff'],
          ['detect', 'valnets', 'validate', 'mitigate', 'trainmit', 'benchmark', 'privacy'],
          ['study', 'stages', 'runs', 'benchstudy', 'audit', 'mitstudy', 'plan'],
          ['report', 'explorer', 'cli']]
LAYER = {m: i for i, ms in enumerate(LAYERS) for m in ms}

def _memx_target(node, module:str) -> str|None:
    "The memx module an import node names (relative or absolute), else None."
    if isinstance(node, ast.ImportFrom):
        if node.level == 1: return (node.module or '').split('.')[0] or None
        if node.module and node.module.split('.')[0] == 'memx':
            return node.module.split('.')[1] if '.' in node.module else None
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name == 'memx': return 'memx'
            if a.name.startswith('memx.'): return a.name.split('.')[1]
    return None

def _imports(path:Path):
    "(top-level memx imports, memx imports inside functions) of one module file."
    tree, top, local = ast.parse(path.read_text()), set(), []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and (t := _memx_target(node, path.stem)): top.add(t)
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and _memx_target(node, path.stem):
                    local.append(f'{path.stem}.{fn.name}: line {node.lineno}')
    return top, local

def _graph():
    mods = {p.stem: _imports(p) for p in PKG.glob('*.py') if not p.stem.startswith('_')}
    return {m: top - {m} for m, (top, _) in mods.items()}, [l for _, (_, loc) in mods.items() for l in loc]

def _cycle(graph:dict):
    "One import cycle as a list of modules, or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 1; stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1: return stack[stack.index(n):] + [n]
            if n not in state and (c := visit(n)): return c
        state[m] = 2; stack.pop()
    for m in sorted(graph):
        if m not in state and (c := visit(m)): return c

def test_no_cycle():
    graph, _ = _graph()
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph))}"

def test_cycle_detector_finds_one():
    assert _cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert _cycle({'a': {'b'}, 'b': set()}) is None

def test_no_function_local_memx_import():
    _, local = _graph()
    assert not local, f"memx imports inside functions: {local}"

def test_imports_go_down_the_layers():
    graph, _ = _graph()
    assert set(graph) <= set(LAYER), f"modules without a layer: {set(graph) - set(LAYER)}"
    up = [f'{m} -> {n}' for m, ns in graph.items() for n in ns if LAYER[n] > LAYER[m]]
    assert not up, f"imports that go up a layer: {up}"

def test_local_import_detector_finds_them(tmp_path):
    p = tmp_path/'mod.py'
    p.write_text("from .core import Config\n\ndef f():\n    import memx\n"
                 "    from memx.study import load_run\n    from .detect import wen_scores\n")
    top, local = _imports(p)
    assert top == {'core'} and len(local) == 3, (top, local)

def test_no_undefined_names():
    "Stage cells run in their notebooks' namespaces, so a name the module itself lacks shows only here."
    from pyflakes.api import check
    from pyflakes.reporter import Reporter
    import io
    out = io.StringIO()
    for p in sorted(PKG.glob('*.py')): check(p.read_text(), str(p), Reporter(out, out))
    bad = [l for l in out.getvalue().splitlines() if 'undefined name' in l]
    assert not bad, bad

MAX_MODULE_LINES, MAX_WIDE_FUNCTIONS, WIDE, MAX_MEDIAN_BODY = 550, 3, 10, 5

def _functions(src:str):
    "(name, parameters, body lines without the docstring) of every function in module source `src`."
    out = []
    for n in ast.walk(ast.parse(src)):
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)): continue
        a = n.args
        k = (len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
             + (a.vararg is not None) + (a.kwarg is not None))
        k -= bool(a.args) and a.args[0].arg in ('self', 'cls')
        body = n.body[1:] if isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant) \
               and isinstance(n.body[0].value.value, str) else n.body
        out.append((n.name, k, body[-1].end_lineno - body[0].lineno + 1 if body else 0))
    return out

def _sources(): return {p.stem: p.read_text() for p in sorted(PKG.glob('*.py')) if not p.stem.startswith('_')}

def test_module_and_function_sizes():
    "Modules of at most 550 lines, at most 3 functions with 10 or more parameters, a median body of 5 lines."
    src = _sources()
    long = {m: len(s.splitlines()) for m, s in src.items() if len(s.splitlines()) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
    fns = [(m, *f) for m, s in src.items() for f in _functions(s)]
    wide = [f'{m}.{n} ({k})' for m, n, k, _ in fns if k >= WIDE]
    assert len(wide) <= MAX_WIDE_FUNCTIONS, f"functions with ≥ {WIDE} parameters: {wide}"
    med = sorted(b for *_, b in fns)[len(fns) // 2]
    assert med <= MAX_MEDIAN_BODY, f"median function body {med} lines"

def test_size_counter_counts():
    f = _functions('def f(a, b, *c, d=1, **e):\n    "doc"\n    x = 1\n    return x\n'
                   'class C:\n    def g(self, a): return a\n')
    assert f == [('f', 5, 2), ('g', 1, 1)], f
