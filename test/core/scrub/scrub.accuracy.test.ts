// The published accuracy: the corpus is big enough and covers every family in every carrier,
// and the accuracy script passes its thresholds with README's section up to date (so a
// scrubber change that loses recall, alters a look-alike or leaves the README stale fails CI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { buildAccuracyCorpus, type Carrier } from './corpus/accuracy-corpus.ts';
import { newPiiCounts } from '../../../core/scrub/scrubber.ts';
import { judge, scrubFor } from './corpus/evaluate.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = buildAccuracyCorpus();

describe('scrubber accuracy corpus', () => {
  test('has at least 1,000 cases, 300 of them look-alikes', () => {
    assert.ok(corpus.length >= 1000, `corpus has ${corpus.length} cases`);
    assert.ok(corpus.filter((c) => c.expect === 'none').length >= 300);
  });

  test('every family appears in all four carriers', () => {
    const carriers = new Map<string, Set<Carrier>>();
    for (const c of corpus) carriers.set(c.family, (carriers.get(c.family) ?? new Set()).add(c.carrier));
    const families = [...carriers.keys()].sort();
    for (const family of ['cloud', 'ai', 'ci-registry', 'chat-mail', 'payment', 'database', 'webhook', 'labels', 'cookies', 'har']) {
      assert.ok(families.includes(family), `${family} missing`);
    }
    for (const family of ['k8s-docker', 'secrets-manager', 'pem-lines', 'phone', 'intl-email', 'encoded', 'look-alike']) {
      assert.ok(families.includes(family), `${family} missing`);
    }
    for (const [family, set] of carriers) assert.equal(set.size, 4, `${family} appears only in ${[...set].join(', ')}`);
  });

  test('is deterministic: two builds are identical', () => {
    assert.deepEqual(buildAccuracyCorpus(), corpus);
  });

  test('phones span at least 10 countries in national format', () => {
    const countries = new Set(corpus.filter((c) => c.family === 'phone' && c.name.includes('national')).map((c) => c.name.slice(0, 2)));
    assert.ok(countries.size >= 10, `${countries.size} countries`);
  });

  test('the judge counts a miss as a miss (a case with the secret left in is not a hit)', () => {
    const secret = corpus.find((c) => c.family === 'ai' && c.carrier === 'text')!;
    assert.equal(judge(secret).verdict, 'tp');
    assert.equal(judge({ ...secret, input: 'nothing here', sensitive: ['nothing'] }).verdict, 'fn');
    assert.equal(judge({ ...secret, expect: 'none' }).verdict, 'fp');
  });

  test('scrubbing is idempotent on every case: a second pass changes nothing and counts nothing', () => {
    for (const c of corpus) {
      const once = scrubFor(c.carrier, c.input, newPiiCounts());
      const counts = newPiiCounts();
      assert.deepEqual(scrubFor(c.carrier, once, counts), once, `${c.family}/${c.carrier}: ${c.name}`);
      assert.deepEqual(counts, newPiiCounts(), `${c.family}/${c.carrier}: ${c.name} counted again`);
    }
  });

  test('scripts/scrub-accuracy.ts --check passes: thresholds met and README up to date', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/scrub-accuracy.ts', '--check'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /scrubber accuracy: \d+ cases/);
  });
});
