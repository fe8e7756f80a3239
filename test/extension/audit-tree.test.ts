// The Audit Log tree (extension/src/views/audit-tree.ts) on a real store, bundled and run against
// the fake vscode: "Show in Audit Log" on an alert shows exactly the alert's events (not the whole
// session) and says so; a row widens to the whole session with the alert's events still
// highlighted; clearing the filter shows every session again; a refused call's row has its own icon.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, AuditEvent } from '../../core/types.ts';
import { JournalWriter } from '../../store/journal.ts';
import { openStoreReader } from '../../store/read/index.ts';
import type { StoreReader } from '../../store/read/index.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { Folder } from '../../store/writer/folder.ts';
import type { AuditNode, AuditTree } from '../../extension/src/views/audit-tree.ts';
import { makeAlert, makeEvent, tempDataDir } from '../store/helpers.ts';
import { loadBundled } from './load-bundled.ts';

const SQL = await loadSqlJs();
const T0 = Date.now() - 3_600_000;
const PRODUCT = '/admin/api/{version}/products/{id}.json';

interface Item {
  label: string | { label: string; highlights?: [number, number][] };
  description?: string;
  iconPath?: { id: string; color?: { id: string } };
  accessibilityInformation?: { label: string };
  command?: { command: string; arguments?: unknown[] };
}
const labelOf = (i: Item): string => (typeof i.label === 'string' ? i.label : i.label.label);

