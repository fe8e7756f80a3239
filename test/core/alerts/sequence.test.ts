import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceDetector, sequenceStep, type RaisedAlert, type SequenceStep } from '../../../core/alerts/sequence.ts';

/** Builds steps with sequential ids e1, e2, … one second apart (or at an explicit later ts). */
function stepper(start = 1_700_000_000_000) {
  let n = 0;
  let now = start;
  return (over: Partial<SequenceStep> = {}): SequenceStep => {
    n++;
    now = over.ts ?? now + 1000;
    return {
      event_id: `e${n}`,
      ts: now,
      platform: 'shopify',
      action: 'read',
      status: 200,
      categories: [],
      ...over,
    };
  };
}

const del = { action: 'delete', categories: ['product'] } as const;
const write = { action: 'write', categories: ['product'] } as const;
const read = { action: 'read' } as const;
const budget = { platform: 'meta', action: 'write', categories: ['budget'] } as const;

/** Observes every step, returning the alerts raised at each. */
function feed(d: SequenceDetector, steps: SequenceStep[]): RaisedAlert[][] {
  return steps.map((s) => d.observe({ ...s, categories: [...s.categories] }));
}

function rulesAt(raised: RaisedAlert[][]): string[][] {
  return raised.map((a) => a.map((x) => x.rule));
}

describe('consecutive deletes', () => {
  it('fires critical exactly at the third delete, not before', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s(del), s(del), s(del)]);
    assert.deepEqual(raised[0], []);
    assert.deepEqual(raised[1], []);
    assert.equal(raised[2]!.length, 1);
    const alert = raised[2]![0]!;
    assert.equal(alert.rule, 'consecutive_deletes');
    assert.equal(alert.severity, 'critical');
    assert.deepEqual(alert.event_ids, ['e1', 'e2', 'e3']);
    assert.equal(alert.message, '3 delete calls in a row (product)');
  });

  it('re-fires at 6 and 9 with the whole run, and not in between', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(
      d,
      Array.from({ length: 10 }, () => s(del)),
    );
    const firedAt = raised.flatMap((a, i) => (a.some((x) => x.rule === 'consecutive_deletes') ? [i + 1] : []));
    assert.deepEqual(firedAt, [3, 6, 9]);
    const sixth = raised[5]!.find((x) => x.rule === 'consecutive_deletes')!;
    assert.deepEqual(sixth.event_ids, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    assert.match(sixth.message, /^6 delete calls in a row/);
  });

  it('a read or a write breaks the run and it starts over', () => {
    for (const breaker of [read, write]) {
      const s = stepper();
      const d = new SequenceDetector();
      const raised = feed(d, [s(del), s(del), s(breaker), s(del), s(del)]);
      assert.deepEqual(rulesAt(raised).flat(), [], `broken by ${breaker.action}`);
      const third = d.observe(s(del));
      assert.deepEqual(third[0]?.event_ids, ['e4', 'e5', 'e6']);
    }
  });

  it('lists the distinct categories of the run, no customer data', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [
      s({ action: 'delete', categories: ['product'] }),
      s({ action: 'delete', categories: ['webhook', 'product'] }),
      s({ action: 'delete', categories: [] }),
    ]);
    assert.equal(raised[2]![0]!.message, '3 delete calls in a row (product, webhook)');
  });

  it('counts deletes whatever their status', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ ...del, status: 404 }), s({ ...del, status: null }), s({ ...del, status: 200 })]);
    assert.deepEqual(rulesAt(raised)[2], ['consecutive_deletes']);
  });
});

describe('repeated 429', () => {
  it('fires critical at the second consecutive 429, again at the fourth', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 429 }), s({ status: 429 }), s({ status: 429 }), s({ status: 429 })]);
    assert.deepEqual(rulesAt(raised), [[], ['rate_limited_repeatedly'], [], ['rate_limited_repeatedly']]);
    const first = raised[1]![0]!;
    assert.equal(first.severity, 'critical');
    assert.deepEqual(first.event_ids, ['e1', 'e2']);
    assert.equal(first.message, '2 responses in a row were 429 Too Many Requests (shopify)');
    assert.deepEqual(raised[3]![0]!.event_ids, ['e1', 'e2', 'e3', 'e4']);
  });

  it('another status breaks the run', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 429 }), s({ status: 200 }), s({ status: 429 }), s({ status: 503 }), s({ status: 429 })]);
    assert.deepEqual(rulesAt(raised).flat(), []);
  });

  it('a null status (no answer) neither breaks nor extends the run', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 429 }), s({ status: null }), s({ status: 429 })]);
    assert.deepEqual(rulesAt(raised), [[], [], ['rate_limited_repeatedly']]);
    assert.deepEqual(raised[2]![0]!.event_ids, ['e1', 'e3']);
    // and a lone null does not count as a 429
    const d2 = new SequenceDetector();
    const t = stepper();
    assert.deepEqual(rulesAt(feed(d2, [t({ status: 429 }), t({ status: null }), t({ status: null })])).flat(), []);
  });

  it('is not broken by the action: reads and writes both count', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 429, action: 'read' }), s({ status: 429, action: 'write' })]);
    assert.deepEqual(rulesAt(raised)[1], ['rate_limited_repeatedly']);
  });
});

