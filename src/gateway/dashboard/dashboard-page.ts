/**
 * The live dashboard: one self-contained page (inline CSS and JS, no external request; the route
 * sends a CSP that forbids any). It polls `/dashboard/data` with the gateway key as a Bearer
 * header; the key comes from a login form or the URL fragment (`#key=...`, which browsers never
 * send to the server), is kept in sessionStorage, and is removed from the address bar at once.
 * Written without template literals so it can live in this TypeScript string.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FlexiAI dashboard</title>
<link rel="icon" href="data:,">
<style>
:root { --bg:#0f1420; --panel:#171e2e; --line:#26304a; --text:#e6e9f2; --dim:#8a93ab;
  --ok:#3ecf8e; --warn:#f5b942; --bad:#ff5d6c; --accent:#6ea8ff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; align-items:center; gap:12px; padding:14px 20px; border-bottom:1px solid var(--line); }
header h1 { font-size:17px; margin:0; font-weight:600; }
.pill { padding:2px 10px; border-radius:999px; font-size:12px; font-weight:600; background:var(--line); }
.pill.ok, .state.closed { background:rgba(62,207,142,.15); color:var(--ok); }
.pill.degraded, .state.half_open { background:rgba(245,185,66,.15); color:var(--warn); }
.pill.unavailable, .state.open { background:rgba(255,93,108,.15); color:var(--bad); }
#updated { margin-left:auto; color:var(--dim); font-size:12px; }
main { padding:16px 20px; display:grid; gap:16px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fill, minmax(190px, 1fr)); gap:10px; }
.tile { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.tile .k { color:var(--dim); font-size:12px; }
.tile .v { font-size:20px; white-space:nowrap; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; }
section h2 { margin:0 0 8px; font-size:13px; color:var(--dim); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
th { color:var(--dim); font-weight:500; font-size:12px; }
.state { padding:2px 8px; border-radius:4px; font-weight:600; font-size:12px; }
svg { width:100%; height:220px; display:block; }
.legend { color:var(--dim); font-size:12px; display:flex; gap:14px; margin-top:6px; flex-wrap:wrap; }
.sw { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
#events { max-height:160px; overflow:auto; font-size:12px; color:var(--dim); margin:8px 0 0; padding-left:18px; }
#login { max-width:360px; margin:60px auto; background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:20px; }
#login input { width:100%; padding:8px; margin:8px 0; background:var(--bg); border:1px solid var(--line); color:var(--text); border-radius:6px; }
#login button { padding:8px 14px; background:var(--accent); border:0; border-radius:6px; color:#0b1020; font-weight:600; cursor:pointer; }
#error { color:var(--bad); font-size:12px; }
.hidden { display:none !important; }
</style>
</head>
<body>
<header>
  <h1>FlexiAI gateway</h1><span id="status" class="pill">connecting</span>
  <span id="sync" class="pill">sync</span><span id="updated"></span>
</header>
<form id="login" class="hidden">
  <strong>Gateway key</strong>
  <div style="color:var(--dim);font-size:12px">This gateway needs its key (sent as a header, kept in this tab only).</div>
  <input id="key" type="password" autocomplete="current-password" placeholder="Gateway key">
  <button type="submit">Open dashboard</button> <span id="error"></span>
</form>
<main id="main" class="hidden">
  <div class="tiles">
    <div class="tile"><div class="k">Requests / s</div><div class="v" id="t-rate">–</div></div>
    <div class="tile"><div class="k">Error rate</div><div class="v" id="t-errors">–</div></div>
    <div class="tile"><div class="k">Failover rate</div><div class="v" id="t-failover">–</div></div>
    <div class="tile"><div class="k">Latency p50 / p99</div><div class="v" id="t-latency">–</div></div>
    <div class="tile"><div class="k">TTFT p50 / p99</div><div class="v" id="t-ttft">–</div></div>
    <div class="tile"><div class="k">Tokens in / out</div><div class="v" id="t-tokens">–</div></div>
    <div class="tile"><div class="k">Cost</div><div class="v" id="t-cost">–</div></div>
    <div class="tile"><div class="k">Cache hit rate</div><div class="v" id="t-cache">–</div></div>
  </div>
  <section>
    <h2>Providers</h2>
    <table><thead><tr><th>Provider</th><th>Model</th><th>Circuit</th><th>Calls / s</th><th>Errors</th>
      <th>p50</th><th>p99</th><th>Calls</th><th>Tokens</th><th>Cost</th><th>Cooldown</th></tr></thead>
      <tbody id="providers"></tbody></table>
  </section>
  <section>
    <h2>Timeline (up to 5 minutes)</h2>
    <svg id="timeline" viewBox="0 0 1000 220" preserveAspectRatio="none" role="img" aria-label="Request rate, errors and circuit transitions"></svg>
    <div class="legend">
      <span><span class="sw" style="background:var(--accent)"></span>requests / s</span>
      <span><span class="sw" style="background:var(--bad)"></span>error rate</span>
      <span><span class="sw" style="background:var(--bad);width:3px"></span>circuit opened</span>
      <span><span class="sw" style="background:var(--warn);width:3px"></span>half-open</span>
      <span><span class="sw" style="background:var(--ok);width:3px"></span>closed</span>
    </div>
    <ol id="events"></ol>
  </section>
</main>
<script>
(function () {
  'use strict';
  var STORE = 'flexiai.gatewayKey';
  var POLL_MS = 500;
  var WINDOW_MS = 5 * 60 * 1000;
  var key = null;
  var $ = function (id) { return document.getElementById(id); };
  var timer = null;
  function keyFromFragment() {
    var frag = /(?:^#|&)key=([^&]+)/.exec(location.hash);
    if (!frag) return false;
    key = decodeURIComponent(frag[1]);
    try { sessionStorage.setItem(STORE, key); } catch (e) {}
    history.replaceState(null, '', location.pathname + location.search);
    return true;
  }
  if (!keyFromFragment()) {
    try { key = sessionStorage.getItem(STORE); } catch (e) {}
  }
  window.addEventListener('hashchange', function () {
    if (keyFromFragment()) { $('error').textContent = ''; poll(); }
  });

  $('login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    key = $('key').value;
    try { sessionStorage.setItem(STORE, key); } catch (e) {}
    $('error').textContent = '';
    poll();
  });

  function pct(x) { return (x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0) + '%'; }
  function ms(x) { return x === null || x === undefined ? '–' : x < 1000 ? Math.round(x) + ' ms' : (x / 1000).toFixed(2) + ' s'; }
  function num(x) { return x >= 1e6 ? (x / 1e6).toFixed(1) + 'M' : x >= 1e4 ? (x / 1e3).toFixed(1) + 'k' : String(Math.round(x)); }
  function usd(x) { return '$' + (x < 1 ? x.toFixed(4) : x.toFixed(2)); }
  function el(tag, attrs, text) {
    var node = document.createElementNS(tag === 'svg' || attrs.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
    Object.keys(attrs).forEach(function (k) { if (k !== 'svg') node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function until(t, now) { return t && t > now ? ((t - now) / 1000).toFixed(1) + ' s' : '–'; }
  function color(state) { return state === 'open' ? 'var(--bad)' : state === 'half_open' ? 'var(--warn)' : 'var(--ok)'; }

  function render(d) {
    var now = d.at;
    var w = d.window;
    $('t-rate').textContent = w.requestRate.toFixed(w.requestRate < 10 ? 2 : 0);
    $('t-errors').textContent = pct(w.errorRate);
    $('t-failover').textContent = pct(w.failoverRate);
    $('t-latency').textContent = ms(w.latencyP50Ms) + ' / ' + ms(w.latencyP99Ms);
    $('t-ttft').textContent = ms(w.ttftP50Ms) + ' / ' + ms(w.ttftP99Ms);
    $('t-tokens').textContent = num(d.totals.tokensIn) + ' / ' + num(d.totals.tokensOut);
    $('t-cost').textContent = usd(d.totals.costUsd);
    $('t-cache').textContent = w.cacheHitRate === null ? '–' : pct(w.cacheHitRate);
    var healthy = d.providers.filter(function (p) { return p.healthy; }).length;
    var status = healthy === 0 ? 'unavailable' : healthy < d.providers.length ? 'degraded' : 'ok';
    $('status').textContent = status;
    $('status').className = 'pill ' + status;
    $('sync').textContent = 'sync: ' + d.sync.backend + ' (' + d.sync.health + ')';
    $('sync').className = 'pill ' + (d.sync.health === 'degraded' ? 'degraded' : 'ok');
    $('updated').textContent = 'updated ' + new Date(now).toLocaleTimeString() + ' · window ' + Math.round(d.windowSeconds) + ' s';

    var body = $('providers');
    body.textContent = '';
    d.providers.forEach(function (p) {
      var tr = el('tr', { 'data-provider': p.name });
      tr.appendChild(el('td', {}, p.name));
      tr.appendChild(el('td', {}, p.model));
      var td = el('td', {});
      td.appendChild(el('span', { 'class': 'state ' + p.state, 'data-testid': 'state' }, p.state.replace('_', '-')));
      tr.appendChild(td);
      tr.appendChild(el('td', {}, p.callRate.toFixed(2)));
      tr.appendChild(el('td', {}, pct(p.errorRate)));
      tr.appendChild(el('td', {}, ms(p.latencyP50Ms)));
      tr.appendChild(el('td', {}, ms(p.latencyP99Ms)));
      tr.appendChild(el('td', {}, num(p.calls)));
      tr.appendChild(el('td', {}, num(p.tokensIn) + ' / ' + num(p.tokensOut)));
      tr.appendChild(el('td', {}, usd(p.costUsd)));
      tr.appendChild(el('td', {}, until(p.cooldownUntil, now)));
      body.appendChild(tr);
    });

    var svg = $('timeline');
    svg.textContent = '';
    var W = 1000, H = 200, top = 10;
    // At most 5 minutes; at least one, so a fresh gateway's first seconds are readable.
    var first = d.series.length ? d.series[0].at : now;
    var from = Math.max(now - WINDOW_MS, Math.min(now - 60 * 1000, first));
    var span = now - from;
    var x = function (t) { return Math.max(0, ((t - from) / span) * W); };
    var series = d.series.filter(function (s) { return s.at >= from; });
    var maxRate = Math.max(1, Math.max.apply(null, series.map(function (s) { return s.requestRate; }).concat([0])));
    [0.25, 0.5, 0.75].forEach(function (f) {
      svg.appendChild(el('line', { svg: 1, x1: 0, x2: W, y1: top + H * f, y2: top + H * f, stroke: '#26304a', 'stroke-width': 1 }));
    });
    function path(values, stroke) {
      if (values.length < 2) return;
      var pts = values.map(function (v) { return x(v[0]).toFixed(1) + ',' + (top + H - v[1] * H).toFixed(1); });
      svg.appendChild(el('polyline', { svg: 1, points: pts.join(' '), fill: 'none', stroke: stroke, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' }));
    }
    path(series.map(function (s) { return [s.at, s.requestRate / maxRate]; }), '#6ea8ff');
    path(series.map(function (s) { return [s.at, s.errorRate]; }), '#ff5d6c');
    var events = d.circuitHistory.filter(function (e) { return e.at >= from; });
    events.forEach(function (e) {
      var xx = x(e.at);
      var g = el('g', { svg: 1, 'class': 'transition', 'data-provider': e.provider, 'data-to': e.to });
      g.appendChild(el('line', { svg: 1, x1: xx, x2: xx, y1: top, y2: top + H, stroke: color(e.to), 'stroke-width': 2, 'stroke-dasharray': e.to === 'open' ? '' : '4 3', 'vector-effect': 'non-scaling-stroke' }));
      g.appendChild(el('title', { svg: 1 }, e.provider + ': ' + e.from + ' → ' + e.to + ' (' + e.reason + ')'));
      svg.appendChild(g);
      if (e.to === 'open') svg.appendChild(el('text', { svg: 1, x: Math.min(W - 90, xx + 4), y: top + 12, fill: '#ff5d6c', 'font-size': 12 }, e.provider + ' open'));
    });
    var list = $('events');
    list.textContent = '';
    d.circuitHistory.slice(-20).reverse().forEach(function (e) {
      var li = el('li', {}, new Date(e.at).toLocaleTimeString() + '  ' + e.provider + ': ' + e.from + ' → ' + e.to + ' (' + e.reason + ')');
      li.style.color = color(e.to);
      list.appendChild(li);
    });
  }

  function poll() {
    clearTimeout(timer);
    var headers = { accept: 'application/json' };
    if (key) headers.authorization = 'Bearer ' + key;
    fetch('/dashboard/data', { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        $('main').classList.add('hidden');
        $('login').classList.remove('hidden');
        if (key) $('error').textContent = 'That key was not accepted.';
        try { sessionStorage.removeItem(STORE); } catch (e) {}
        key = null;
        return null;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (data) {
      if (!data) return;
      $('login').classList.add('hidden');
      $('main').classList.remove('hidden');
      render(data);
      timer = setTimeout(poll, POLL_MS);
    }, function () {
      $('status').textContent = 'unreachable';
      $('status').className = 'pill unavailable';
      timer = setTimeout(poll, POLL_MS * 4);
    });
  }
  poll();
})();
</script>
</body>
</html>
`;
