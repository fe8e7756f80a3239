// The web dashboard's first render with 100k events for one user (issue 9), on both back ends:
// embedded SQLite and PostgreSQL (a private server from test/helpers/services.ts). The events
// (spread over the last 30 days: 40 endpoints, 3 platforms, 4 risks, 1–2 rules each; plus 10k
// of another user) go in through the store directly; the service runs in-process, the reader
// signs in over HTTP. Figures: (1) server time to the main page's HTML (request to last byte on
// loopback) for each range, median and p90 of 15; (2) in headless Chromium, navigation start
// to the load event of a first visit (a fresh browser context each time: no cached stylesheet),
// median of 9 per range. The 2-core machine is shared: other work skews every figure.
// Run: node --import tsx bench/web-dashboard.ts   (BENCH_WEB_EVENTS=<n> to change the 100k)
import { loadavg } from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { DASHBOARD_RANGES } from '../core/protocol/dashboard.ts';
import { parseAuditEvent, type AuditEvent } from '../core/protocol/event.ts';
import { SAMPLE_EVENT } from '../test/core/protocol/sample-event.ts';
import { createKey, startTestService, type TestService } from '../test/cloud-lite/http-client.ts';
import { sessionCookie } from '../test/cloud-lite/web-client.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.ts';
import { startPostgres } from '../test/helpers/services.ts';
import { fmt, quantile, summary } from './stats.ts';

const EVENTS = Number(process.env.BENCH_WEB_EVENTS ?? 100_000);
const OTHER_EVENTS = 10_000;
const SERVER_RUNS = 15;
const BROWSER_RUNS = 9;
const DAY = 86_400_000;
const PLATFORMS = ['shopify', 'meta', 'generic'] as const;
const BASE = parseAuditEvent(SAMPLE_EVENT)!;

function eventsFor(user: string, n: number, now: number): AuditEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const risk = (i * 7) % 10 < 5 ? 0 : (((i % 3) + 1) as 1 | 2 | 3);
    return {
      ...BASE,
      id: `${user}-${String(i).padStart(7, '0')}`,
      ts: now - Math.floor((i / n) * 30 * DAY) - (i % 997),
      session_id: `s${Math.floor(i / 200)}`,
      platform: PLATFORMS[i % 3]!,
      endpoint: `/admin/api/{version}/resource${i % 40}/{id}.json`,
      method: risk === 0 ? 'GET' : 'POST',
      risk_level: risk,
      rules: risk === 0 ? [] : i % 5 === 0 ? [`rule.${i % 13}`, 'rule.bulk'] : [`rule.${i % 13}`],
      latency_ms: 20 + (i % 300),
    };
  });
}

async function fill(svc: TestService, user: string, n: number, now: number): Promise<number> {
  const started = performance.now();
  const all = eventsFor(user, n, now);
  for (let i = 0; i < all.length; i += 1000) {
    await svc.store.insertEvents({
      user,
      keyId: 'bench',
      events: all.slice(i, i + 1000),
      dailyQuota: 1e9,
      day: '2026-01-01',
      receivedAt: now,
    });
  }
  return performance.now() - started;
}

async function measure(name: string, svc: TestService, browser: Browser): Promise<void> {
  const now = Date.now();
  const key = await createKey(svc, 'bench-user');
  const fillMs = await fill(svc, 'bench-user', EVENTS, now);
  await fill(svc, 'someone-else', OTHER_EVENTS, now);
  console.log(
    `${name}: ${EVENTS.toLocaleString('en-US')} events for one user (+${OTHER_EVENTS.toLocaleString('en-US')} of another) stored in ${fmt(fillMs / 1000, 1)} s`,
  );
  const cookie = await sessionCookie(svc.url, key);

  for (const range of DASHBOARD_RANGES) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < SERVER_RUNS + 2; i++) {
      const t0 = performance.now();
      const res = await fetch(`${svc.url}/?range=${range}`, { headers: { cookie } });
      const html = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET /?range=${range}: ${res.status}`);
      bytes = html.length;
      if (i >= 2) times.push(ms); // two warm-ups: prepared statements, pages in cache
    }
    const s = summary(times);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `  server  /?range=${range.padEnd(3)}  median ${fmt(s.median, 1)} ms  p90 ${fmt(quantile(sorted, 0.9), 1)} ms  (${SERVER_RUNS} runs, ${(bytes / 1024).toFixed(1)} KiB)`,
    );
  }
  const ev: number[] = [];
  for (let i = 0; i < SERVER_RUNS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${svc.url}/events`, { headers: { cookie } });
    await res.text();
    ev.push(performance.now() - t0);
  }
  console.log(`  server  /events         median ${fmt(summary(ev).median, 1)} ms  (first page of 50)`);

  const [cname, cvalue] = cookie.split('=') as [string, string];
  for (const range of DASHBOARD_RANGES) {
    const loads: number[] = [];
    for (let i = 0; i < BROWSER_RUNS + 1; i++) {
      const context = await browser.newContext();
      await context.addCookies([{ name: cname, value: cvalue, url: svc.url }]);
      const page = await context.newPage();
      await page.goto(`${svc.url}/?range=${range}`, { waitUntil: 'load' });
      // A string: this file is type-checked without the DOM library.
      const nav = (await page.evaluate(
        `(() => { const e = performance.getEntriesByType('navigation')[0]; return { load: e.loadEventEnd - e.startTime, path: location.pathname }; })()`,
      )) as { load: number; path: string };
      await context.close();
      if (nav.path !== '/') throw new Error('not signed in');
      if (i >= 1) loads.push(nav.load); // the first warms the browser process up
    }
    const s = summary(loads);
    console.log(`  browser /?range=${range.padEnd(3)}  navigation → load median ${fmt(s.median, 1)} ms  (${BROWSER_RUNS} first visits)`);
  }
  console.log(`  load average ${loadavg()[0]!.toFixed(2)}`);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
try {
  const embedded = await startTestService();
  try {
    await measure('SQLite (embedded)', embedded, browser);
  } finally {
    await embedded.stop();
  }
  const pgServer = await startPostgres();
  try {
    const svc = await startTestService({ DATABASE_URL: pgServer.createDatabase('web_bench') });
    try {
      await measure('PostgreSQL', svc, browser);
    } finally {
      await svc.stop();
    }
  } finally {
    await pgServer.destroy();
  }
} finally {
  await browser.close();
}
