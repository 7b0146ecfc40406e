"""The docs site as a reader sees it: the whole site built (notebooks run, or taken from the cache in _proc/executed/
that `make nbtest`, part of `make test`, and `make docs` fill), every page opened in headless Chromium (Debian's
`chromium`; installed here with apt as root when missing), from disk (`file://`) and served by a web server under a
sub-path. On every page every image must decode, every internal link must be relative and lead to a file of the site
and an anchor on it, every external link must be a well-formed URL, and no script may fail or resource be missing."""
import http.server, json, os, re, shutil, subprocess, sys, threading, time, urllib.request
from functools import partial
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the docs builder is `tools.docs`, a development tool beside the package
BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
# One worker runs these tests (their xdist group) and builds the site once for all of them: the fixtures are per session,
# because that worker runs other modules' tests in between, and a module fixture would be built again after each
pytestmark = pytest.mark.xdist_group('docs_site')


def find_chromium():
    "Chromium on PATH; as root with apt-get (a fresh Debian machine), install Debian's `chromium` first."
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found or not (shutil.which('apt-get') and os.geteuid() == 0): return found
    subprocess.run(['apt-get', 'update', '-qq'], capture_output=True)
    subprocess.run(['apt-get', 'install', '-y', '-qq', 'chromium'], capture_output=True, env={**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'})
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


class Browser:
    "Headless Chromium driven over the DevTools protocol (`websocket-client`, which Jupyter installs)."
    def __init__(self, exe, profile:Path):
        import websocket
        self.proc = subprocess.Popen([exe, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--remote-debugging-port=0',
                                      f'--user-data-dir={profile}', '--window-size=1400,1000', 'about:blank'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / 'DevToolsActivePort'
        for _ in range(600):
            if port_file.exists() and port_file.read_text().strip(): break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json'))
        self.ws = websocket.create_connection(next(t for t in targets if t['type'] == 'page')['webSocketDebuggerUrl'], timeout=120)
        self.n, self.events = 0, []
        for m in ('Page.enable', 'Runtime.enable', 'Log.enable'): self.call(m)

    def call(self, method, **params):
        self.n += 1; self.ws.send(json.dumps(dict(id=self.n, method=method, params=params)))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self.n:
                if 'error' in msg: raise RuntimeError(f'{method}: {msg["error"]}')
                return msg.get('result', {})
            self.events.append(msg)

    def goto(self, url:str):
        "Open `url` and wait for its load event; returns the script errors and failed loads it caused."
        self.events = []
        self.call('Page.navigate', url=url)
        while not any(e.get('method') == 'Page.loadEventFired' for e in self.events):
            self.events.append(json.loads(self.ws.recv()))
        return self.problems

    @property
    def problems(self) -> list:
        out = [e['params']['exceptionDetails'].get('exception', {}).get('description') or e['params']['exceptionDetails']['text']
               for e in self.events if e.get('method') == 'Runtime.exceptionThrown']
        return out + [e['params']['entry']['text'] + ' ' + e['params']['entry'].get('url', '')
                      for e in self.events if e.get('method') == 'Log.entryAdded' and e['params']['entry']['level'] == 'error']

    def eval(self, js:str):
        res = self.call('Runtime.evaluate', expression=js, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in res: raise RuntimeError(res['exceptionDetails'])
        return res['result'].get('value')

    def close(self):
        self.ws.close(); self.proc.terminate(); self.proc.wait(30)


# what a page holds once its scripts ran: every image decoded (or not), every link as written and as resolved, every id
SURVEY = """(async () => {
  if (window.MathJax && MathJax.Hub) await new Promise(r => MathJax.Hub.Queue(r));
  const imgs = await Promise.all([...document.images].map(async i => {
    try { await i.decode(); } catch (e) {}
    return {src: i.getAttribute('src').slice(0, 80), ok: i.complete && i.naturalWidth > 0};
  }));
  return {imgs, links: [...document.querySelectorAll('a[href]')].map(a => ({raw: a.getAttribute('href'), href: a.href})),
          ids: [...document.querySelectorAll('[id]')].map(e => e.id), html: document.documentElement.outerHTML};
})()"""


@pytest.fixture(scope='session')
def chromium():
    exe = find_chromium()
    if exe is None: pytest.skip("no Chromium on PATH and apt-get cannot install one here (not root, or no apt): "
                                "install Debian's `chromium` (`make chromium` as root) to run the browser checks")
    pytest.importorskip('websocket', reason='the browser checks drive Chromium with websocket-client (installed with jupyter)')
    return exe


@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "The whole site, built into a temporary folder from the executed notebooks `make nbtest` (or `make docs`) left in the cache, running those it lacks."
    from tools.docs import build_docs
    out = tmp_path_factory.mktemp('serve') / 'any' / 'sub' / 'path'
    build_docs(ROOT, dest=str(out))
    return out


@pytest.fixture(scope='session')
def browser(chromium, tmp_path_factory):
    b = Browser(chromium, tmp_path_factory.mktemp('profile'))
    yield b
    b.close()


@pytest.fixture(scope='session')
def server(site):
    "The site served over HTTP from its folder's grandparent: pages live under /sub/path/, not at the root."
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site.parent.parent))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}/sub/path/'
    srv.shutdown()


def pages_of(site:Path) -> list[str]: return sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))