describe('repeated 403', () => {
  it('fires critical exactly at the third consecutive 403', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 403 }), s({ status: 403 }), s({ status: 403 })]);
    assert.deepEqual(rulesAt(raised), [[], [], ['forbidden_repeatedly']]);
    const alert = raised[2]![0]!;
    assert.equal(alert.severity, 'critical');
    assert.deepEqual(alert.event_ids, ['e1', 'e2', 'e3']);
    assert.equal(alert.message, '3 responses in a row were 403 Forbidden (shopify)');
  });

  it('a 429 (or any other status) breaks the 403 run', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 403 }), s({ status: 403 }), s({ status: 429 }), s({ status: 403 }), s({ status: 403 })]);
    assert.deepEqual(rulesAt(raised).flat(), []);
  });

  it('null does not break it', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 403 }), s({ status: null }), s({ status: 403 }), s({ status: 403 })]);
    assert.deepEqual(rulesAt(raised)[3], ['forbidden_repeatedly']);
    assert.deepEqual(raised[3]![0]!.event_ids, ['e1', 'e3', 'e4']);
  });
});

describe('writes without a read', () => {
  it('fires a warning at the tenth write, not the ninth', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(
      d,
      Array.from({ length: 10 }, () => s(write)),
    );
    assert.deepEqual(rulesAt(raised).slice(0, 9).flat(), []);
    assert.deepEqual(rulesAt(raised)[9], ['writes_without_read']);
    const alert = raised[9]![0]!;
    assert.equal(alert.severity, 'warning');
    assert.equal(alert.event_ids.length, 10);
    assert.equal(alert.event_ids[0], 'e1');
    assert.equal(alert.event_ids[9], 'e10');
    assert.equal(alert.message, '10 writes in a row without a read (product)');
  });

  it('deletes count as writes; a read resets', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const steps = [s(write), s(del), s(write), s(write), s(write), s(write), s(write), s(write), s(write), s(read)];
    assert.deepEqual(rulesAt(feed(d, steps)).flat(), []);
    const after = feed(
      d,
      Array.from({ length: 10 }, () => s(write)),
    );
    assert.deepEqual(rulesAt(after)[9], ['writes_without_read']);
    assert.equal(after[9]![0]!.event_ids[0], 'e11');
  });

  it('re-fires at 20 and 30', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(
      d,
      Array.from({ length: 31 }, () => s(write)),
    );
    const firedAt = raised.flatMap((a, i) => (a.length ? [i + 1] : []));
    assert.deepEqual(firedAt, [10, 20, 30]);
  });
});

