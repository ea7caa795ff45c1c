// Drives the dashboard in Debian's headless Chromium with playwright-core and checks what an
// operator sees against the admin API. Started by DashboardBrowserIT, which runs the broker on
// DynamoDB Local, seeds the pool and passes everything in the environment:
//   BROKER_URL      http://127.0.0.1:<port>/v1
//   ADMIN_TOKEN     an admin token; TRACK_TOKEN a track token
//   FAILED_ID       a deletion_failed sandbox the page should offer to retry
//   ARTIFACT_DIR    where screenshots go (target/…)
//   CHECKS          comma-separated subset of: login,track,board,counts,pools,retry,pause,tokens (default: all)
// Prints one JSON line per check and exits non-zero on the first failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error('missing environment variable ' + name);
  return v;
};
const BASE = env('BROKER_URL');
const ADMIN = env('ADMIN_TOKEN');
const TRACK = env('TRACK_TOKEN');
const FAILED_ID = env('FAILED_ID');
const ARTIFACTS = env('ARTIFACT_DIR');
const CHECKS = new Set((process.env.CHECKS || 'login,track,board,counts,pools,retry,pause,tokens').split(',').map((c) => c.trim()));
const STATUSES = ['available', 'allocated', 'pending_deletion', 'deletion_failed', 'stale'];
const TIMEOUT = 20000;

mkdirSync(ARTIFACTS, { recursive: true });

function check(name, ok, detail) {
  console.log(JSON.stringify({ check: name, ok: Boolean(ok), detail }));
  if (!ok) throw new Error('check failed: ' + name + ' ' + JSON.stringify(detail));
}

async function adminGet(path) {
  const res = await fetch(BASE + path, { headers: { Authorization: 'Bearer ' + ADMIN } });
  const body = await res.json();
  if (!res.ok) throw new Error('GET ' + path + ' answered ' + res.status + ' ' + JSON.stringify(body));
  return body;
}

async function readCounts(page) {
  return page.$$eval('[data-count-status]', (els) =>
    Object.fromEntries(els.map((e) => [e.dataset.countStatus, Number(e.textContent)])));
}

async function signIn(page, token) {
  await page.fill('#token', token);
  await page.click('#login-form button[type=submit]');
}