def survey(browser, site:Path, base:str) -> dict:
    "Each page's survey, opened from `base` (a `file://` or `http://` URL of the site folder)."
    out = {}
    for page in pages_of(site):
        problems = browser.goto(base + page)
        out[page] = {**browser.eval(SURVEY), 'problems': problems + browser.problems}
    return out


def check_site(site:Path, base:str, found:dict):
    "Every image decodes, every internal link is relative and resolves to a file and an anchor, external links are well formed."
    bad = []
    for page, s in found.items():
        # MathJax 2's HTML-CSS output measures fonts against a `MathJax_Blank` face whose source is about:blank, a load
        # that Chromium refuses and logs; nothing is missing
        bad += [f'{page}: {p}' for p in s['problems'] if 'about:blank' not in p]
        bad += [f'{page}: image {i["src"]!r} does not decode' for i in s['imgs'] if not i['ok']]
        for l in s['links']:
            raw, href = l['raw'], l['href']
            if re.match(r'[a-z]+:', raw):
                if not re.fullmatch(r'(https?://[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?|mailto:\S+@\S+)', raw): bad.append(f'{page}: malformed URL {raw!r}')
                continue
            if raw.startswith('/'): bad.append(f'{page}: {raw!r} is not relative'); href = base + raw.lstrip('/')  # its anchor still checked
            if not href.startswith(base): bad.append(f'{page}: {raw!r} leaves the site ({href})'); continue
            u = urlsplit(href[len(base):])
            target = unquote(u.path)
            if not (site / target).is_file(): bad.append(f'{page}: {raw!r} -> {target!r} does not exist'); continue
            if u.fragment and target in found and unquote(u.fragment) not in found[target]['ids']:
                bad.append(f'{page}: {raw!r}: no anchor #{u.fragment} on {target}')
    assert not bad, f'{len(bad)} problems, first ones:\n' + '\n'.join(bad[:40])


@pytest.fixture(scope='session')
def from_disk(site, browser): return survey(browser, site, site.as_uri() + '/')


def test_site_from_disk(site, from_disk):
    assert len(from_disk) >= 20 and 'index.html' in from_disk and any(p.startswith('experiments/') for p in from_disk)
    assert sum(len(s['imgs']) for s in from_disk.values()) >= 10, "the site has (almost) no figures"
    assert sum(len(s['links']) for s in from_disk.values()) >= 300
    check_site(site, site.as_uri() + '/', from_disk)


def test_site_served(site, browser, server):
    check_site(site, server, survey(browser, site, server))


def search_results(browser, url:str) -> str:
    "The search box's results once they show (the index and MiniSearch load on first use)."
    browser.goto(url)
    return browser.eval("""new Promise(r => { const t0 = Date.now(), box = document.getElementById('search-results');
      (function poll() { if (!box.hidden || Date.now() - t0 > 15000) r(box.innerHTML); else setTimeout(poll, 100); })(); })""")


