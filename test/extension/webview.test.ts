/// <reference lib="dom" />
// (DOM types: parts of this file run in the page.)
// The risk dashboard page (dist/webview/) in headless Chromium: the panel's own HTML and CSP
// (extension/src/dashboard/html.ts) served from 127.0.0.1, a fake acquireVsCodeApi, and states
// built by the panel's buildState() from an empty store, a small real store and 1M-event
// aggregates. Checks what renders, what the page posts, themes, keyboard use and that no CSP
// violation fires. Screenshots go to test-output/webview/ (look at them).
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DashboardState } from '../../core/protocol/dashboard.ts';
import { dashboardHtml } from '../../extension/src/dashboard/html.ts';
import { buildState } from '../../extension/src/dashboard/state.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { Aggregates, StoreReader } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { makeAlert, tempDataDir } from '../store/helpers.ts';
import { BASE, HOUR, buildStore } from '../store/read-fixture.ts';
import { THEMES, applyTheme } from './webview-themes.ts';
import { CHROMIUM_ARGS } from '../helpers/chromium.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WEBVIEW = join(root, 'dist', 'webview');
const OUT = join(root, 'test-output', 'webview');
const CHROMIUM = process.env.WARDEN_CHROMIUM ?? '/usr/bin/chromium';
const DAY = 24 * HOUR;

// ---- Prerequisites: fail (not skip) with what to install ----------------------------------------

async function loadPlaywright(): Promise<typeof import('playwright-core')> {
  try {
    return await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `npm install` (it is a dev dependency)');
  }
}
function checkPrerequisites(): void {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set WARDEN_CHROMIUM)`);
  for (const f of ['dashboard.js', 'dashboard.css']) {
    assert.ok(existsSync(join(WEBVIEW, f)), `dist/webview/${f} is missing: run \`npm run build\` first`);
  }
}

// ---- Fixture states --------------------------------------------------------------------------

/** A reader whose aggregates are those of a 1M-event store over 30 days (shape of the real API). */
function millionReader(now: number): StoreReader {
  const perDay = Math.floor(1_000_000 / 30);
  const aggregate = (q: { since?: number; until?: number; topEndpoints?: number; topRules?: number } = {}): Aggregates => {
    const since = q.since ?? now - 30 * DAY;
    const hourly = [];
    for (let h = Math.ceil(since / HOUR) * HOUR; h <= now && hourly.length < 24 * 31; h += HOUR) {
      const n = Math.round(perDay / 24);
      const byRisk: [number, number, number, number] = [Math.round(n * 0.7), Math.round(n * 0.2), Math.round(n * 0.08), 0];
      byRisk[3] = n - byRisk[0] - byRisk[1] - byRisk[2];
      hourly.push({ start: h, count: n, byRisk });
    }
    const days = new Map<number, { start: number; count: number; byRisk: [number, number, number, number] }>();
    for (const b of hourly) {
      const d = Math.floor(b.start / DAY) * DAY;
      const x = days.get(d) ?? { start: d, count: 0, byRisk: [0, 0, 0, 0] };
      x.count += b.count;
      for (let l = 0; l < 4; l++) x.byRisk[l as 0] += b.byRisk[l as 0];
      days.set(d, x);
    }
    const total = hourly.reduce((a, b) => a + b.count, 0);
    const byRisk: [number, number, number, number] = [0, 0, 0, 0];
    for (const b of hourly) for (let l = 0; l < 4; l++) byRisk[l as 0] += b.byRisk[l as 0];
    const eps = Array.from({ length: 40 }, (_, i) => ({
      platform: ['shopify', 'meta', 'generic'][i % 3]!,
      endpoint: `/admin/api/{version}/resource-${i}/{id}.json`,
      count: Math.floor(total / 2 ** (i + 1)) + 1,
    }));
    const top = q.topEndpoints ?? 10;
    const rules = Array.from({ length: 25 }, (_, i) => ({ rule: `shopify.rule.number-${i}`, count: Math.floor(total / 10 / (i + 1)) }));
    const topR = q.topRules ?? 10;
    return {
      since: q.since ?? null,
      until: q.until ?? null,
      total,
      byRisk,
      byPlatform: {
        generic: Math.floor(total * 0.1),
        meta: Math.floor(total * 0.3),
        shopify: total - Math.floor(total * 0.1) - Math.floor(total * 0.3),
      },
      byOutcome: { forwarded: total },
      topEndpoints: eps.slice(0, top),
      otherEndpoints: eps.slice(top).reduce((a, b) => a + b.count, 0),
      topRules: rules.slice(0, topR),
      otherRules: rules.slice(topR).reduce((a, b) => a + b.count, 0),
      hourly,
      daily: [...days.values()],
      alerts: {
        total: 775,
        bySeverity: { critical: 300, warning: 475 },
        open: { total: 775, bySeverity: { critical: 300, warning: 475 } },
      },
    };
  };
  const alerts = Array.from({ length: 10 }, (_, i) =>
    makeAlert({
      ts: now - i * 7 * 60_000,
      severity: i % 3 ? 'warning' : 'critical',
      rule: 'consecutive_deletes',
      message: `${3 + i} deletes in a row`,
    }),
  );
  return {
    aggregate,
    alerts: () => ({ alerts, nextCursor: null }),
    events: () => ({ events: [], nextCursor: null }),
    sessions: () => [],
    count: () => 1_000_000,
    refresh: () => undefined,
    outdated: () => false,
    close: () => undefined,
  };
}