describe('rapid Meta budget changes', () => {
  it('fires a warning at the third budget change within 10 minutes', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s(budget), s(budget), s(budget)]);
    assert.deepEqual(rulesAt(raised), [[], [], ['rapid_budget_changes']]);
    const alert = raised[2]![0]!;
    assert.equal(alert.severity, 'warning');
    assert.deepEqual(alert.event_ids, ['e1', 'e2', 'e3']);
    assert.equal(alert.message, '3 Meta budget changes within 10 minutes');
  });

  it('changes further apart than the window do not add up', () => {
    const d = new SequenceDetector();
    const t0 = 1_700_000_000_000;
    const at = (id: string, minutes: number): SequenceStep => ({
      event_id: id,
      ts: t0 + minutes * 60_000,
      platform: 'meta',
      action: 'write',
      status: 200,
      categories: ['budget'],
    });
    assert.deepEqual(d.observe(at('a', 0)), []);
    assert.deepEqual(d.observe(at('b', 6)), []);
    // 'a' is 10m00.001s old → out of the window; only b and c remain
    assert.deepEqual(d.observe({ ...at('c', 10), ts: t0 + 600_001 }), []);
    const alerts = d.observe(at('d', 12));
    assert.deepEqual(
      alerts.map((a) => a.rule),
      ['rapid_budget_changes'],
    );
    assert.deepEqual(alerts[0]!.event_ids, ['b', 'c', 'd']);
  });

  it('exactly 10 minutes between first and third still counts', () => {
    const d = new SequenceDetector();
    const t0 = 1_700_000_000_000;
    const step = (id: string, ts: number): SequenceStep => ({
      event_id: id,
      ts,
      platform: 'meta',
      action: 'write',
      status: 200,
      categories: ['budget'],
    });
    d.observe(step('a', t0));
    d.observe(step('b', t0 + 300_000));
    assert.equal(d.observe(step('c', t0 + 600_000)).length, 1);
  });

  it('re-fires after another three changes, with the whole window', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(
      d,
      Array.from({ length: 7 }, () => s(budget)),
    );
    const firedAt = raised.flatMap((a, i) => (a.length ? [i + 1] : []));
    assert.deepEqual(firedAt, [3, 6]);
    assert.deepEqual(raised[5]![0]!.event_ids, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('ignores budget categories on other platforms and other Meta writes', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const steps = [
      s({ platform: 'shopify', action: 'write', categories: ['budget'] }),
      s({ platform: 'meta', action: 'write', categories: ['campaign'] }),
      s({ platform: 'generic', action: 'write', categories: ['budget'] }),
      s(budget),
      s(read),
      s(budget),
    ];
    assert.deepEqual(rulesAt(feed(d, steps)).flat(), []);
    // reads in between do not reset the window: the third budget change fires
    assert.deepEqual(
      d.observe(s(budget)).map((a) => a.rule),
      ['rapid_budget_changes'],
    );
  });
});

describe('detector', () => {
  it('sessions are independent: one detector per session', () => {
    const s = stepper();
    const a = new SequenceDetector();
    const b = new SequenceDetector();
    a.observe(s(del));
    a.observe(s(del));
    b.observe(s(del));
    assert.deepEqual(b.observe(s(del)), []); // b has only 2
    assert.equal(a.observe(s(del)).length, 1); // a reaches 3
    assert.deepEqual(b.observe(s(read)), []);
  });

  it('a mixed, healthy session raises nothing', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const steps: SequenceStep[] = [];
    for (let i = 0; i < 50; i++) {
      steps.push(
        s(read),
        s(write),
        s(del),
        s(read),
        s({ ...del, status: 404 }),
        s({ ...write, status: 429 }),
        s({ status: 403 }),
        s(budget),
      );
      steps.push(s({ ts: 1_700_000_000_000 + (i + 1) * 3_600_000 })); // an hour later: the budget window moves on
    }
    assert.deepEqual(rulesAt(feed(d, steps)).flat(), []);
  });

  it('several rules can fire at the same step', () => {
    const s = stepper();
    const d = new SequenceDetector({ consecutiveDeletes: 2, writesWithoutRead: 2 });
    d.observe(s({ ...del, status: 429 }));
    const raised = d.observe(s({ ...del, status: 429 }));
    assert.deepEqual(raised.map((a) => a.rule).sort(), ['consecutive_deletes', 'rate_limited_repeatedly', 'writes_without_read']);
  });

  it('takes custom thresholds and rejects nonsense', () => {
    const s = stepper();
    const d = new SequenceDetector({ consecutive403: 1 });
    assert.deepEqual(
      d.observe(s({ status: 403 })).map((a) => a.rule),
      ['forbidden_repeatedly'],
    );
    assert.throws(() => new SequenceDetector({ consecutiveDeletes: 0 }), RangeError);
    assert.throws(() => new SequenceDetector({ budgetWindowMs: 1.5 }), RangeError);
  });

  it('caps the ids of a runaway run, keeping the newest, oldest first', () => {
    const s = stepper();
    const d = new SequenceDetector({ maxEventIds: 4 });
    const raised = feed(
      d,
      Array.from({ length: 9 }, () => s(del)),
    );
    const ninth = raised[8]!.find((a) => a.rule === 'consecutive_deletes')!;
    assert.equal(ninth.message, '9 delete calls in a row (product)');
    assert.deepEqual(ninth.event_ids, ['e6', 'e7', 'e8', 'e9']);
    const sixth = raised[5]!.find((a) => a.rule === 'consecutive_deletes')!;
    assert.deepEqual(sixth.event_ids, ['e3', 'e4', 'e5', 'e6']);
  });

  it('returned alerts do not change when the detector moves on', () => {
    const s = stepper();
    const d = new SequenceDetector();
    feed(d, [s(del), s(del)]);
    const [alert] = d.observe(s(del));
    feed(d, [s(read), s(del)]);
    assert.deepEqual(alert!.event_ids, ['e1', 'e2', 'e3']);
  });
});

