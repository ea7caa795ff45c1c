// Sandbox Broker pool dashboard. Plain browser JavaScript, no build step and no CDN: the service
// serves this file from its jar and the page must work on a machine without internet access.
// Every number comes from the admin API, called with the admin token the operator typed in, so
// the dashboard never needs its own copy of the table's schema (the earlier broker's did).
(function () {
  'use strict';

  // Session storage, not local storage: the token leaves with the tab instead of lingering on disk.
  const TOKEN_KEY = 'sandboxBroker.adminToken';
  // The page lives at <base>/admin/dashboard; the base path is configurable, so derive it.
  const API = location.pathname.replace(/\/admin\/dashboard\/?$/, '');
  const STATUSES = ['available', 'allocated', 'pending_deletion', 'deletion_failed', 'stale'];
  const STATUS_LABEL = {
    available: 'Available', allocated: 'Allocated', pending_deletion: 'Pending deletion',
    deletion_failed: 'Deletion failed', stale: 'Stale',
  };
  // Bounds on what one refresh reads: 40 pages of 500 is far above any pool we run, and keeps a
  // runaway cursor from looping forever.
  const PAGE_LIMIT = 500;
  const MAX_PAGES = 40;
  const DETAIL_LOOKUPS = 25;
  const REFRESH_MS = 30000;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, json) {
    const token = sessionStorage.getItem(TOKEN_KEY) || '';
    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(API + path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the broker (' + e.message + ')');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      const d = (body && body.detail) || {};
      throw new ApiError(res.status, d.code || 'HTTP_' + res.status, d.message || res.statusText || 'request failed');
    }
    return body;
  }

  // ---- element building (textContent only: sandbox names and errors are data, never markup) ----

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
  }

  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function append(el, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  function fill(id, ...children) {
    const el = $(id);
    el.replaceChildren();
    append(el, children);
    return el;
  }

  // ---- time ----

  const nowSec = () => Math.floor(Date.now() / 1000);

  function age(seconds) {
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }

  function when(epoch) {
    if (!epoch) return '—';
    return new Date(epoch * 1000).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' });
  }

  // Run tables are narrow: today's runs need only the time of day.
  function shortWhen(epoch) {
    if (!epoch) return '—';
    const d = new Date(epoch * 1000);
    return d.toDateString() === new Date().toDateString()
      ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
      : d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  // ---- sign-in ----

  function showLogin(message) {
    $('board').hidden = true;
    $('refresh').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    const err = $('login-error');
    err.hidden = !message;
    err.textContent = message || '';
    $('token').focus();
  }

  function tokenMessage(e) {
    if (e.status === 401) {
      return 'The broker did not accept this token (401 ' + e.code + ': ' + e.message + '). '
        + 'Paste one of the values of BROKER_ADMIN_TOKEN.';
    }
    if (e.status === 403) {
      return 'This token is valid but is not an admin token (403 ' + e.code + '). '
        + 'Track tokens cannot open the dashboard; use an admin token.';
    }
    return 'Could not sign in: ' + e.message;
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = $('token').value.trim();
    if (!token) {
      showLogin('Enter an admin token.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token').value = '';
    await refresh();
  });

  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    hideSecret();
    showLogin('Signed out.');
  });
  $('refresh').addEventListener('click', () => refresh());

  // ---- loading ----

  async function allSandboxes() {
    const all = [];
    let cursor = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const q = '?limit=' + PAGE_LIMIT + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      const body = await api('GET', '/admin/sandboxes' + q);
      all.push(...(body.sandboxes || []));
      cursor = body.cursor;
      if (!cursor) return { sandboxes: all, truncated: false };
    }
    return { sandboxes: all, truncated: true };
  }

  // The list carries the owner view; deletion timestamps and attempts are on the full record
  // (GET /admin/sandboxes/{id}), so look those up for the few rows that need them.
  async function details(rows) {
    const out = new Map();
    await Promise.all(rows.slice(0, DETAIL_LOOKUPS).map(async (r) => {
      try {
        out.set(r.sandbox_id, await api('GET', '/admin/sandboxes/' + encodeURIComponent(r.sandbox_id)));
      } catch (e) {
        out.set(r.sandbox_id, null);
      }
    }));
    return out;
  }

  let refreshing = false;

  async function refresh() {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      showLogin('');
      return;
    }
    if (refreshing) return;
    refreshing = true;
    try {
      let stats;
      try {
        stats = await api('GET', '/admin/stats');
      } catch (e) {
        if (e.status === 401 || e.status === 403) {
          sessionStorage.removeItem(TOKEN_KEY);
          showLogin(tokenMessage(e));
        } else {
          showBanner('Cannot load the pool counts: ' + e.message);
        }
        return;
      }
      $('login').hidden = true;
      $('board').hidden = false;
      $('refresh').hidden = false;
      $('sign-out').hidden = false;
      showBanner('');
      renderPool(stats);

      const [list, jobs, tokens, pools] = await Promise.allSettled(
        [allSandboxes(), api('GET', '/admin/jobs'), api('GET', '/admin/tokens'), api('GET', '/admin/pools')]);
      if (pools.status === 'fulfilled') renderPools(pools.value.pools || []);
      else fill('pool-list', h('p', { class: 'error', text: 'Cannot load the pools: ' + pools.reason.message }));
      if (list.status === 'fulfilled') {
        renderAllocations(list.value.sandboxes, list.value.truncated);
        renderLabs(list.value.sandboxes);
        await renderDeletions(list.value.sandboxes);
      } else {
        const msg = 'Cannot list sandboxes: ' + list.reason.message;
        [ 'alloc-chart', 'lab-chart', 'failed-list' ].forEach((id) => fill(id, h('p', { class: 'error', text: msg })));
        fill('oldest-pending');
      }
      if (jobs.status === 'fulfilled') renderJobs(jobs.value);
      else fill('job-list', h('p', { class: 'error', text: 'Cannot load jobs: ' + jobs.reason.message }));
      if (tokens.status === 'fulfilled') renderTokens(tokens.value);
      else fill('token-list', h('p', { class: 'error', text: 'Cannot load tokens: ' + tokens.reason.message }));
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
      document.body.dataset.loaded = 'true';
    } finally {
      refreshing = false;
    }
  }

  function showBanner(text) {
    $('banner').hidden = !text;
    $('banner').textContent = text;
  }

  function flash(text, isError) {
    const el = $('flash');
    el.textContent = text;
    el.className = isError ? 'flash error' : 'flash';
    el.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => { el.hidden = true; }, 8000);
  }

  // ---- pool ----

  function renderPool(stats) {
    const total = Number(stats.total) || 0;
    $('pool-total').textContent = total + ' sandboxes';
    // One stacked bar: a glance says how much of the pool is free, held, or stuck.
    const W = 1000;
    const H = 36;
    const bar = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'stack', role: 'img',
      'aria-label': STATUSES.map((st) => STATUS_LABEL[st] + ' ' + (stats[st] || 0)).join(', ') });
    let x = 0;
    for (const st of STATUSES) {
      const n = Number(stats[st]) || 0;
      if (!n || !total) continue;
      const w = (n / total) * W;
      bar.append(s('rect', { x: x, y: 0, width: Math.max(w, 2), height: H, class: 'st-' + st },
        s('title', { text: STATUS_LABEL[st] + ': ' + n })));
      x += w;
    }
    if (!total) bar.append(s('rect', { x: 0, y: 0, width: W, height: H, class: 'empty' }));
    fill('pool-bar', bar);

    const tiles = STATUSES.map((st) => {
      const n = Number(stats[st]) || 0;
      return h('div', { class: 'tile st-' + st + (st === 'deletion_failed' && n > 0 ? ' alert' : '') },
        h('dt', {}, h('span', { class: 'dot st-' + st }), STATUS_LABEL[st]),
        h('dd', { 'data-count-status': st, text: n }));
    });
    tiles.push(h('div', { class: 'tile' }, h('dt', { text: 'Total' }), h('dd', { 'data-count-status': 'total', text: total })));
    fill('pool-counts', tiles);
  }

  // ---- each pool (contract §9): its own bar and counts; below its low-water mark stands out ----

  function renderPools(pools) {
    const low = pools.filter((p) => Number(p.available) < Number(p.low_water));
    $('pools-summary').textContent = pools.length + (pools.length === 1 ? ' pool' : ' pools')
      + (low.length ? ', ' + low.length + ' below low water' : '');
    if (!pools.length) {
      fill('pool-list', h('p', { class: 'muted', text: 'No pools yet: sync adds sandboxes and their pools.' }));
      return;
    }
    // low pools first: they are what an operator opens the page for
    const ordered = low.concat(pools.filter((p) => !low.includes(p)));
    fill('pool-list', ordered.map((p) => poolRow(p, low.includes(p))));
  }

  function poolRow(p, isLow) {
    const total = Number(p.total) || 0;
    const W = 1000;
    const H = 14;
    const bar = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'stack thin', role: 'img',
      'aria-label': p.pool + ': ' + STATUSES.map((st) => STATUS_LABEL[st] + ' ' + (p[st] || 0)).join(', ') });
    let x = 0;
    for (const st of STATUSES) {
      const n = Number(p[st]) || 0;
      if (!n || !total) continue;
      const w = (n / total) * W;
      bar.append(s('rect', { x: x, y: 0, width: Math.max(w, 2), height: H, class: 'st-' + st },
        s('title', { text: STATUS_LABEL[st] + ': ' + n })));
      x += w;
    }
    if (!total) bar.append(s('rect', { x: 0, y: 0, width: W, height: H, class: 'empty' }));
    const counts = STATUSES.concat(['total']).map((st) =>
      h('span', { class: 'pool-count' },
        h('span', { class: 'muted', text: (STATUS_LABEL[st] || 'Total') + ' ' }),
        h('b', { 'data-pool-count': st, text: Number(p[st]) || 0 })));
    return h('div', { class: 'pool-row' + (isLow ? ' low' : ''), 'data-pool': p.pool, 'data-low': String(isLow) },
      h('div', { class: 'pool-head' },
        h('span', { class: 'pool-name', text: p.pool }),
        h('span', { class: 'muted', text: ' ' + p.prefix + '…' }),
        h('span', { class: 'muted', text: ' · low water ' + (Number(p.low_water) || 0) }),
        isLow ? h('span', { class: 'badge alert', text: 'Below low water' }) : null),
      bar,
      h('div', { class: 'pool-counts' }, counts));
  }

  // ---- allocations over time and per lab ----

  function renderAllocations(sandboxes, truncated) {
    const now = nowSec();
    const hourStart = now - (now % 3600);
    // 24 hourly buckets ending with the current (partial) hour
    const buckets = new Array(24).fill(0);
    for (const sb of sandboxes) {
      const t = Number(sb.allocated_at) || 0;
      if (!t || t <= now - 24 * 3600) continue;
      const idx = 23 - Math.floor((hourStart - (t - (t % 3600))) / 3600);
      if (idx >= 0 && idx < 24) buckets[idx]++;
    }
    const total = buckets.reduce((a, b) => a + b, 0);
    $('alloc-total').textContent = total + ' in 24 h' + (truncated ? ' (first ' + sandboxes.length + ' records)' : '');
    const W = 480;
    const H = 170;
    const pad = { l: 30, r: 6, t: 10, b: 24 };
    const max = Math.max(1, ...buckets);
    const bw = (W - pad.l - pad.r) / 24;
    const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'bars', role: 'img',
      'aria-label': total + ' allocations in the last 24 hours' });
    const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
    svg.append(s('line', { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: 'axis' }));
    svg.append(s('line', { x1: pad.l, x2: W - pad.r, y1: y(max), y2: y(max), class: 'grid' }));
    svg.append(s('text', { x: pad.l - 4, y: y(max) + 4, class: 'tick end', text: max }));
    svg.append(s('text', { x: pad.l - 4, y: y(0), class: 'tick end', text: 0 }));
    buckets.forEach((n, i) => {
      const from = hourStart - (23 - i) * 3600;
      const label = new Date(from * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      const x = pad.l + i * bw;
      svg.append(s('rect', { x: x + 1, y: y(n), width: Math.max(bw - 2, 1), height: y(0) - y(n), class: 'bar' },
        s('title', { text: label + ': ' + n + ' allocation' + (n === 1 ? '' : 's') })));
      if (i % 6 === 0 || i === 23) {
        svg.append(s('text', { x: x + bw / 2, y: H - 6, class: 'tick mid', text: i === 23 ? 'now' : label }));
      }
    });
    fill('alloc-chart', svg);
  }

  function renderLabs(sandboxes) {
    const since = nowSec() - 24 * 3600;
    const labs = new Map();
    for (const sb of sandboxes) {
      if (!sb.allocated_at) continue;
      const lab = sb.track_name || '(no lab)';
      const row = labs.get(lab) || { held: 0, day: 0 };
      if (sb.status === 'allocated') row.held++;
      if (sb.allocated_at > since) row.day++;
      labs.set(lab, row);
    }
    const rows = [...labs.entries()].filter(([, r]) => r.held || r.day)
      .sort((a, b) => (b[1].held + b[1].day) - (a[1].held + a[1].day));
    if (!rows.length) {
      fill('lab-chart', h('p', { class: 'muted', text: 'No allocations in the last 24 h.' }));
      return;
    }
    const max = Math.max(1, ...rows.map(([, r]) => Math.max(r.held, r.day)));
    fill('lab-chart',
      h('p', { class: 'legend' }, h('span', { class: 'key held' }), 'held now ', h('span', { class: 'key day' }), 'allocated in 24 h'),
      h('ul', { class: 'hbars' }, rows.map(([lab, r]) => h('li', { 'data-lab': lab },
        h('span', { class: 'hlabel', text: lab }),
        h('span', { class: 'hbar-pair' },
          h('span', { class: 'hbar held', style: 'width:' + (100 * r.held / max) + '%', title: r.held + ' held now' }),
          h('span', { class: 'hbar day', style: 'width:' + (100 * r.day / max) + '%', title: r.day + ' in 24 h' })),
        h('span', { class: 'hnum', text: r.held + ' / ' + r.day })))));
  }

  // ---- deletions ----

  async function renderDeletions(sandboxes) {
    const pending = sandboxes.filter((sb) => sb.status === 'pending_deletion');
    const failed = sandboxes.filter((sb) => sb.status === 'deletion_failed');
    // The list has no deletion time; the earliest allocations are the likeliest oldest requests,
    // so look those up (a bounded number, each list separately, so neither starves the other).
    const [pendingDetails, failedDetails] = await Promise.all([
      details(pending.filter((sb) => !sb.deletion_requested_at)
        .sort((a, b) => (a.allocated_at || 0) - (b.allocated_at || 0))),
      details(failed),
    ]);
    const lookups = new Map([...pendingDetails, ...failedDetails]);
    const requestedAt = (sb) => sb.deletion_requested_at || (lookups.get(sb.sandbox_id) || {}).deletion_requested_at || 0;

    const oldest = pending.map((sb) => ({ sb, at: requestedAt(sb) })).filter((p) => p.at)
      .sort((a, b) => a.at - b.at)[0];
    const el = fill('oldest-pending');
    if (!pending.length) {
      el.className = 'ok';
      el.append('Nothing waits for deletion.');
    } else if (!oldest) {
      el.className = '';
      el.append(pending.length + ' waiting for deletion.');
    } else {
      const waited = nowSec() - oldest.at;
      // an hour covers several cleanup runs; longer means cleanup is paused, failing or not running
      el.className = waited > 3600 ? 'warn' : '';
      el.append(pending.length + ' waiting for deletion; the oldest for ',
        h('strong', { id: 'oldest-age', 'data-sandbox-id': oldest.sb.sandbox_id, text: age(waited) }),
        ' (' + oldest.sb.sandbox_id + ' ' + oldest.sb.name + ', requested ' + when(oldest.at) + ').');
    }

    $('failed-count').textContent = failed.length ? '(' + failed.length + ')' : '';
    if (!failed.length) {
      fill('failed-list', h('p', { class: 'ok', text: 'None.' }));
      return;
    }
    fill('failed-list', h('div', { class: 'scroll' }, h('table', { class: 'rows', id: 'failed-table' },
      h('thead', {}, h('tr', {}, ['', 'Sandbox', 'Lab', 'Attempts', 'Last error'].map((t) => h('th', { text: t })))),
      h('tbody', {}, failed.map((sb) => {
        const d = lookups.get(sb.sandbox_id) || {};
        return h('tr', { 'data-sandbox-id': sb.sandbox_id },
          // the action first: on a narrow card the last column is the one that scrolls away
          h('td', {}, h('button', { type: 'button', 'data-action': 'retry', 'data-sandbox-id': sb.sandbox_id,
            text: 'Retry deletion', onclick: (ev) => retryDeletion(ev.currentTarget, sb.sandbox_id) })),
          h('td', { 'data-label': 'Sandbox' }, h('code', { text: sb.sandbox_id }), ' ', h('span', { class: 'muted', text: sb.name })),
          h('td', { 'data-label': 'Lab', text: sb.track_name || '—' }),
          h('td', { 'data-label': 'Attempts', text: d.deletion_attempts ?? '—' }),
          h('td', { 'data-label': 'Last error', class: 'err-text', text: d.last_error || '—' }));
      })))));
  }

  async function retryDeletion(button, id) {
    button.disabled = true;
    try {
      const body = await api('POST', '/admin/sandboxes/' + encodeURIComponent(id) + '/retry-deletion');
      flash('Sandbox ' + id + ' is ' + ((body && body.status) || 'pending_deletion') + ' again; cleanup will retry it.');
    } catch (e) {
      button.disabled = false;
      flash('Retry of ' + id + ' failed: ' + e.message, true);
      return;
    }
    await refresh();
  }

  // ---- jobs ----

  // GET /admin/jobs lists each job with its recent runs; accept a list or a map keyed by job.
  function jobsOf(body) {
    let list = Array.isArray(body) ? body : (body && body.jobs) || [];
    if (!Array.isArray(list)) list = Object.entries(list).map(([k, v]) => Object.assign({ job: k }, v));
    return list.map((j) => ({
      name: j.job || j.name,
      paused: Boolean(j.paused),
      running: Boolean(j.running),
      runner: j.runner || '',
      runs: j.runs || j.recent_runs || j.last_runs || [],
    }));
  }

  function consoleLink(arn) {
    // arn:aws:states:<region>:<account>:execution:<state machine>:<name>
    const region = String(arn).split(':')[3];
    if (!region) return null;
    return 'https://' + region + '.console.aws.amazon.com/states/home?region=' + region
      + '#/v2/executions/details/' + encodeURIComponent(arn);
  }

  function renderJobs(body) {
    const jobs = jobsOf(body);
    if (!jobs.length) {
      fill('job-list', h('p', { class: 'muted', text: 'No jobs reported.' }));
      return;
    }
    fill('job-list', jobs.map((job) => {
      const runs = job.runs.slice().sort((a, b) => (b.started_at || 0) - (a.started_at || 0));
      const last = runs[0];
      return h('article', { class: 'job' + (job.paused ? ' paused' : ''), 'data-job': job.name, 'data-paused': String(job.paused) },
        h('header', {},
          h('h3', { text: job.name }),
          h('span', { class: 'badge ' + (job.paused ? 'paused' : 'active'), 'data-role': 'state', text: job.paused ? 'paused' : (job.running ? 'running' : 'active') }),
          last ? h('span', { class: 'badge out-' + last.outcome, text: 'last: ' + last.outcome }) : null,
          job.runner ? h('span', { class: 'muted small', text: job.runner }) : null,
          h('button', { type: 'button', class: job.paused ? '' : 'quiet', 'data-action': job.paused ? 'resume' : 'pause',
            'data-job': job.name, text: job.paused ? 'Resume' : 'Pause',
            onclick: (ev) => setPaused(ev.currentTarget, job.name, !job.paused) })),
        runStrip(runs),
        runs.length ? runTable(runs.slice(0, 5)) : h('p', { class: 'muted', text: 'No runs recorded yet.' }));
    }));
  }

  // Newest run on the right, one square per run: a row of red squares is read at a glance.
  function runStrip(runs) {
    const shown = runs.slice(0, 30).reverse();
    if (!shown.length) return null;
    const size = 14;
    const svg = s('svg', { viewBox: '0 0 ' + (30 * (size + 3)) + ' ' + size, class: 'strip', role: 'img',
      'aria-label': 'outcomes of the last ' + shown.length + ' runs' });
    shown.forEach((r, i) => svg.append(s('rect', { x: i * (size + 3), y: 0, width: size, height: size, rx: 3,
      class: 'out-' + r.outcome }, s('title', { text: when(r.started_at) + ' ' + r.outcome }))));
    return svg;
  }

  function counts(c) {
    const entries = Object.entries(c || {});
    return entries.length ? entries.map(([k, v]) => k + ' ' + v).join(', ') : '—';
  }

  function runTable(runs) {
    return h('div', { class: 'scroll' }, h('table', { class: 'rows runs' },
      h('thead', {}, h('tr', {}, ['Started', 'Took', 'Outcome', 'Counts', 'Execution'].map((t) => h('th', { text: t })))),
      h('tbody', {}, runs.map((r) => {
        const link = r.execution_arn ? consoleLink(r.execution_arn) : null;
        const took = r.duration_ms !== undefined ? (r.duration_ms / 1000).toFixed(1) + ' s'
          : (r.ended_at && r.started_at ? (r.ended_at - r.started_at) + ' s' : '—');
        return h('tr', {},
          h('td', { 'data-label': 'Started', title: when(r.started_at), text: shortWhen(r.started_at) }),
          h('td', { 'data-label': 'Took', text: took }),
          h('td', { 'data-label': 'Outcome' }, h('span', { class: 'badge out-' + r.outcome, text: r.outcome }),
            r.error ? ' ' + r.error : '', r.detail ? h('span', { class: 'muted', text: ' ' + r.detail }) : null),
          h('td', { 'data-label': 'Counts', text: counts(r.counts) }),
          h('td', { 'data-label': 'Execution' }, link
            ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer', text: 'execution ↗', title: r.execution_arn })
            : h('span', { class: 'muted', text: 'in-process' })));
      }))));
  }

  async function setPaused(button, job, pause) {
    button.disabled = true;
    try {
      await api('POST', '/admin/jobs/' + encodeURIComponent(job) + '/' + (pause ? 'pause' : 'resume'));
      flash(pause ? 'Paused ' + job + ': its runs now end at once as skipped; other jobs keep running.'
        : 'Resumed ' + job + '.');
    } catch (e) {
      button.disabled = false;
      flash((pause ? 'Pausing ' : 'Resuming ') + job + ' failed: ' + e.message, true);
      return;
    }
    await refresh();
  }

  // ---- lifecycle events (local mode's feed, GET /admin/events) ----

  // Newest first on the page; the feed pages oldest first from the last id seen. Deployed, the
  // events go to the EventBridge bus instead and the API says so (404 EVENT_FEED_NOT_LOCAL).
  const EVENTS_MS = 2000;
  const EVENTS_SHOWN = 200;
  const events = [];
  let eventsAfter = '';
  let eventsOff = false;
  let polling = false;

  function eventSubject(e) {
    if (e.type && e.type.startsWith('job.')) return (e.job || '') + ' ' + (e.outcome || '');
    if (e.type && e.type.startsWith('pool.')) return (e.pool || '') + ' available ' + (e.available || '?') + ' / low-water ' + (e.low_water || '?');
    return (e.name || '') + ' (' + (e.sandbox_id || '') + ')' + (e.identity ? ' · ' + e.identity : '');
  }

  function renderEvents() {
    const rows = events.slice(-EVENTS_SHOWN).reverse().map((e) =>
      h('tr', { 'data-event-type': e.type, 'data-event-id': e.id, 'data-sandbox-id': e.sandbox_id || '' },
        h('td', { text: shortWhen(Number(e.time)) }),
        h('td', {}, h('code', { text: e.type })),
        h('td', { text: eventSubject(e) }),
        h('td', { text: e.previous_status && e.status !== e.previous_status ? e.previous_status + ' → ' + e.status : (e.status || '') }),
        h('td', { text: e.expires_at ? 'expires ' + when(Number(e.expires_at)) : '' })));
    fill('event-feed', rows.length
      ? h('table', { class: 'rows runs' },
        h('thead', {}, h('tr', {}, ['Time', 'Event', 'Subject', 'Status', 'Lease'].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows))
      : h('p', { class: 'muted', text: 'No events yet.' }));
    $('events-state').textContent = events.length + ' event(s), live';
  }

  async function pollEvents() {
    if (eventsOff || polling || !sessionStorage.getItem(TOKEN_KEY) || $('board').hidden) return;
    polling = true;
    try {
      for (let pages = 0; pages < 10; pages++) {
        const body = await api('GET', '/admin/events?limit=500' + (eventsAfter ? '&after=' + encodeURIComponent(eventsAfter) : ''));
        if (!body.events.length) break;
        events.push(...body.events);
        eventsAfter = body.next;
        if (events.length > EVENTS_SHOWN * 2) events.splice(0, events.length - EVENTS_SHOWN);
      }
      renderEvents();
    } catch (e) {
      if (e.code === 'EVENT_FEED_NOT_LOCAL') {
        eventsOff = true;
        $('events-state').textContent = '';
        fill('event-feed', h('p', { class: 'muted', text: 'This deployment puts lifecycle events on its EventBridge bus (see the README, "Lifecycle events"); the service keeps no feed.' }));
      } else {
        $('events-state').textContent = 'feed unavailable: ' + e.message;
      }
    } finally {
      polling = false;
    }
  }

  // ---- track tokens ----

  function renderTokens(body) {
    const tokens = (body && body.tokens) || [];
    const live = tokens.filter((t) => !t.revoked_at && !(t.expires_at && t.expires_at <= nowSec()));
    $('token-count').textContent = '(' + live.length + ' live, ' + tokens.length + ' issued)';
    if (!tokens.length) {
      fill('token-list', h('p', { class: 'muted', text: 'No tokens issued at run time yet.' }));
      return;
    }
    const rows = tokens.slice().reverse(); // newest first
    fill('token-list', h('div', { class: 'scroll' }, h('table', { class: 'rows', id: 'token-table' },
      h('thead', {}, h('tr', {}, ['', 'Token', 'Tenant', 'Prefixes', 'Lab', 'Policy', 'Issued', 'Last used', 'State']
        .map((t) => h('th', { text: t })))),
      h('tbody', {}, rows.map((t) => {
        const revoked = Boolean(t.revoked_at);
        const expired = !revoked && t.expires_at && t.expires_at <= nowSec();
        const policy = [t.lease_hours ? 'lease ' + t.lease_hours + ' h' : null,
          t.max_lease_hours ? 'max ' + t.max_lease_hours + ' h' : null,
          t.identity_cap ? 'cap ' + t.identity_cap : null].filter(Boolean).join(', ') || 'defaults';
        return h('tr', { 'data-token-id': t.token_id, 'data-revoked': String(revoked) },
          h('td', {}, revoked ? null : h('button', { type: 'button', class: 'quiet', 'data-action': 'revoke',
            'data-token-id': t.token_id, text: 'Revoke', onclick: (ev) => revokeToken(ev.currentTarget, t) })),
          h('td', { 'data-label': 'Token' }, h('code', { text: t.token_id }), ' ', h('span', { class: 'muted', text: t.name })),
          h('td', { 'data-label': 'Tenant', text: t.tenant }),
          h('td', { 'data-label': 'Prefixes', text: (t.allowed_prefixes || []).join(', ') || 'any' }),
          h('td', { 'data-label': 'Lab', text: t.lab || '—' }),
          h('td', { 'data-label': 'Policy', text: policy }),
          h('td', { 'data-label': 'Issued', title: when(t.created_at), text: shortWhen(t.created_at) + ' by ' + t.created_by }),
          h('td', { 'data-label': 'Last used', text: t.last_used_at ? shortWhen(t.last_used_at) : 'never' }),
          h('td', { 'data-label': 'State' }, h('span', {
            class: 'badge ' + (revoked || expired ? 'paused' : 'active'), 'data-role': 'token-state',
            text: revoked ? 'revoked by ' + t.revoked_by : expired ? 'expired' : 'live' })));
      })))));
  }

  // The secret lives in this box only: never in storage, never re-rendered by a refresh.
  function showSecret(issued) {
    $('token-secret-value').textContent = issued.token;
    $('token-secret-id').textContent = issued.token_id + ' · tenant ' + issued.tenant;
    $('token-secret').hidden = false;
  }

  function hideSecret() {
    $('token-secret-value').textContent = '';
    $('token-secret-id').textContent = '';
    $('token-secret').hidden = true;
  }

  $('token-secret-done').addEventListener('click', hideSecret);

  $('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    const value = (name) => form.elements[name].value.trim();
    const spec = { tenant: value('tenant') };
    if (value('name')) spec.name = value('name');
    const prefixes = value('allowed_prefixes').split(',').map((p) => p.trim()).filter(Boolean);
    if (prefixes.length) spec.allowed_prefixes = prefixes;
    if (value('lab')) spec.lab = value('lab');
    // numbers go as numbers; the API names any field it refuses
    for (const f of ['lease_hours', 'identity_cap']) {
      if (value(f)) spec[f] = Number(value(f));
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const issued = await api('POST', '/admin/tokens', spec);
      form.reset();
      showSecret(issued);
      flash('Issued ' + issued.token_id + ' for tenant ' + issued.tenant + '.');
    } catch (e) {
      flash('Could not issue the token: ' + e.message + ' (' + e.code + ')', true);
      return;
    } finally {
      button.disabled = false;
    }
    await refresh();
  });

  async function revokeToken(button, t) {
    button.disabled = true;
    try {
      await api('DELETE', '/admin/tokens/' + encodeURIComponent(t.token_id));
      flash('Revoked ' + t.token_id + ' (' + t.tenant + '); every task refuses it within 60 s.');
    } catch (e) {
      button.disabled = false;
      flash('Revoking ' + t.token_id + ' failed: ' + e.message, true);
      return;
    }
    await refresh();
  }

  // ---- start ----

  setInterval(() => {
    if (!document.hidden) pollEvents();
  }, EVENTS_MS);
  refresh();
  setInterval(() => {
    if (!document.hidden && !$('board').hidden) refresh();
  }, REFRESH_MS);
})();
