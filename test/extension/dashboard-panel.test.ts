// The risk dashboard panel (extension/src/dashboard/panel.ts), bundled and run against the fake
// vscode on a real store: one panel per window (a second show reveals it), a page locked down by
// its Content-Security-Policy (a fresh nonce per load, nothing remote, no inline code), the page's
// messages validated and answered through the host (extension/src/dashboard/host.ts), store
// changes pushed to a visible page once per burst, and nothing left listening once it is closed.
// The page receives counts and alert summaries only: never an event's target or error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseHostMessage } from '../../core/protocol/dashboard.ts';
import type { HostMessage } from '../../core/protocol/dashboard.ts';
import type { ControlFile } from '../../store/control/index.ts';
import { JournalWriter } from '../../store/journal.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { StoreReader } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import type { DashboardHost } from '../../extension/src/dashboard/host.ts';
import type { showDashboard } from '../../extension/src/dashboard/panel.ts';
import { makeAlert, makeEvent, tempDataDir } from '../store/helpers.ts';
import { WEBVIEW_CSP_SOURCE, type FakeWebviewPanel } from './fake-vscode.ts';
import { loadBundled } from './load-bundled.ts';

const SQL = await loadSqlJs();
/** Secret-looking values in event fields the page must never receive (the HTML neither). */
const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';
const ERROR_SECRET = 'upstream said: Bearer sk_live_51HxSECRETSECRETSECRET';
const EXT = '/opt/ext';

/** Resolves once `ok()` holds (the panel answers asynchronously), or fails after 3 s. */
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The value of `attr` on every `tag` element of the page. */
function attrs(html: string, tag: string, attr: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))].map((m) => new RegExp(`\\s${attr}="([^"]*)"`).exec(m[0])?.[1] ?? '');
}

