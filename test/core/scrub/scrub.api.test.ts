// The scrubber's API contract beyond the corpus: tokens and counts, scrubValue's purity and
// number policy, scrubLine's JSON handling (big integers kept exact), scrubUrl never throwing,
// scrubHeaders' shape, and a few family edge cases.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REDACTED, newPiiCounts, scrubHeaders, scrubLine, scrubText, scrubUrl, scrubValue } from '../../../core/scrub/scrubber.ts';
import { isCardNumber, luhnValid } from '../../../core/scrub/card.ts';

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

describe('tokens and counts', () => {
  test('REDACTED and a fresh counts object', () => {
    assert.equal(REDACTED, '[REDACTED]');
    assert.deepEqual(newPiiCounts(), { email: 0, phone: 0, card: 0, secret: 0 });
    assert.notEqual(newPiiCounts(), newPiiCounts());
  });

  test('counts accumulate across calls and types', () => {
    const counts = newPiiCounts();
    scrubText('mail jane@example.com or +44 20 7946 0958', counts);
    scrubUrl('https://x.example.com/?access_token=abc&to=bob%40example.com', counts);
    scrubValue({ card: '4111 1111 1111 1111', password: 'x1' }, counts);
    assert.deepEqual(counts, { email: 2, phone: 1, card: 1, secret: 2 });
  });

  test('counts are optional', () => {
    assert.equal(scrubText('jane@example.com'), '[email_redacted]');
  });
});

describe('scrubText', () => {
  test('an address keeps its surrounding punctuation', () => {
    assert.equal(scrubText('(jane@example.com).'), '([email_redacted]).');
    assert.equal(scrubText('<jane@example.com>, bob@example.org;'), '<[email_redacted]>, [email_redacted];');
  });

  test('URL-encoded addresses are found too', () => {
    assert.equal(scrubText('/customers/search?query=jane%40example.com'), '/customers/search?query=[email_redacted]');
  });

  test('a PEM block without its footer is still redacted', () => {
    const out = scrubText('key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7');
    assert.equal(out, 'key: [REDACTED]');
  });

  test('a database password goes but host and user stay; the URL is not read as an email', () => {
    const counts = newPiiCounts();
    assert.equal(
      scrubText('DATABASE_URL postgres://shop:p4ss@db.example.com:5432/app', counts),
      'DATABASE_URL postgres://shop:[REDACTED]@db.example.com:5432/app',
    );
    assert.deepEqual(counts, { ...newPiiCounts(), secret: 1 });
  });

  test('a secret in a label counts once even when it also has a known format', () => {
    const counts = newPiiCounts();
    assert.equal(scrubText('access_token=shpat_0123456789abcdef0123456789abcdef', counts), 'access_token=[REDACTED]');
    assert.equal(counts.secret, 1);
  });

  test('several findings in one string', () => {
    const counts = newPiiCounts();
    const out = scrubText(
      'jane@example.com paid with 5555 5555 5555 4444, call (415) 555-0132, token ghp_R2d2C3poBB8aLuke5kyWalker0123456789',
      counts,
    );
    assert.equal(out, '[email_redacted] paid with [card_redacted], call [phone_redacted], token [REDACTED]');
    assert.deepEqual(counts, { email: 1, phone: 1, card: 1, secret: 1 });
  });

  test('two cards separated by a space are two cards', () => {
    assert.equal(scrubText('4111 1111 1111 1111 5555 5555 5555 4444'), '[card_redacted] [card_redacted]');
  });

  test('non-string input is returned as is at runtime', () => {
    assert.equal(scrubText(undefined as unknown as string), undefined);
  });
});

describe('cards', () => {
  test('Luhn', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
  });

  test('network rules: prefix and length must match an issuer', () => {
    assert.equal(isCardNumber('4111111111111111'), true); // Visa 16
    assert.equal(isCardNumber('4222222222222'), true); // Visa 13
    assert.equal(isCardNumber('378282246310005'), true); // Amex 15
    assert.equal(isCardNumber('1234567812345670'), false); // Luhn-valid, no issuer starts with 1
    assert.equal(isCardNumber('8123456789017'), false); // Luhn-valid 13-digit Shopify-style id
    assert.equal(isCardNumber('5555555555554444'.slice(0, 15) + '9'), false); // Luhn-invalid
  });
});