def test_index_page(site, browser, from_disk):
    html = from_disk['index.html']['html']
    side = re.search(r'<nav id="sidebar".*?</nav>', html, re.S).group(0)
    for page in ('index.html', 'activations.html', 'models.html'): assert f'href="{page}"' in side, page
    assert re.search(r'href="experiments/\w+\.html"', side), "experiment pages missing from the sidebar"
    groups = re.findall(r'<li class="sidebar-section"><span>([^<]+)</span>', side)
    assert groups == ['Activations', 'Models and training', 'Running grids', 'Reports', 'Experiments', 'Internals'], groups
    assert '<h1 class="title">activ_bench</h1>' in html
    second = re.findall(r'<li><a href="([^"]+)"', side)[1]
    assert f'class="nav-next" href="{second}"' in html, "the next page is not the sidebar's second"
    # no math here: no MathJax; the search index and MiniSearch are not loaded until the search box is used
    assert 'MathJax' not in (site / 'index.html').read_text()
    browser.goto((site / 'index.html').as_uri())
    assert browser.eval("[typeof window.SEARCH_INDEX, typeof window.MiniSearch]") == ['undefined', 'undefined']
    # the search box, filled from ?q=, lists the API entry, also when the name is mistyped
    for q in ('GeneralRelu', 'GeneralRleu'):
        results = search_results(browser, (site / 'index.html').as_uri() + f'?q={q}')
        assert 'activations.html#generalrelu' in results, (q, results[:500])
    # on a phone the sidebar is folded away behind its button
    browser.call('Emulation.setDeviceMetricsOverride', width=390, height=800, deviceScaleFactor=1, mobile=True)
    try:
        browser.goto((site / 'activations.html').as_uri())
        shown = "getComputedStyle(document.getElementById('sidebar')).display !== 'none'"
        assert browser.eval(shown) is False
        browser.eval("document.getElementById('sidebar-toggle').click()")
        assert browser.eval(shown) is True
    finally: browser.call('Emulation.clearDeviceMetricsOverride')


def test_activations_page(site, from_disk):
    html, dom = (site / 'activations.html').read_text(), from_disk['activations.html']['html']
    assert 'class="active" aria-current="page">Activations</a>' in dom
    assert re.search(r'class="nav-prev" href="\w+\.html"', dom) and re.search(r'class="nav-next" href="\w+\.html"', dom)
    # API reference: show_doc boxes with a signature and a docments table (GeneralRelu's, for one)
    assert re.search(r'<div class="show-doc">.*?<h3 id="generalrelu"', dom, re.S), "no GeneralRelu card"
    box = re.search(r'<h3 id="generalrelu".*?</table>', dom, re.S).group(0)
    text = re.sub(r'<[^>]+>', '', box)
    assert re.search(r'GeneralRelu \(leak:float', text) and 'Details' in text and 'Default' in text, text[:800]
    # figures (plot_acts), drawn rather than `<Figure size ...>`
    assert from_disk['activations.html']['imgs'] and '&lt;Figure size' not in html
    # each card links to its source; "On this page" names each heading once; code has copy buttons
    assert re.search(r'<a class="source-link" href="https://github.com/activ-bench/activ_bench/blob/main/activ_bench/activations.py#L\d+">', box_html(dom, 'generalrelu'))
    toc = re.findall(r'<li class="toc-h\d"><a href="#[^"]+"[^>]*>([^<]+)</a>', re.search(r'<nav id="toc".*?</nav>', dom, re.S).group(0))
    assert toc and len(toc) == len(set(toc)), [t for t in toc if toc.count(t) > 1]
    assert dom.count('class="copy-button"') >= 5
    # formulas typeset by the bundled MathJax, none left as raw TeX
    assert dom.count('class="MathJax"') >= 3 and 'Math Processing Error' not in dom
    assert 'site_libs/mathjax/MathJax.js' in html and not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), "a CDN"
    # no warnings, no machine paths
    assert 'output_stderr' not in html and 'Warning:' not in html
    for path in (str(ROOT), str(Path.home()) + '/', '/tmp/'): assert path not in html, path


def box_html(dom:str, anchor:str) -> str: return re.search(rf'<div class="show-doc">(?:(?!<div class="show-doc">).)*?id="{anchor}".*?</table>', dom, re.S).group(0)


def test_signatures(from_disk):
    "A default that is a class shows as its name (`typ=str`), not its repr in a syntax-error box."
    text = unescape(re.sub(r'<[^>]+>', '', box_html(from_disk['cli.html']['html'], 'split_arg')))
    assert 'typ=str' in text and '<class' not in text and 'class="err"' not in box_html(from_disk['cli.html']['html'], 'split_arg'), text[:500]


def test_builder_outside_the_package():
    "The site builder is a development tool (`tools.docs`): the installed package has no docs module and does not import it."
    code = ("import pathlib, sys, activ_bench, activ_bench.data; "
            "print(not (pathlib.Path(activ_bench.__file__).parent / 'docs.py').exists(), 'tools.docs' in sys.modules, callable(activ_bench.data.project_root))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.stdout.split() == ['True', 'False', 'True'], out.stdout + out.stderr[-2000:]