describe('Audit Log tree', () => {
  let t: ReturnType<typeof tempDataDir>;
  let r: StoreReader;
  let loaded: Awaited<ReturnType<typeof loadBundled<{ tree: { AuditTree: typeof AuditTree } }>>>;
  let tree: AuditTree;
  const view = {
    description: '' as string | undefined,
    revealed: [] as AuditNode[],
    reveal: async (n: AuditNode) => void view.revealed.push(n),
  };
  // Session A: 10 calls; the 3 deletes in the middle raised the alert, 4 reads came after it.
  const a: AuditEvent[] = [];
  for (let i = 0; i < 10; i++) {
    const del = i >= 3 && i < 6;
    a.push(
      makeEvent({
        ts: T0 + i * 60_000,
        session_id: 'sess-aaaaaa111111',
        method: del ? 'DELETE' : 'GET',
        endpoint: del ? PRODUCT : '/admin/api/{version}/products.json',
        risk_level: del ? 3 : 0,
      }),
    );
  }
  const deletes = a.slice(3, 6);
  const alert: Alert = makeAlert({
    ts: deletes[2]!.ts,
    session_id: 'sess-aaaaaa111111',
    rule: 'consecutive_deletes',
    severity: 'critical',
    message: '3 deletes in a row',
    event_ids: deletes.map((e) => e.id),
  });
  // Session B: a forwarded PUT and a PUT refused by Warden, same risk.
  const putOk = makeEvent({ ts: T0 + 30 * 60_000, session_id: 'sess-bbbbbb222222', method: 'PUT', endpoint: PRODUCT, risk_level: 1 });
  const putRefused = makeEvent({
    ts: T0 + 31 * 60_000,
    session_id: 'sess-bbbbbb222222',
    method: 'PUT',
    endpoint: PRODUCT,
    risk_level: 1,
    outcome: 'blocked',
    status: null,
    latency_ms: null,
    error: 'agent writes are paused',
  });

  const items = (nodes: AuditNode[]): Item[] => nodes.map((n) => tree.getTreeItem(n) as unknown as Item);
  const sessionOf = async (id: string): Promise<AuditNode> => {
    const s = (await tree.getChildren()).find((n) => n.kind === 'session' && n.session.sessionId === id);
    assert.ok(s, `session ${id} listed`);
    return s;
  };

  before(async () => {
    t = tempDataDir();
    mkdirSync(join(t.dir, 'journal'), { recursive: true });
    const w = new JournalWriter(join(t.dir, 'journal'), 'writer-a');
    for (const e of a) w.append({ k: 'event', e });
    w.append({ k: 'alert', a: alert });
    new Folder(SQL, { dataDir: t.dir, segmentSize: 1000, retentionDays: 36500, maxEvents: 1e9, onWarning: () => {} }).fold();
    w.append({ k: 'event', e: putOk }); // left in the journal: the reader's overlay
    w.append({ k: 'event', e: putRefused });
    w.close();
    r = await openStoreReader({ dataDir: t.dir, SQL });
    loaded = await loadBundled({ tree: 'extension/src/views/audit-tree.ts' });
    tree = new loaded.modules.tree.AuditTree(async () => r);
    tree.view = view as never;
  });
  after(() => {
    tree.dispose();
    r.close();
    loaded.restore();
    t.cleanup();
  });

  it('"Show in Audit Log" shows exactly the alert\'s events, says so, and selects the newest', async () => {
    await tree.revealAlert(alert);
    assert.equal(view.description, 'Alert: 3 deletes in a row · 3 events — clear filter');
    const roots = await tree.getChildren();
    assert.deepEqual(
      roots.map((n) => (n.kind === 'session' ? n.session.sessionId : n.kind)),
      ['sess-aaaaaa111111'],
    );
    const [session] = items(roots);
    assert.match(session!.description!, /^3 of 10 calls \(alert\)/);
    const children = await tree.getChildren(roots[0]);
    const events = children.filter((n): n is AuditNode & { kind: 'event' } => n.kind === 'event');
    assert.deepEqual(
      events.map((n) => n.event.id),
      [...deletes].reverse().map((e) => e.id),
      'the three deletes, newest first, and no other call of the session',
    );
    for (const item of items(events)) {
      assert.equal(typeof item.label, 'object', 'highlighted');
      assert.match(item.accessibilityInformation!.label, /part of alert: 3 deletes in a row/);
    }
    const widen = children.at(-1)!;
    assert.equal(widen.kind, 'wholeSession');
    const widenItem = items([widen])[0]!;
    assert.equal(labelOf(widenItem), 'Show all 10 calls of this session…');
    assert.deepEqual(widenItem.command, {
      command: 'warden.audit.showSession',
      title: 'Show the whole session',
      arguments: ['sess-aaaaaa111111'],
    });
    assert.equal(view.revealed.length, 1);
    const revealed = view.revealed[0]!;
    assert.ok(revealed.kind === 'event' && revealed.event.id === deletes[2]!.id, "the newest of the alert's events is selected");
  });

  it("the row widens to the whole session, the alert's events still highlighted", async () => {
    tree.showWholeSession('sess-aaaaaa111111');
    assert.equal(view.description, 'Filtered: session …111111');
    const children = await tree.getChildren(await sessionOf('sess-aaaaaa111111'));
    const events = children.filter((n): n is AuditNode & { kind: 'event' } => n.kind === 'event');
    assert.equal(events.length, 10);
    const highlighted = events.filter((n, i) => typeof items(events)[i]!.label === 'object').map((n) => n.event.id);
    assert.deepEqual(highlighted.sort(), deletes.map((e) => e.id).sort());
  });

  it('an alert whose events are gone says so', async () => {
    const gone = { ...alert, id: 'alert-gone', event_ids: [deletes[0]!.id, 'EVENT-NOT-IN-THE-STORE'] };
    tree.setFilter({ alert: gone });
    assert.equal(view.description, 'Alert: 3 deletes in a row · 2 events — clear filter');
    const children = await tree.getChildren(await sessionOf('sess-aaaaaa111111'));
    assert.deepEqual(
      children.map((n) => (n.kind === 'message' ? n.text : n.kind)),
      ['event', "1 of the alert's events is no longer in the audit store", 'wholeSession'],
    );
  });

  it('clearing the filter shows every session; a refused PUT looks different from a forwarded one', async () => {
    tree.setFilter({});
    assert.equal(view.description, '');
    const roots = await tree.getChildren();
    assert.deepEqual(
      roots.map((n) => (n.kind === 'session' ? n.session.sessionId : n.kind)),
      ['sess-bbbbbb222222', 'sess-aaaaaa111111'],
    );
    const [refused, ok] = items(await tree.getChildren(roots[0]));
    assert.equal(labelOf(refused!), `PUT ${PRODUCT}`);
    assert.equal(refused!.iconPath!.id, 'circle-slash');
    assert.equal(ok!.iconPath!.id, 'info');
    assert.equal(refused!.iconPath!.color!.id, ok!.iconPath!.color!.id, 'same risk, same colour');
    assert.match(refused!.description!, /^blocked by Warden · /);
    assert.match(refused!.accessibilityInformation!.label, /blocked by Warden, not sent/);
    // The markdown tooltip is made when the row is hovered (resolveTreeItem), not for every row painted.
    assert.equal((refused as { tooltip?: unknown }).tooltip, undefined);
    const [refusedNode] = await tree.getChildren(roots[0]);
    const resolved = tree.resolveTreeItem(refused as never, refusedNode!) as unknown as { tooltip: { value: string } };
    assert.match(resolved.tooltip.value, /Outcome: blocked by Warden, not sent/);
    assert.match(resolved.tooltip.value, /Error: agent writes are paused/);
  });
});