interface Fixtures {
  empty: DashboardState;
  small: DashboardState;
  small7d: DashboardState;
  million: DashboardState;
  cleanup: () => void;
}

async function fixtures(): Promise<Fixtures> {
  const SQL = await loadSqlJs();
  const empty = tempDataDir();
  const small = buildStore(SQL, { n: 600, segmentSize: 150, seed: 3, ordered: true });
  const smallNow = Math.max(...small.events.map((e) => e.ts)) + HOUR;
  const emptyReader = await openStoreReader({ dataDir: empty.dir, SQL });
  const smallReader = await openStoreReader({ dataDir: small.dir, SQL });
  const paused = { version: 2, policy: 'monitor' as const, pause: null, auto_pause: true, updated_at: 0, updated_by: '' };
  const now = BASE + 40 * DAY;
  try {
    return {
      empty: buildState(emptyReader, null, '24h', Date.now(), 0),
      small: buildState(smallReader, paused, '24h', smallNow, 0),
      small7d: buildState(smallReader, paused, '7d', smallNow, 0),
      million: buildState(
        millionReader(now),
        { ...paused, pause: { scope: 'writes', by: 'auto-pause', at: now - 60_000, reason: '3 deletes in a row' } },
        '30d',
        now,
        0,
      ),
      cleanup: () => {
        empty.cleanup();
        small.cleanup();
      },
    };
  } finally {
    emptyReader.close();
    smallReader.close();
  }
}

// ---- Harness: the panel's HTML over HTTP, a fake VS Code API ------------------------------------

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };

