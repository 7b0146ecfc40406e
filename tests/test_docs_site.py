"""The docs site as a reader sees it: build the index and the activations page (run, or from the `make docs` cache)
and open them in headless Chromium (Debian's `chromium`, installed here with apt as root when missing)."""
import os, re, shutil, subprocess
from pathlib import Path
import pytest
from activ_bench.docs import build_docs, find_notebooks, page_path, project_root

ROOT = project_root(Path(__file__).parent)
BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')


def find_chromium():
    "Chromium on PATH; as root with apt-get (a fresh Debian machine), install Debian's `chromium` first."
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found or not (shutil.which('apt-get') and os.geteuid() == 0): return found
    subprocess.run(['apt-get', 'update', '-qq'], capture_output=True)
    subprocess.run(['apt-get', 'install', '-y', '-qq', 'chromium'], capture_output=True, env={**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'})
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


@pytest.fixture(scope='module')
def chromium():
    exe = find_chromium()
    if exe is None: pytest.skip("no Chromium on PATH and apt-get cannot install one here (not root, or no apt): "
                                "install Debian's `chromium` (`make chromium` as root) to run the browser checks")
    return exe


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The index and activations pages, built into a temporary folder (the sidebar still lists every notebook)."
    nbs = ROOT / 'nbs'
    wanted = [str(p.relative_to(nbs)) for p in find_notebooks(ROOT) if page_path(p, nbs).name in ('index.html', 'activations.html')]
    assert len(wanted) == 2, wanted
    out = tmp_path_factory.mktemp('site')
    build_docs(ROOT, dest=str(out), only=wanted, workers=2)
    return out


def render(exe, page:Path, tmp:Path, query:str='') -> str:
    "The page's DOM after its scripts (MathJax, search) ran; a screenshot beside it."
    url = page.as_uri() + (f'?q={query}' if query else '')
    args = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', f'--user-data-dir={tmp / "profile"}',
            '--virtual-time-budget=20000', '--window-size=1400,1000']
    shot = tmp / (page.stem + '.png')
    subprocess.run(args + [f'--screenshot={shot}', url], capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000, "empty screenshot"
    res = subprocess.run(args + ['--dump-dom', url], capture_output=True, text=True, timeout=120)
    assert '<body' in res.stdout, res.stderr[-2000:]
    return res.stdout


def html_text(s:str) -> str: return re.sub(r'<[^>]+>', '', s)


def test_index_page(site, chromium, tmp_path):
    dom = render(chromium, site / 'index.html', tmp_path, query='GeneralRelu')
    side = re.search(r'<nav id="sidebar".*?</nav>', dom, re.S).group(0)
    for page in ('index.html', 'activations.html', 'models.html'): assert f'href="{page}"' in side, page
    assert re.search(r'href="experiments/\w+\.html"', side), "experiment pages missing from the sidebar"
    assert '<h1 class="title">activ_bench</h1>' in dom
    second = re.findall(r'<li><a href="([^"]+)"', side)[1]
    assert f'class="nav-next" href="{second}"' in dom, "the next page is not the sidebar's second"
    # the search box, filled from ?q=, lists the API entry
    results = re.search(r'<div id="search-results">(.*?)</div>\s*</div>\s*</header>', dom, re.S).group(1)
    assert 'activations.html#generalrelu' in results, results[:500]


def test_activations_page(site, chromium, tmp_path):
    html = (site / 'activations.html').read_text()
    dom = render(chromium, site / 'activations.html', tmp_path)
    assert 'class="active" aria-current="page">Activations</a>' in dom
    assert re.search(r'class="nav-prev" href="\w+\.html"', dom) and re.search(r'class="nav-next" href="\w+\.html"', dom)
    # API reference: show_doc boxes with a signature and a docments table (GeneralRelu's, for one)
    boxes = re.findall(r'<div class="show-doc">\s*(?:<hr/?>)?\s*<h3 id="([^"]+)".*?(?=<div class="show-doc">|$)', dom, re.S)
    assert 'generalrelu' in boxes, boxes
    box = re.search(r'<div class="show-doc">\s*(?:<hr/?>)?\s*<h3 id="generalrelu".*?</table>', dom, re.S).group(0)
    text = html_text(box)
    assert re.search(r'GeneralRelu \(leak:float', text) and 'Details' in text and 'Default' in text, text[:800]
    # a figure (plot_acts), drawn inline rather than `<Figure size ...>`
    assert re.search(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/=]{10000,}"', dom), "no figure"
    assert '&lt;Figure size' not in html
    # formulas typeset by the bundled MathJax, none left as raw TeX
    assert dom.count('class="MathJax"') >= 3 and 'Math Processing Error' not in dom
    assert 'site_libs/mathjax/MathJax.js' in html and not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), "a CDN"
    # no warnings, no machine paths
    assert 'output_stderr' not in html and 'Warning:' not in html
    for path in (str(ROOT), str(Path.home()) + '/', '/tmp/'): assert path not in html, path
