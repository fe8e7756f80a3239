// Runs every corpus case through the scrubber entry point for its carrier: exact output, the
// raw secret absent, and the finding counts. Also pins the corpus size and checks that
// scrubbing is idempotent (a second pass finds nothing and changes nothing).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PiiCounts } from '../../../core/types.ts';
import { newPiiCounts, scrubHeaders, scrubText, scrubUrl, scrubValue } from '../../../core/scrub/scrubber.ts';
import { CORPUS, type Carrier, type CorpusCase } from './corpus.ts';

function scrubFor(carrier: Carrier, input: unknown, counts: PiiCounts): unknown {
  switch (carrier) {
    case 'header':
      return scrubHeaders(input as Record<string, string | string[]>, counts);
    case 'query':
      return scrubUrl(input as string, counts);
    case 'json':
      return scrubValue(input, counts);
    case 'text':
      return scrubText(input as string, counts);
  }
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

describe('scrubber corpus', () => {
  test('has at least 300 cases, 100 of them look-alikes, and every family in all four carriers', () => {
    assert.ok(CORPUS.length >= 300, `corpus has ${CORPUS.length} cases`);
    const survivors = CORPUS.filter((c) => c.family === 'survivor');
    assert.ok(survivors.length >= 100, `corpus has ${survivors.length} look-alikes`);
    const carriersByFamily = new Map<string, Set<Carrier>>();
    for (const c of CORPUS) {
      const set = carriersByFamily.get(c.family) ?? new Set<Carrier>();
      set.add(c.carrier);
      carriersByFamily.set(c.family, set);
    }
    for (const [family, carriers] of carriersByFamily) {
      assert.equal(carriers.size, 4, `${family} appears only in ${[...carriers].join(', ')}`);
    }
    assert.ok(carriersByFamily.size >= 19, 'a family went missing');
  });

  const byFamily = new Map<string, CorpusCase[]>();
  for (const c of CORPUS) byFamily.set(c.family, [...(byFamily.get(c.family) ?? []), c]);

  for (const [family, cases] of byFamily) {
    describe(family, () => {
      for (const c of cases) {
        test(`${c.carrier}: ${c.name}`, () => {
          const counts = newPiiCounts();
          const out = scrubFor(c.carrier, c.input, counts);
          assert.deepEqual(out, c.expected);
          const text = asText(out);
          for (const secret of c.absent) assert.ok(!text.includes(secret), `${JSON.stringify(secret)} survived in ${text}`);
          assert.deepEqual(counts, { ...newPiiCounts(), ...c.counts });
        });
      }
    });
  }

  test('scrubbing is idempotent: a second pass changes nothing and counts nothing', () => {
    for (const c of CORPUS) {
      const once = scrubFor(c.carrier, c.input, newPiiCounts());
      const counts = newPiiCounts();
      const twice = scrubFor(c.carrier, once, counts);
      assert.deepEqual(twice, once, `${c.family}/${c.carrier}: ${c.name}`);
      assert.deepEqual(counts, newPiiCounts(), `${c.family}/${c.carrier}: ${c.name} counted again`);
    }
  });
});