function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks; the webview has none
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(dashboardHtml({ cspSource: origin, script: `${origin}/webview/dashboard.js`, style: `${origin}/webview/dashboard.css` }));
      return;
    }
    const m = /^\/webview\/(dashboard\.(?:js|css))$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(m[1]!)]! });
    res.end(readFileSync(join(WEBVIEW, m[1]!)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

/**
 * Runs before the page's scripts (injected by the browser, outside the CSP): records CSP
 * violations, errors and what the page posts, and answers "ready" with window.__state.
 */
function initScript(): void {
  const w = window as unknown as Record<string, unknown>;
  const violations: string[] = [];
  const posted: unknown[] = [];
  w.__violations = violations;
  w.__posted = posted;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  w.acquireVsCodeApi = () => ({
    postMessage(m: { type?: string }) {
      posted.push(m);
      if (m?.type === 'ready' && w.__state) setTimeout(() => window.postMessage({ type: 'state', state: w.__state }, '*'));
    },
    getState: () => undefined,
    setState: () => undefined,
  });
  // First chart painted: the first animation frame after uPlot's canvas is in the page.
  const obs = new MutationObserver(() => {
    if (document.querySelector('#timeline-chart canvas')) {
      obs.disconnect();
      requestAnimationFrame(() => (w.__chartPaintedAt = performance.now()));
    }
  });
  obs.observe(document, { childList: true, subtree: true });
}

// ---- Tests -----------------------------------------------------------------------------------

describe('risk dashboard page in headless Chromium', () => {
  let fx: Fixtures;
  let server: Server;
  let origin: string;
  let context: import('playwright-core').BrowserContext;
  let profile: string;

  before(async () => {
    checkPrerequisites();
    const { chromium } = await loadPlaywright();
    mkdirSync(OUT, { recursive: true });
    fx = await fixtures();
    ({ server, origin } = await serve());
    profile = mkdtempSync(join(tmpdir(), 'warden-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: [...CHROMIUM_ARGS],
    });
  });

  after(async () => {
    await context?.close();
    server?.close();
    fx?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Opens the page with `state` answered to "ready", in `theme`, and waits for it to render. */
  async function open(state: DashboardState, theme: keyof typeof THEMES = 'dark') {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // tsx compiles with esbuild's keepNames, which wraps the functions handed to the page
    // (initScript, applyTheme, evaluate callbacks) in __name(...) calls: give the page the helper.
    await page.addInitScript('window.__name = (f) => f;');
    await page.addInitScript(initScript);
    await page.addInitScript(`window.__state = ${JSON.stringify(state)};`);
    await page.addInitScript(applyTheme, THEMES[theme]);
    await page.goto(origin);
    const posted = () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    const violations = () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    try {
      await page.waitForSelector('h1', { timeout: 10_000 });
      if (state.total > 0) await page.waitForFunction(() => (window as unknown as { __chartPaintedAt?: number }).__chartPaintedAt);
    } catch (err) {
      const why = { violations: await violations(), errors, posted: await posted() };
      throw new Error(`the page did not render: ${(err as Error).message.split('\n')[0]}; ${JSON.stringify(why)}`);
    }
    return { page, errors, posted, violations };
  }

  const text = async (page: import('playwright-core').Page, sel: string) => (await page.textContent(sel))?.trim();

  test('empty store: a friendly empty state, no chart, no CSP violation', async () => {
    const { page, errors, posted, violations } = await open(fx.empty);
    assert.equal(await text(page, '#stat-total .value'), '0');
    assert.match((await text(page, '#welcome-h')) ?? '', /Nothing recorded yet/);
    assert.equal(await page.locator('canvas').count(), 0);
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    await page.screenshot({ path: join(OUT, 'empty-dark.png'), fullPage: true });
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('small store: figures, chart, breakdowns and alerts from the real aggregates', async () => {
    const s = fx.small;
    assert.ok(s.total > 0 && s.recentAlerts.length > 0 && s.topRules.length > 0, 'the fixture has events, alerts and rules in range');
    const { page, errors, violations } = await open(s);
    assert.equal(await text(page, '#stat-total .value'), s.today.total.toLocaleString('en-US'));
    for (let l = 0; l < 4; l++) assert.equal(await text(page, `#stat-risk-${l} .value`), s.today.byRisk[l]!.toLocaleString('en-US'));
    assert.equal(await text(page, '#stat-alerts .value'), String(s.today.openAlerts));
    assert.equal(await page.locator('#timeline-chart canvas').count(), 1);
    assert.match((await page.getAttribute('#timeline-chart canvas', 'aria-label')) ?? '', new RegExp(`${s.total} operations`));
    assert.equal(await page.locator('#platforms-table tbody tr').count(), Object.keys(s.byPlatform).length);
    assert.equal(await page.locator('#endpoints-table tbody tr').count(), s.topEndpoints.length + (s.otherEndpoints > 0 ? 1 : 0));
    assert.equal(await text(page, '#rules-table tbody tr:first-child td.key'), s.topRules[0]!.rule);
    assert.equal(await page.locator('#alert-list button').count(), s.recentAlerts.length);
    await page.screenshot({ path: join(OUT, 'small-dark.png'), fullPage: true });
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('chart legend: the range totals per risk level, the bucket under the pointer while hovering', async () => {
    const s = fx.small;
    const { page, errors, violations } = await open(s);
    const legend = () => page.locator('#timeline-chart .u-legend .u-value').allInnerTexts();
    const en = (n: number) => n.toLocaleString('en-US');
    const totals = [0, 1, 2, 3].map((l) => s.timeline.reduce((a, b) => a + b.byRisk[l]!, 0));
    assert.ok(totals.filter((n) => n > 0).length >= 2, `the fixture has several levels: ${totals.join(' ')}`);
    assert.equal(
      totals.reduce((a, b) => a + b),
      s.total,
    );
    const idle = ['all, last 24 hours', ...totals.map(en)];
    assert.deepEqual(await legend(), idle, 'not hovering: every value is filled in');
    // Point at the busiest bucket: the legend shows its own counts.
    const sum = (b: { byRisk: number[] }) => b.byRisk.reduce((x, y) => x + y, 0);
    const busiest = s.timeline.reduce((a, b) => (sum(b) > sum(a) ? b : a));
    const first = Math.min(s.since, s.timeline[0]!.start);
    const box = (await page.locator('#timeline-chart .u-over').boundingBox())!;
    // The x scale spans the buckets' starts with half a bucket of margin on both sides.
    const lo = first - s.bucketMs / 2;
    const hi = s.until - ((s.until - first) % s.bucketMs) + s.bucketMs / 2;
    await page.mouse.move(box.x + ((busiest.start - lo) / (hi - lo)) * box.width, box.y + box.height / 2);
    await page.waitForFunction(
      (want) => document.querySelectorAll('#timeline-chart .u-legend .u-value')[1]?.textContent === want,
      en(busiest.byRisk[0]),
    );
    const hovered = await legend();
    assert.deepEqual(hovered.slice(1), busiest.byRisk.map(en));
    assert.notEqual(hovered[0], idle[0]);
    await page.screenshot({ path: join(OUT, 'small-legend-hover.png') });
    // Leaving the chart brings the totals back.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 150);
    await page.waitForFunction((want) => document.querySelector('#timeline-chart .u-legend .u-value')?.textContent === want, idle[0]);
    assert.deepEqual(await legend(), idle);
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('range switch, alert click and pause post the right messages', async () => {
    const { page, posted, violations } = await open(fx.small);
    await page.click('vscode-button[data-range="7d"]');
    await page.click(`#alert-list button[data-alert-id="${fx.small.recentAlerts[0]!.id}"]`);
    await page.click('vscode-button#pause');
    assert.deepEqual(await posted(), [
      { type: 'ready' },
      { type: 'range', range: '7d' },
      { type: 'revealAlert', alertId: fx.small.recentAlerts[0]!.id },
      { type: 'pause' },
    ]);
    // The panel answers with the 7-day state: the page shows it with day buckets.
    await page.evaluate((state) => window.postMessage({ type: 'state', state }, '*'), fx.small7d);
    await page.waitForSelector('vscode-button[data-range="7d"][aria-pressed="true"]');
    assert.match((await text(page, '#timeline-h')) ?? '', /Last 7 days/);
    assert.equal(await page.locator('#timeline-chart canvas').count(), 1);
    assert.deepEqual(await violations(), []);
    await page.close();
  });

  test('a malformed message from the host is refused, the page keeps its state', async () => {
    const { page, violations } = await open(fx.small);
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.evaluate(() => window.postMessage({ type: 'state', state: { range: '24h', total: -1 } }, '*'));
    await page.waitForFunction(() => true);
    await page.waitForTimeout(50);
    assert.ok(
      warnings.some((w) => /state\.\w+ is missing or malformed/.test(w)),
      warnings.join('\n'),
    );
    assert.equal(await text(page, '#stat-total .value'), fx.small.today.total.toLocaleString('en-US'));
    assert.deepEqual(await violations(), []);
    await page.close();
  });

  test('1M-event aggregates: renders, paused state with Resume; time to first chart paint reported', async (t) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { page, errors, posted, violations } = await open(fx.million);
      times.push(await page.evaluate(() => (window as unknown as { __chartPaintedAt: number }).__chartPaintedAt));
      if (i === 0) {
        assert.equal(await text(page, '#stat-total .value'), fx.million.today.total.toLocaleString('en-US'));
        assert.match((await text(page, '.pause-state')) ?? '', /Paused \(agent writes\) by auto-pause: 3 deletes in a row/);
        await page.click('vscode-button#resume');
        assert.deepEqual((await posted()).at(-1), { type: 'resume' });
        assert.equal(await page.locator('#endpoints-table tbody tr').count(), 9, 'top 8 and "Other"');
        assert.equal(await text(page, '#endpoints-table tbody tr:last-child td.key'), 'Other');
        await page.screenshot({ path: join(OUT, 'million-dark.png'), fullPage: true });
      }
      assert.deepEqual(await violations(), []);
      assert.deepEqual(errors, []);
      await page.close();
    }
    times.sort((a, b) => a - b);
    t.diagnostic(
      `navigation → first chart painted, 1M-event aggregates: median ${times[2]!.toFixed(0)} ms (${times.map((x) => x.toFixed(0)).join(', ')})`,
    );
  });

  test('themes: light, dark and high contrast change the page and chart colours', async () => {
    const seen: Record<string, { bg: string; risk: string; border: string }> = {};
    for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) {
      const { page, violations } = await open(fx.small, theme);
      seen[theme] = await page.evaluate(() => ({
        bg: getComputedStyle(document.body).backgroundColor,
        risk: document.querySelector<HTMLElement>('#timeline-chart')!.dataset.riskColours!,
        border: getComputedStyle(document.querySelector('.card')!).borderTopColor,
      }));
      assert.equal(seen[theme]!.risk.split(' ')[3], THEMES[theme].vars['--vscode-charts-red']);
      await page.screenshot({ path: join(OUT, `small-${theme}.png`), fullPage: true });
      assert.deepEqual(await violations(), []);
      await page.close();
    }
    assert.notEqual(seen.light!.bg, seen.dark!.bg);
    assert.notEqual(seen.dark!.risk, seen['high-contrast']!.risk);
    assert.notEqual(seen.light!.border, seen['high-contrast']!.border);

    // A theme switch while open (VS Code rewrites the variables) redraws the chart.
    const { page } = await open(fx.small, 'dark');
    await page.evaluate(applyTheme, THEMES.light);
    await page.waitForFunction(
      (red) => document.querySelector<HTMLElement>('#timeline-chart')?.dataset.riskColours?.endsWith(red),
      THEMES.light.vars['--vscode-charts-red']!,
    );
    await page.close();
  });

  test('keyboard: Tab reaches pause, ranges and alerts in order with a visible focus; Enter and Space act', async () => {
    const { page, posted } = await open(fx.small);
    const order: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const a = document.activeElement as HTMLElement;
          return a.id || a.dataset.range || (a.dataset.alertId ? 'alert' : a.tagName.toLowerCase());
        }),
      );
    }
    assert.deepEqual(order.slice(0, 5), ['pause', '24h', '7d', '30d', 'alert'], order.join(' → '));
    // The focused alert button shows an outline (the theme's focus border).
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none');
    // Enter on a focused range button, then Tab to the first alert and Space.
    await page.focus('vscode-button[data-range="30d"]');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.alertId), fx.small.recentAlerts[0]!.id);
    await page.keyboard.press('Space');
    assert.deepEqual(await posted(), [
      { type: 'ready' },
      { type: 'range', range: '30d' },
      { type: 'revealAlert', alertId: fx.small.recentAlerts[0]!.id },
    ]);
    await page.close();
  });
});