describe('scrubValue', () => {
  const input = deepFreeze({
    query: 'mutation { customerCreate(input: $input) { customer { id } } }',
    variables: {
      input: { email: 'jane@example.com', phone: '+1 (415) 555-0132', tags: ['vip', 'jane@example.com'] },
      token: 'abc',
      list: [[4111111111111111, 632910392], { nested: { password: 'p' } }],
    },
  });

  test('returns a new value and never mutates the (frozen) input', () => {
    const before = structuredClone(input);
    const out = scrubValue(input);
    assert.deepEqual(input, before);
    assert.notEqual(out, input);
    assert.notEqual(out.variables, input.variables);
    assert.deepEqual(out, {
      query: input.query,
      variables: {
        input: { email: '[email_redacted]', phone: '[phone_redacted]', tags: ['vip', '[email_redacted]'] },
        token: '[REDACTED]',
        list: [['[card_redacted]', 632910392], { nested: { password: '[REDACTED]' } }],
      },
    });
  });

  test('numbers stay numbers unless they are a plausible card', () => {
    assert.equal(scrubValue(4111111111111111), '[card_redacted]');
    assert.equal(scrubValue(1732406400000), 1732406400000);
    assert.equal(scrubValue(4111111111111112), 4111111111111112);
    assert.equal(scrubValue(-4111111111111111), -4111111111111111);
    assert.equal(scrubValue(19.99), 19.99);
  });

  test('plain JSON key "key" is a field, not a credential', () => {
    assert.deepEqual(scrubValue({ key: 'color', value: 'blue' }), { key: 'color', value: 'blue' });
  });

  test('keys are scrubbed too', () => {
    assert.deepEqual(scrubValue({ 'jane@example.com': 1 }), { '[email_redacted]': 1 });
  });

  test('a parsed "__proto__" key stays an ordinary property', () => {
    const out = scrubValue(JSON.parse('{"__proto__":{"polluted":"jane@example.com"}}') as object) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: '[email_redacted]' });
    assert.equal(scrubLine('{"__proto__":{"a":1}}'), '{"__proto__":{"a":1}}');
  });

  test('primitives, null and non-plain objects pass through', () => {
    const date = new Date(0);
    assert.equal(scrubValue(null), null);
    assert.equal(scrubValue(true), true);
    assert.equal(scrubValue(date), date);
  });

  test('nesting beyond the depth limit is cut, not a stack overflow', () => {
    let deep: unknown = 'jane@example.com';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const out = JSON.stringify(scrubValue(deep));
    assert.ok(out.includes('"[REDACTED]"'));
    assert.ok(!out.includes('jane@example.com'));
  });
});

describe('scrubLine', () => {
  test('a JSON line is scrubbed as a value and re-serialised', () => {
    const counts = newPiiCounts();
    assert.equal(
      scrubLine('{"method":"POST","url":"https://x.example.com/?token=t1","body":{"email":"a@b.co","key":"color"}}', counts),
      '{"method":"POST","url":"https://x.example.com/?token=[REDACTED]","body":{"email":"[email_redacted]","key":"color"}}',
    );
    assert.deepEqual(counts, { ...newPiiCounts(), email: 1, secret: 1 });
  });

  test('integers beyond 2^53 keep their exact digits', () => {
    const line = '{"id":23851234567890123,"ids":[120210000000000001,-98765432109876543210],"note":"id 23851234567890123"}';
    assert.equal(scrubLine(line), line);
  });

  test('a big integer that is a card becomes the card token', () => {
    assert.equal(scrubLine('{"n":4000000000000000006}'), '{"n":"[card_redacted]"}');
  });

  test('an array line and surrounding whitespace', () => {
    assert.equal(scrubLine('  ["jane@example.com", 1]  '), '["[email_redacted]",1]');
  });

  test('plain text and broken JSON lines are scrubbed as text', () => {
    assert.equal(scrubLine('user jane@example.com logged in'), 'user [email_redacted] logged in');
    assert.equal(scrubLine('{"email": "jane@example.com", '), '{"email": "[email_redacted]", ');
    assert.equal(scrubLine('19.99'), '19.99');
    assert.equal(scrubLine(''), '');
  });
});