describe('per platform (issue 7)', () => {
  it('a success on another platform does not reset a run of 429s or 403s', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const ok = { platform: 'meta', status: 200 } as const;
    const raised = feed(d, [s({ status: 429 }), s(ok), s({ status: 429 })]);
    assert.deepEqual(rulesAt(raised), [[], [], ['rate_limited_repeatedly']]);
    assert.deepEqual(raised[2]![0]!.event_ids, ['e1', 'e3']);
    assert.equal(raised[2]![0]!.message, '2 responses in a row were 429 Too Many Requests (shopify)');
    const forbidden = feed(d, [s({ status: 403 }), s(ok), s({ status: 403 }), s({ ...ok, platform: 'generic' }), s({ status: 403 })]);
    assert.deepEqual(rulesAt(forbidden).at(-1), ['forbidden_repeatedly']);
  });

  it('a read or write on another platform does not break a delete run; one on the same platform does', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const elsewhere = { platform: 'meta', action: 'read' } as const;
    const raised = feed(d, [s(del), s(elsewhere), s(del), s({ ...elsewhere, action: 'write' }), s(del)]);
    assert.deepEqual(rulesAt(raised).at(-1), ['consecutive_deletes']);
    assert.deepEqual(raised.at(-1)![0]!.event_ids, ['e1', 'e3', 'e5']);
    const d2 = new SequenceDetector();
    assert.deepEqual(rulesAt(feed(d2, [s(del), s(del), s(read), s(del)])).flat(), []);
  });

  it('statuses of different platforms do not add up to one run', () => {
    const s = stepper();
    const d = new SequenceDetector();
    const raised = feed(d, [s({ status: 403 }), s({ status: 403, platform: 'meta' }), s({ status: 403, platform: 'generic' })]);
    assert.deepEqual(rulesAt(raised).flat(), []);
  });
});

describe('Meta batch events (issue 7)', () => {
  const event = (
    id: string,
    operation: string | null,
    over: Partial<{ action: 'read' | 'write' | 'delete'; status: number | null }> = {},
  ) => ({
    id,
    ts: 1_700_000_000_000,
    platform: 'meta' as const,
    action: over.action ?? 'delete',
    status: over.status === undefined ? 200 : over.status,
    categories: ['object'],
    operation,
  });

  it('one step per item: a batch of three deletes is three deletes, its id listed once', () => {
    const steps = sequenceStep(event('b1', 'batch DELETE /{version}/{id},DELETE /{version}/{id},DELETE /{version}/{id}'));
    assert.equal(steps.length, 3);
    assert.deepEqual(
      steps.map((x) => [x.event_id, x.action, x.status]),
      [
        ['b1', 'delete', 200],
        ['b1', 'delete', null],
        ['b1', 'delete', null],
      ],
    );
    const raised = new SequenceDetector().observe(steps);
    assert.deepEqual(
      raised.map((a) => [a.rule, a.event_ids]),
      [['consecutive_deletes', ['b1']]],
    );
    assert.equal(raised[0]!.message, '3 delete calls in a row (object)');
  });

  it('items keep their own action, in order; reads take no categories', () => {
    const steps = sequenceStep(
      event('b2', 'batch DELETE /{version}/{id},GET /{version}/act_{id}/campaigns,POST /{version}/act_{id}/campaigns'),
    );
    assert.deepEqual(
      steps.map((x) => [x.action, x.categories]),
      [
        ['delete', ['object']],
        ['read', []],
        ['write', ['object']],
      ],
    );
    const d = new SequenceDetector();
    assert.deepEqual(d.observe(sequenceStep(event('x1', null))), []);
    assert.deepEqual(d.observe(steps), [], 'two deletes, then the read item breaks the run');
    assert.deepEqual(d.observe(sequenceStep(event('x2', null))), []);
  });

  it('a batch of two deletes after one delete completes the run', () => {
    const d = new SequenceDetector();
    d.observe(sequenceStep(event('d1', null)));
    const raised = d.observe(sequenceStep(event('b3', 'batch DELETE /{version}/{id},DELETE /{version}/{id}')));
    assert.deepEqual(raised[0]?.event_ids, ['d1', 'b3']);
  });

  it('an event that is not a batch is one step; GraphQL operations are not batches', () => {
    assert.equal(sequenceStep(event('g', 'mutation productDelete,collectionDelete')).length, 1);
    assert.equal(sequenceStep(event('r', null)).length, 1);
  });
});