// The same flags the machine's probe used: without the background-networking ones Chromium keeps
// dialling Google's hosts, which this closed network refuses.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  // A CSP violation or a script error shows up here; the page must have none.
  // Failed requests are judged by their URL and status below (Chromium also logs each as a
  // console error, without the URL); any other console error (a CSP violation) is a defect.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push('console: ' + m.text());
  });
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    // wrong and track tokens are refused on purpose; anything else is a defect
    // ...and so is the token spec the tokens check gets wrong on purpose
    const expected = r.status() === 401 || r.status() === 403
      || (r.status() === 400 && r.request().method() === 'POST' && path.endsWith('/admin/tokens'));
    if (r.status() >= 400 && !expected) problems.push('http ' + r.status() + ' ' + r.request().method() + ' ' + path);
  });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));

  await page.goto(BASE + '/admin/dashboard');
  await page.waitForSelector('#login:not([hidden])');

  if (CHECKS.has('login')) {
    await signIn(page, 'not-a-real-token');
    const err = page.locator('#login-error');
    await err.waitFor({ state: 'visible' });
    const text = (await err.textContent()) || '';
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-wrong-token.png') });
    check('wrong token shows a clear message', /did not accept this token/.test(text) && /401/.test(text), text);
    check('wrong token leaves no data on the page', await page.locator('#board').isHidden(), null);
  }

  if (CHECKS.has('track')) {
    const err = page.locator('#login-error');
    await signIn(page, TRACK);
    await page.waitForFunction(() => /not an admin token/.test(document.getElementById('login-error').textContent));
    check('track token is told it is not an admin token', true, await err.textContent());
    // a refused token is not kept for the next visit
    check('refused token not kept', (await page.evaluate(() => sessionStorage.length)) === 0, null);
  }

  if (CHECKS.has('board')) {
    await signIn(page, ADMIN);
    await page.waitForSelector('body[data-loaded=true]');
    check('dashboard loads with an admin token', await page.locator('#board').isVisible(), null);
  }

  if (CHECKS.has('counts')) {
    const shown = await readCounts(page);
    const stats = await adminGet('/admin/stats');
    const expected = Object.fromEntries([...STATUSES, 'total'].map((st) => [st, stats[st]]));
    const same = [...STATUSES, 'total'].every((st) => shown[st] === stats[st]);
    check('counts equal GET /admin/stats', same, { shown, stats: expected });
  }

  if (CHECKS.has('pools')) {
    // every pool of GET /admin/pools has its row with the same counts, and the page marks
    // exactly the pools whose available count is below their low-water mark
    const api = (await adminGet('/admin/pools')).pools;
    const shown = await page.$$eval('[data-pool]', (rows) => rows.map((r) => ({
      pool: r.dataset.pool,
      low: r.dataset.low === 'true',
      lowText: /Below low water/.test(r.textContent),
      bar: r.querySelector('svg') !== null,
      counts: Object.fromEntries([...r.querySelectorAll('[data-pool-count]')]
        .map((e) => [e.dataset.poolCount, Number(e.textContent)])),
    })));
    const byName = Object.fromEntries(shown.map((r) => [r.pool, r]));
    const mismatches = api.filter((p) => {
      const row = byName[p.pool];
      return !row || !row.bar || [...STATUSES, 'total'].some((st) => row.counts[st] !== p[st])
        || row.low !== (p.available < p.low_water) || row.lowText !== row.low;
    }).map((p) => p.pool);
    check('each pool shows its bar and counts as GET /admin/pools', shown.length === api.length && mismatches.length === 0,
      { mismatches, shown: shown.length, api: api.length });
    const lowPools = api.filter((p) => p.available < p.low_water).map((p) => p.pool);
    const markedLow = shown.filter((r) => r.low).map((r) => r.pool);
    check('pools below their low-water mark are marked', lowPools.length > 0
      && JSON.stringify([...lowPools].sort()) === JSON.stringify([...markedLow].sort()), { lowPools, markedLow });
    const summary = (await page.locator('#pools-summary').textContent()) || '';
    check('the pools heading counts the low pools', summary.includes(lowPools.length + ' below low water'), summary);
  }

  if (CHECKS.has('board')) {
    // A reload keeps the session (token in sessionStorage) and shows the board again.
    await page.reload();
    await page.waitForSelector('body[data-loaded=true]');
    check('token kept for the tab', await page.locator('#board').isVisible(), null);
  }

  if (CHECKS.has('retry')) {
    const before = (await readCounts(page)).deletion_failed;
    const button = page.locator(`#failed-table tr[data-sandbox-id="${FAILED_ID}"] button[data-action=retry]`);
    await button.click();
    await page.locator(`#failed-table tr[data-sandbox-id="${FAILED_ID}"]`).waitFor({ state: 'detached' });
    const record = await adminGet('/admin/sandboxes/' + encodeURIComponent(FAILED_ID));
    check('retry from the page moves the sandbox to pending_deletion', record.status === 'pending_deletion', record.status);
    const after = (await readCounts(page)).deletion_failed;
    check('page shows one deletion_failed fewer', after === before - 1, { before, after });
  }

  if (CHECKS.has('pause')) {
    await page.locator('article[data-job=cleanup] button[data-action=pause]').click();
    await page.waitForSelector('article[data-job=cleanup][data-paused=true]');
    const body = await adminGet('/admin/jobs');
    const list = Array.isArray(body) ? body : Array.isArray(body.jobs) ? body.jobs
      : Object.entries(body.jobs || {}).map(([k, v]) => ({ job: k, ...v }));
    const paused = Object.fromEntries(list.map((j) => [j.job || j.name, Boolean(j.paused)]));
    check('pausing cleanup from the page shows on GET /admin/jobs', paused.cleanup === true, paused);
    check('pausing cleanup leaves the other jobs running',
      Object.entries(paused).every(([job, p]) => job === 'cleanup' || !p), paused);
  }

  if (CHECKS.has('tokens')) {
    // a bad spec: the API's message (naming the field) reaches the operator
    await page.fill('#token-form input[name=tenant]', 'Not A Tenant');
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => /INVALID_TOKEN_SPEC/.test(document.getElementById('flash').textContent));
    const refusal = await page.locator('#flash').textContent();
    check('a bad token spec shows the field the API refused', /tenant/.test(refusal), refusal);
    check('nothing is shown as a secret after a refusal', await page.locator('#token-secret').isHidden(), null);

    // issue: the secret is shown once, and it works
    await page.fill('#token-form input[name=tenant]', 'dash-tenant');
    await page.fill('#token-form input[name=name]', 'dash-token');
    await page.fill('#token-form input[name=allowed_prefixes]', 'lab-dash-');
    await page.fill('#token-form input[name=identity_cap]', '2');
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-secret:not([hidden])');
    const secret = (await page.locator('#token-secret-value').textContent()).trim();
    const tokenId = (await page.locator('#token-secret-id').textContent()).split(' ')[0];
    check('issuing shows the secret', /^sbk_/.test(secret) && /^tok_/.test(tokenId), { tokenId });
    await page.waitForSelector(`#token-table tr[data-token-id="${tokenId}"]`);
    const alloc = await fetch(BASE + '/allocate', { method: 'POST',
      headers: { Authorization: 'Bearer ' + secret, 'X-Instruqt-Sandbox-ID': 'dash-learner' } });
    check('the shown secret allocates as its tenant', alloc.status === 201, alloc.status);
    const listed = await adminGet('/admin/tokens');
    const record = listed.tokens.find((t) => t.token_id === tokenId);
    check('the API lists the issued token', record && record.tenant === 'dash-tenant' && record.identity_cap === 2, record);
    const tableText = await page.locator('#token-list').textContent();
    check('the list on the page never shows the secret', !tableText.includes(secret), null);
    check('storage never holds the secret', await page.evaluate((sec) =>
      !JSON.stringify(Object.assign({}, sessionStorage, localStorage)).includes(sec), secret), null);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-token-issued.png'), fullPage: true });
    await page.click('#token-secret-done');
    check('the secret is gone once dismissed', !(await page.content()).includes(secret), null);

    // revoke from the page
    await page.locator(`#token-table tr[data-token-id="${tokenId}"] button[data-action=revoke]`).click();
    await page.waitForSelector(`#token-table tr[data-token-id="${tokenId}"][data-revoked=true]`);
    const after = (await adminGet('/admin/tokens')).tokens.find((t) => t.token_id === tokenId);
    check('revoking from the page shows on GET /admin/tokens', after && after.revoked_at > 0 && after.revoked_by, after);
  }

  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  const laptopOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check('no sideways scrolling on a laptop', laptopOverflow <= 0, { overflow: laptopOverflow });

  // Phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
  check('no sideways scrolling on a phone', overflow <= 0, { overflow });

  check('no script errors or CSP violations', problems.length === 0, problems);
} catch (e) {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'dashboard-failure.png'), fullPage: true }).catch(() => {});
  console.log(JSON.stringify({ check: 'run', ok: false, detail: String(e && e.stack || e), problems }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