describe('risk dashboard panel', () => {
  let t: ReturnType<typeof tempDataDir>;
  let reader: StoreReader;
  let loaded: Awaited<ReturnType<typeof loadBundled<{ panel: { showDashboard: typeof showDashboard } }>>>;
  let show: typeof showDashboard;
  const alert = makeAlert({ ts: Date.now() - 60_000, rule: 'consecutive_deletes', message: '3 delete calls in a row' });

  before(async () => {
    t = tempDataDir();
    const jdir = join(t.dir, 'journal');
    mkdirSync(jdir, { recursive: true });
    const w = new JournalWriter(jdir, 'panel-test');
    for (let i = 0; i < 6; i++) {
      const risky = i % 2 === 0;
      w.append({
        k: 'event',
        e: makeEvent({
          ts: Date.now() - 120_000 + i * 1_000,
          target: `${TOKEN}.myshopify.com`,
          error: risky ? ERROR_SECRET : null,
          risk_level: risky ? 3 : 0,
          rules: risky ? ['shopify.rest.delete'] : [],
          method: risky ? 'DELETE' : 'GET',
        }),
      });
    }
    w.append({ k: 'alert', a: alert });
    w.close();
    new Folder(SQL, { dataDir: t.dir, segmentSize: 1000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} }).fold();
    reader = await openStoreReader({ dataDir: t.dir, SQL, onWarning: () => {} });
    loaded = await loadBundled<{ panel: { showDashboard: typeof showDashboard } }>({ panel: 'extension/src/dashboard/panel.ts' });
    show = loaded.modules.panel.showDashboard;
  });

  after(() => {
    reader?.close();
    loaded?.restore();
    t?.cleanup();
  });

  /** A host backed by the store above; records what the panel asked of it. */
  function makeHost(over: Partial<DashboardHost> = {}) {
    const { vscode } = loaded.fake;
    const changed = new vscode.EventEmitter<void>();
    const calls: string[] = [];
    let control: ControlFile | null = null;
    let readerCalls = 0;
    const host: DashboardHost = {
      extensionUri: vscode.Uri.file(EXT) as unknown as DashboardHost['extensionUri'],
      reader: async () => {
        readerCalls++;
        return reader;
      },
      control: () => control,
      onDidChange: changed.event as unknown as DashboardHost['onDidChange'],
      revealAlert: async (id) => void calls.push(`reveal ${id}`),
      pauseWrites: async () => {
        calls.push('pause');
        control = {
          version: 2,
          pause: { scope: 'writes', by: 'VS Code', at: Date.now(), reason: '' },
          updated_at: Date.now(),
          updated_by: 'VS Code',
        };
      },
      resumeWrites: async () => {
        calls.push('resume');
        control = { version: 2, pause: null, updated_at: Date.now(), updated_by: 'VS Code' };
      },
      ...over,
    };
    return { host, calls, fireChange: () => changed.fire(), listeners: () => changed.e.listenerCount('x'), readerCalls: () => readerCalls };
  }

  const panels = (): FakeWebviewPanel[] => loaded.fake.rec.webviewPanels;
  /** Shows the dashboard and returns the panel it opened (or revealed). */
  function open(host: DashboardHost): FakeWebviewPanel {
    show(host);
    const p = panels().at(-1);
    assert.ok(p, 'a webview panel was created');
    return p;
  }
  const states = (p: FakeWebviewPanel) =>
    (p.posted as HostMessage[]).filter((m): m is Extract<HostMessage, { type: 'state' }> => m.type === 'state').map((m) => m.state);

  it('opens one panel per window: a second show reveals it instead of opening another', () => {
    const { host } = makeHost();
    const before = panels().length;
    const p = open(host);
    try {
      show(host);
      assert.equal(panels().length, before + 1, 'one panel');
      assert.equal(p.revealed, 1, 'the open panel is revealed');
      assert.equal(p.viewType, 'warden.dashboard');
      assert.deepEqual(
        {
          enableScripts: p.options.enableScripts,
          enableCommandUris: p.options.enableCommandUris,
          roots: (p.options.localResourceRoots as { fsPath: string }[]).map((u) => u.fsPath),
        },
        { enableScripts: true, enableCommandUris: false, roots: [join(EXT, 'dist', 'webview')] },
        'scripts on, command links off, local files from dist/webview only',
      );
    } finally {
      p.dispose();
    }
  });

  it("locks the page down: a CSP with this load's nonce, the bundled files only, nothing remote or inline", () => {
    const { host } = makeHost();
    const first = open(host);
    first.dispose();
    const second = open(host);
    try {
      const nonces = [first, second].map((p) => {
        const html = p.webview.html;
        const csp = attrs(html, 'meta', 'content').find((c) => c.includes('default-src')) ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, 'no inline code, no eval, no wildcard');
        const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
        assert.ok(nonce.length >= 16, `a nonce in script-src: ${csp}`);
        assert.match(csp, new RegExp(`style-src ${WEBVIEW_CSP_SOURCE.replace(/[.+]/g, '\\$&')} 'nonce-`));
        // Every script and stylesheet carries the nonce and comes from dist/webview through asWebviewUri.
        const scripts = attrs(html, 'script', 'src');
        const styles = attrs(html, 'link', 'href');
        assert.deepEqual(scripts, [`${WEBVIEW_CSP_SOURCE}${join(EXT, 'dist', 'webview', 'dashboard.js')}`]);
        assert.deepEqual(styles, [`${WEBVIEW_CSP_SOURCE}${join(EXT, 'dist', 'webview', 'dashboard.css')}`]);
        assert.deepEqual(attrs(html, 'script', 'nonce'), [nonce]);
        assert.deepEqual(attrs(html, 'link', 'nonce'), [nonce]);
        // No other origin anywhere in the page, and no inline script body.
        const origins = [...html.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/"'\s]+/gi)].map((m) => m[0]);
        assert.deepEqual([...new Set(origins)], [WEBVIEW_CSP_SOURCE], 'no remote origin');
        assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script');
        assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
        return nonce;
      });
      assert.notEqual(nonces[0], nonces[1], 'a fresh nonce per page load');
    } finally {
      second.dispose();
    }
  });

  it('keeps store data out of the HTML and sends the page counts and alert summaries only', async () => {
    const { host } = makeHost();
    const p = open(host);
    try {
      for (const secret of [TOKEN, 'sk_live_', reader.events().events[0]!.id, 'consecutive_deletes']) {
        assert.ok(!p.webview.html.includes(secret), `the HTML holds no store data (${secret.slice(0, 12)}…)`);
      }
      p.fromPage({ type: 'ready' });
      await until(() => states(p).length === 1, 'the first state');
      const sent = JSON.stringify(p.posted);
      assert.ok(!sent.includes(TOKEN) && !sent.includes('sk_live_'), 'no event target or error reaches the page');
      assert.ok(!sent.includes(reader.events().events[0]!.id), 'no event id reaches the page');
    } finally {
      p.dispose();
    }
  });

  it("answers the page's messages through the host, and ignores malformed ones", async () => {
    const h = makeHost();
    const p = open(h.host);
    try {
      p.fromPage({ type: 'ready' });
      await until(() => p.posted.length === 1, 'the state after ready');
      const [first] = states(p);
      assert.ok(parseHostMessage(p.posted[0]).ok, 'the state passes the contract the page checks');
      assert.equal(first?.range, '24h');
      assert.equal(first?.total, 6);
      const byRisk = [0, 1, 2, 3].map((l) => first?.timeline.reduce((n, b) => n + b.byRisk[l]!, 0));
      assert.deepEqual(byRisk, [3, 0, 0, 3], 'the timeline counts every event by risk');
      assert.deepEqual(
        first?.recentAlerts.map((a) => [a.id, a.rule, a.message]),
        [[alert.id, 'consecutive_deletes', '3 delete calls in a row']],
      );
      assert.equal(first?.pause, null);

      p.fromPage({ type: 'range', range: '7d' });
      await until(() => p.posted.length === 2, 'the state after range');
      assert.equal(states(p)[1]?.range, '7d');

      p.fromPage({ type: 'pause' });
      await until(() => p.posted.length === 3, 'the state after pause');
      assert.deepEqual(h.calls, ['pause']);
      assert.equal(states(p)[2]?.pause?.scope, 'writes', 'the new state shows the pause');
      assert.equal(states(p)[2]?.range, '7d', 'the range chosen is kept');

      p.fromPage({ type: 'resume' });
      await until(() => p.posted.length === 4, 'the state after resume');
      assert.equal(states(p)[3]?.pause, null);

      p.fromPage({ type: 'revealAlert', alertId: alert.id });
      await until(() => h.calls.length === 3, 'the reveal');
      assert.deepEqual(h.calls, ['pause', 'resume', `reveal ${alert.id}`]);

      // Untrusted input: unknown types, bad ranges, oversized ids and non-objects do nothing.
      const warn = console.warn;
      const warned: string[] = [];
      console.warn = (m: string) => void warned.push(m);
      try {
        for (const bad of [
          null,
          'ready',
          { type: 'exec', cmd: 'rm' },
          { type: 'range', range: '1y' },
          { type: 'revealAlert', alertId: 'x'.repeat(500) },
        ]) {
          p.fromPage(bad);
        }
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        console.warn = warn;
      }
      assert.equal(p.posted.length, 4, 'nothing answered');
      assert.equal(h.calls.length, 3, 'nothing asked of the host');
      assert.equal(warned.length, 5, 'each refused message is logged');
    } finally {
      p.dispose();
    }
  });

  it('tells the page when the host fails, in a sentence', async () => {
    const h = makeHost({
      pauseWrites: async () => {
        throw new Error('the control file was written by a newer Warden');
      },
      reader: async () => {
        throw new Error('store locked');
      },
    });
    const p = open(h.host);
    try {
      p.fromPage({ type: 'pause' });
      p.fromPage({ type: 'ready' });
      await until(() => p.posted.length === 2, 'two errors');
      assert.deepEqual(p.posted, [
        { type: 'error', message: 'Warden could not do that: the control file was written by a newer Warden' },
        { type: 'error', message: 'Could not read the audit store: store locked' },
      ]);
    } finally {
      p.dispose();
    }
  });

  it('refreshes a visible page once per burst of store changes, and a hidden one not at all', async () => {
    const h = makeHost();
    const p = open(h.host);
    try {
      for (let i = 0; i < 5; i++) h.fireChange();
      await until(() => p.posted.length === 1, 'the refresh');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(p.posted.length, 1, 'one refresh for five changes');
      p.visible = false;
      h.fireChange();
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(p.posted.length, 1, 'a hidden panel asks again when shown');
    } finally {
      p.dispose();
    }
  });

  it('when closed, stops listening to the page and the host; the next show opens a new panel', async () => {
    const h = makeHost();
    const p = open(h.host);
    assert.equal(h.listeners(), 1);
    assert.equal(p.messageListeners(), 1);
    h.fireChange(); // a refresh is pending when the user closes the panel
    p.dispose();
    assert.equal(h.listeners(), 0, 'no listener left on the host');
    assert.equal(p.messageListeners(), 0, 'no listener left on the page');
    const readerCalls = h.readerCalls();
    h.fireChange();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(h.readerCalls(), readerCalls, 'the pending refresh was cancelled');
    const again = open(h.host);
    try {
      assert.notEqual(again, p, 'a new panel');
      assert.equal(again.revealed, 0);
    } finally {
      again.dispose();
    }
  });
});
