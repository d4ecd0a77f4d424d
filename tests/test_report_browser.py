"""The quick demo end to end, its report opened in a real browser (headless Chromium): every figure decodes, tables hold
numbers under headers in words, every section has its narrative."""
import html, os, re, shutil, subprocess
from pathlib import Path
import pytest

RAW_KEY = re.compile(r'\b[a-z][a-z0-9]*_[a-z0-9_]+\b|@|\b[a-z_]+\.[A-Za-z]')   # mem_rate_planted, rna@2, fidelity_auroc.Edema

def _chromium():
    return next((p for p in (shutil.which(n) for n in ('chromium', 'chromium-browser', 'google-chrome')) if p), None)

@pytest.fixture(scope='module')
def report(tmp_path_factory):
    exe = shutil.which('memx-demo')
    if exe is None: pytest.skip('memx-demo is not installed (pip install -e .)')
    runs = tmp_path_factory.mktemp('runs')
    r = subprocess.run([exe, '--quick', '--quiet', '--runs', str(runs)], capture_output=True, text=True, timeout=1500,
                       env={**os.environ, 'MPLBACKEND': 'Agg'})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = runs/'demo_quick'/'report.html'
    assert out.exists() and '[memx-demo] report:' in r.stdout
    return out, r.stdout

def test_demo_resumes(report):
    "A second call finds every stage done and only rewrites the report."
    out, _ = report
    r = subprocess.run([shutil.which('memx-demo'), '--quick', '--quiet', '--runs', str(out.parent.parent)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count('done earlier, skipped') == 25, r.stdout   # 9 study stages, 16 of the benchmark

def test_report_in_browser(report, tmp_path):
    out, _ = report
    browser = _chromium()
    if browser is None: pytest.skip('no Chromium on this machine (apt-get install chromium)')
    flags = [browser, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--virtual-time-budget=15000']
    shot = tmp_path/'report.png'
    subprocess.run(flags + [f'--screenshot={shot}', '--window-size=1280,4000', out.as_uri()], capture_output=True, timeout=180, check=True)
    assert shot.exists() and shot.stat().st_size > 20_000                     # a rendered page, not a blank one
    dom = subprocess.run(flags + ['--window-size=1280,4000', '--dump-dom', out.as_uri()], capture_output=True, text=True, timeout=180, check=True).stdout
    body = re.search(r'<body[^>]*data-figures="(\d+)"[^>]*data-loaded="(\d+)"[^>]*data-width="(\d+)"', dom)
    assert body, 'the page did not run its load check'
    n_fig, n_ok, width = map(int, body.groups())
    assert n_fig >= 10 and n_ok == n_fig, (n_fig, n_ok)                       # every figure decoded
    assert width <= 1280, width                                               # nothing overflows the window
    assert 'not produced' not in dom                                          # a complete run: every item there
    cells = re.findall(r'<table class="headline">(.*?)</table>', dom, re.S)
    nums = [n for c in cells for n in re.findall(r'<td>(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)</td>', c)]
    assert len(cells) >= 3 and len(nums) >= 5, cells[:1]                      # the headline tables hold numbers
    assert (out.parent/'bench'/'results'/'benchmark.json').exists()
    for sec in ('Detection benchmark', 'Mitigation on the benchmark', 'Detection and explanation', 'Validation',
                'Mitigation, validated again', 'Configuration and versions'):
        assert sec in dom
    heads = [html.unescape(h) for h in re.findall(r'<th(?: [^>]*)?>(.*?)</th>', dom, re.S)]
    raw = [h for h in heads if RAW_KEY.search(h)]
    assert len(heads) > 50 and not raw, raw                                   # headers and row labels in words
    assert 'Training loss' not in heads                                       # the training log is no table ...
    assert len(re.findall(r'<p class="summary">\d+ epochs; final training loss', dom)) == 3    # ... but a line
    narratives = re.findall(r'</h2>\s*<p class="narrative">([^<]{80,})</p>', dom)
    assert len(narratives) == dom.count('<h2') >= 8, (len(narratives), dom.count('<h2'))   # every section narrated

def test_benchmark_results(report):
    "The quick demo's benchmark writes benchmark.json in the documented format, its tables and figures."
    import json
    out, _ = report
    b = out.parent/'bench'
    s = json.loads((b/'results'/'benchmark.json').read_text())
    g = s['config']['scoring']['guidance']                               # 6 comparisons at the truth's scale,
    assert s['seeds'] == [0, 1] and len(s['comparisons']) == (6 + 2) * len(s['detectors'])   # 2 more at CFG 1.5
    for c in s['comparisons']:
        assert {'name', 'detector', 'guidance', 'n_pos', 'n_neg', 'auc', 'auc_ci', 'tpr', 'tpr_at'} <= set(c)
        assert c['tpr_at'] in ('1% FPR', '0 FP', None)
    assert {c['name'] for c in s['comparisons'] if c['guidance'] == g} == {
        'memorized vs not (empirical)', 'copied vs not, within A/C/D', 'A vs E', 'A vs B', 'C vs E', 'D vs E'}
    assert {'arm_rate', 'wen_read'} <= set(s['detectors'])
    assert {'score_t', 'first_t', 'x0_clip_share_before', 'x0_clip_share_after'} <= set(s['schedule'])
    assert {'duplicated_share', 'data_seeds', 'd_other_images_median', 'e_single_image_share'} <= set(s['design'])
    assert {'brightness_auc_within', 'distinctness_auc_within', 'loss_auc_within'} <= set(s['truth_controls'])
    assert {r['t'] for r in s['score_vs_timestep']} == set(s['config']['scoring']['read_ts'])
    assert s['twin']['n'] > 0 and all(0 <= f['flagged_all'] <= 1 for f in s['twin']['flagged'])
    for f in ('benchmark.csv', 'arms.csv', 'bench_headline.csv'): assert (b/'results'/f).stat().st_size > 100
    for f in ('bench_roc', 'bench_arm_scores', 'bench_gallery', 'bench_timestep', 'bench_borderline', 'privacy'):
        assert (b/'figures'/f'{f}.png').stat().st_size > 5_000
    p = json.loads((b/'results'/'privacy.json').read_text())                  # the re-identification audit
    assert 0.5 <= p['reid_auc']['value'] <= 1 and p['reid_auc']['n_pos'] > 0
    for k in ('reid_rate', 'copy_rate'): assert 0 <= p[k]['value'] <= 1 and len(p[k]['ci']) == 2
    assert set(p['reid_threshold']) == {'0', '1'}
    conds = (b/'results'/'benchmark.csv').read_text().splitlines()[0].split(',')
    assert {'nearest_row', 'reid', 'reid_row', 'reid_share'} <= set(conds)