describe('scrubUrl', () => {
  test('names are kept, values go, other parameters are scrubbed as text', () => {
    assert.equal(
      scrubUrl('https://graph.facebook.com/v23.0/me?fields=id,email&access_token=EAAB1&email=jane%40example.com'),
      'https://graph.facebook.com/v23.0/me?fields=id,email&access_token=[REDACTED]&email=[email_redacted]',
    );
  });

  test('empty token values are left alone and not counted', () => {
    const counts = newPiiCounts();
    assert.equal(scrubUrl('https://x.example.com/?token=&a=1', counts), 'https://x.example.com/?token=&a=1');
    assert.equal(counts.secret, 0);
  });

  test('userinfo passwords in the URL itself', () => {
    assert.equal(scrubUrl('https://admin:hunter2@x.example.com/path?a=1'), 'https://admin:[REDACTED]@x.example.com/path?a=1');
  });

  test('never throws on malformed input', () => {
    const malformed = [
      '',
      '?',
      '#',
      '&',
      '=',
      '%',
      '%%%',
      '?=&=',
      '?a=%E0%A4%A',
      'http://[::1',
      ':::://',
      '#?#?',
      'https://x/?q=%',
      'https://x/?%zz=1',
      '?token=%E0%A4%A',
      'https://x/?e=\uD800%40example.com',
      '\uDFFF?\uD800=\uD800',
    ];
    for (const url of malformed) assert.equal(typeof scrubUrl(url), 'string', JSON.stringify(url));
  });

  test('never throws on random URL-ish strings (deterministic fuzz)', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      '9',
      '%',
      '2',
      'B',
      '4',
      '@',
      '?',
      '&',
      '=',
      '#',
      '/',
      ':',
      '.',
      '+',
      ' ',
      '-',
      '_',
      '\uD800',
      'é',
      'token',
      'key',
      'EAA',
    ];
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 3000; i++) {
      let s = 'https://x.example.com/';
      const n = Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      const once = scrubUrl(s);
      assert.equal(typeof once, 'string');
      assert.equal(scrubUrl(once), once, `not idempotent on ${JSON.stringify(s)}`);
    }
  });
});

describe('scrubHeaders', () => {
  test('drops undefined, keeps names and arrays, does not mutate', () => {
    const headers = deepFreeze({
      Authorization: 'Bearer abc',
      'X-Request-Id': 'r-1',
      'set-cookie': ['a=1', 'b=2'],
      'x-empty-token': '',
      'x-forwarded-for': undefined,
      'x-note': 'call +44 20 7946 0958',
    });
    const counts = newPiiCounts();
    const out = scrubHeaders(headers, counts);
    assert.deepEqual(out, {
      Authorization: '[REDACTED]',
      'X-Request-Id': 'r-1',
      'set-cookie': ['[REDACTED]', '[REDACTED]'],
      'x-empty-token': '',
      'x-note': 'call [phone_redacted]',
    });
    assert.deepEqual(counts, { ...newPiiCounts(), phone: 1, secret: 3 });
    assert.equal(headers.Authorization, 'Bearer abc');
  });

  test('header names are matched case-insensitively and by fragment', () => {
    const out = scrubHeaders({ AUTHORIZATION: 'x', 'X-My-Service-Token': 'y', 'X-Webhook-Signature': 'z', 'Content-Type': 'text/plain' });
    assert.deepEqual(out, {
      AUTHORIZATION: REDACTED,
      'X-My-Service-Token': REDACTED,
      'X-Webhook-Signature': REDACTED,
      'Content-Type': 'text/plain',
    });
  });
});
