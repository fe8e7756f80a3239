// One test per class the scrubber learned beyond its closed list (issue 7): provider formats
// from gitleaks' rules, the context-gated entropy detector, labels in prose and command lines,
// cookie lines, structures (HAR, Kubernetes, Docker, secrets managers, JSON inside text), PEM
// lines, phones in context, internationalised emails, percent-encoding, and the look-alikes
// that must survive. All values are fakes in real formats.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newPiiCounts, scrubHeaders, scrubLine, scrubText, scrubUrl, scrubValue } from '../../../core/scrub/scrubber.ts';
import { PROVIDER_FORMATS, PROVIDER_FORMATS_VERSION } from '../../../core/scrub/provider-formats.ts';

const R = '[REDACTED]';
const P = '[phone_redacted]';
const E = '[email_redacted]';
const B62 = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ0cF2hJ4';

function counted(fn: (counts: ReturnType<typeof newPiiCounts>) => unknown) {
  const counts = newPiiCounts();
  const out = fn(counts);
  return { out, counts };
}

describe('provider formats (gitleaks rules as data)', () => {
  test('the data names its source and holds the provider rules', () => {
    assert.match(PROVIDER_FORMATS_VERSION, /^v8\.\d+/);
    assert.ok(PROVIDER_FORMATS.length >= 150);
    for (const f of PROVIDER_FORMATS) assert.ok(f.keywords.length > 0, `${f.id} has no keyword`);
  });

  test('formats the old closed list missed are redacted, the text around them kept', () => {
    const samples = [
      'sk-ant-api03-' + 'x'.repeat(20) + B62.repeat(2).slice(0, 73) + 'AA', // Anthropic (also sk-)
      'pypi-AgEIcHlwaS5vcmc' + B62 + B62,
      'dp.pt.' + B62 + 'abcdefghij',
      'dckr_pat_' + B62.slice(0, 27),
      'hf_' + 'kfkvCHzoQGUuIIoCVjxmzMIswMpLWYzMLV',
      'glptt-' + '0123456789abcdef0123456789abcdef01234567',
      'xoxe.xoxp-1-' + B62 + B62 + B62 + B62.slice(0, 30),
      'ya29.' + B62 + B62,
      '1234567890:AA' + B62.slice(0, 33),
      'key-0123456789abcdef0123456789abcdef',
      'sq0csp-' + B62 + 'abcdefghij',
      'access_token$production$abcd1234efgh5678$0123456789abcdef0123456789abcdef',
    ];
    for (const secret of samples) {
      const { out, counts } = counted((c) => scrubText(`failed (${secret}) for order #1001`, c));
      assert.ok(!String(out).includes(secret), `${secret} survived: ${String(out)}`);
      assert.ok(counts.secret >= 1, secret);
      assert.ok(String(out).startsWith('failed (') && String(out).endsWith(') for order #1001'), String(out));
    }
  });

  test('a rule with a context word keeps the word and loses only the secret', () => {
    assert.equal(scrubText('algolia_api_key = "0123456789abcdef0123456789abcdef"'), `algolia_api_key = "${R}"`);
  });
});

describe('entropy detector, gated by a secret-like name', () => {
  test('a random value next to a key/secret/auth name goes, in text and JSON', () => {
    assert.equal(scrubText(`webhook_signing_key: ${B62}`), `webhook_signing_key: ${R}`);
    assert.equal(scrubText(`x-custom-auth=${B62}`), `x-custom-auth=${R}`);
    assert.deepEqual(scrubValue({ signingKey: B62, hashSalt: B62 }), { signingKey: R, hashSalt: R });
  });

  test('ids, handles and low-entropy values next to such names survive', () => {
    const survivors = {
      key: 'color',
      idempotencyKey: '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f',
      cacheKey: 'gid://shopify/Product/8123456789012',
      sortKey: 'CREATED_AT',
      keyboard_sku: 'KB7x9QpL2mN4vR8tZ1wY', // "keyboard" is not the word "key"
      sessionHandle: 'summer-linen-shirt-2026',
      authVersion: '2.0.0-beta.3',
      objectKey: '507f1f77bcf86cd799439011',
    };
    assert.deepEqual(scrubValue(survivors), survivors);
    assert.deepEqual(scrubValue({ pass: 3, fail: 0 }), { pass: 3, fail: 0 }); // test counts, not a password
    assert.equal(scrubText('keyboard_sku: KB7x9QpL2mN4vR8tZ1wY'), 'keyboard_sku: KB7x9QpL2mN4vR8tZ1wY');
  });
});

describe('labels in prose and command lines', () => {
  test('"password is …", pwd:, passphrase, curl -u and --password', () => {
    assert.equal(scrubText('the new password is hunter2!'), `the new password is ${R}`);
    assert.equal(scrubText('pwd: s3cr3t!x'), `pwd: ${R}`);
    assert.equal(scrubText('passphrase = "correct horse battery staple"'), `passphrase = "${R}"`);
    assert.equal(scrubText('curl -u admin:Sup3rS3cret https://api.example.com'), `curl -u admin:${R} https://api.example.com`);
    assert.equal(scrubText('curl --user "deploy:Xy9$abc" https://ci.example.com'), `curl --user "deploy:${R}" https://ci.example.com`);
    assert.equal(scrubText('mysql --password=Zq8w7e6r5 -h db'), `mysql --password=${R} -h db`);
  });

  test('error messages about passwords survive', () => {
    for (const s of [
      'Error: password is required',
      'password is too short (min 12 chars)',
      'the token is expired',
      'password: ${DB_PASSWORD}',
    ]) {
      assert.equal(scrubText(s), s);
    }
  });

  test('Cookie and Set-Cookie lines in logs', () => {
    assert.equal(scrubText('> Set-Cookie: _session_id=abc123def456; Path=/; HttpOnly'), `> Set-Cookie: ${R}`);
    assert.equal(scrubText('cookie: _shopify_y=1a2b; _session=xyz789'), `cookie: ${R}`);
  });
});

describe('structures', () => {
  test('HAR {name, value} pairs, cookie lists and query strings', () => {
    const har = {
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'Authorization', value: 'Bearer abc.def.ghi' },
      ],
      cookies: [{ name: '_s', value: 'opaque', httpOnly: true }],
      queryString: [{ name: 'access_token', value: 'tok' }],
    };
    assert.deepEqual(scrubValue(har), {
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'Authorization', value: R },
      ],
      cookies: [{ name: '_s', value: R, httpOnly: true }],
      queryString: [{ name: 'access_token', value: R }],
    });
  });

  test('Kubernetes env and Secrets, Docker auths', () => {
    assert.deepEqual(
      scrubValue({
        env: [
          { name: 'PORT', value: '8080' },
          { name: 'DB_PASSWORD', value: 'hunter2' },
        ],
      }),
      {
        env: [
          { name: 'PORT', value: '8080' },
          { name: 'DB_PASSWORD', value: R },
        ],
      },
    );
    assert.deepEqual(scrubValue({ kind: 'Secret', data: { user: 'YWRtaW4=' }, stringData: { cfg: 'x' } }), {
      kind: 'Secret',
      data: { user: R },
      stringData: { cfg: R },
    });
    assert.deepEqual(scrubValue({ kind: 'ConfigMap', data: { region: 'eu-west-1' } }), {
      kind: 'ConfigMap',
      data: { region: 'eu-west-1' },
    });
    assert.deepEqual(scrubValue({ auths: { 'ghcr.io': { auth: 'Ym90OnBhc3M=' } } }), { auths: { 'ghcr.io': { auth: R } } });
  });

  test('secrets-manager payloads: AWS, SSM, Azure Key Vault, GCP', () => {
    assert.deepEqual(scrubValue({ Name: 'prod/db', SecretString: '{"password":"x"}' }), { Name: 'prod/db', SecretString: R });
    assert.deepEqual(scrubValue({ Parameter: { Name: '/prod/db', Type: 'SecureString', Value: 'v' } }), {
      Parameter: { Name: '/prod/db', Type: 'SecureString', Value: R },
    });
    assert.deepEqual(scrubValue({ id: 'https://kv.vault.azure.net/secrets/db/1', value: 'v' }), {
      id: 'https://kv.vault.azure.net/secrets/db/1',
      value: R,
    });
    assert.deepEqual(scrubValue({ name: 'projects/1/secrets/s/versions/1', payload: { data: 'djE=' } }), {
      name: 'projects/1/secrets/s/versions/1',
      payload: { data: R },
    });
  });

  test('JSON written inside text is scrubbed as a structure, and left byte for byte when clean', () => {
    const text = 'har: {"headers":[{"name":"X-Shopify-Access-Token","value":"opaque-value"}]} end';
    assert.equal(scrubText(text), `har: {"headers":[{"name":"X-Shopify-Access-Token","value":"${R}"}]} end`);
    const clean = 'body: { "a": 1,  "b": [1, 2] }';
    assert.equal(scrubText(clean), clean);
    assert.deepEqual(scrubHeaders({ 'x-manifest': '{"env":[{"name":"API_TOKEN","value":"v"}]}' }), {
      'x-manifest': `{"env":[{"name":"API_TOKEN","value":"${R}"}]}`,
    });
  });

  test('private-key lines logged one at a time', () => {
    assert.equal(scrubText('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj'), R);
    assert.equal(scrubText('key: kX3vF9qLmN2pR7sT1uW4yZ6aB8cD0eG5hJ3kM7nP9qR2sU4vW6xY8zA1bC3dE5fG'), `key: ${R}`);
    assert.equal(scrubText('-----END PRIVATE KEY-----'), R);
    const sha256 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    assert.equal(scrubText(`sha256 ${sha256}`), `sha256 ${sha256}`);
  });
});

describe('phones with context (libphonenumber-js)', () => {
  const national = [
    ['GB', '07400 123456'],
    ['DE', '01512 3456789'],
    ['FR', '06 12 34 56 78'],
    ['IT', '312 345 6789'],
    ['ES', '612 34 56 78'],
    ['NL', '06 12345678'],
    ['IN', '081234 56789'],
    ['JP', '090-1234-5678'],
    ['BR', '(11) 96123-4567'],
    ['AU', '0412 345 678'],
    ['MX', '222 123 4567'],
    ['CN', '131 2345 6789'],
  ];

  test('national formats of 12 countries under a phone key, header, parameter and label', () => {
    for (const [country, number] of national) {
      assert.deepEqual(scrubValue({ phone: number }), { phone: P }, `${country} json`);
      assert.deepEqual(scrubHeaders({ 'x-customer-mobile': number! }), { 'x-customer-mobile': P }, `${country} header`);
      assert.equal(
        scrubUrl(`https://x.example.com/c?tel=${encodeURIComponent(number!)}&limit=5`),
        `https://x.example.com/c?tel=${P}&limit=5`,
      );
      assert.equal(scrubText(`WhatsApp ${number} for order #1001`), `WhatsApp ${P} for order #1001`, `${country} text`);
    }
  });

  test('without context the same digits are not phones when they could be ids', () => {
    assert.equal(scrubText('ref 4155550132 noted'), 'ref 4155550132 noted');
    assert.deepEqual(scrubValue({ order_number: '3123456789' }), { order_number: '3123456789' });
    assert.equal(scrubText('api call at 2025-10-01 12:00:00'), 'api call at 2025-10-01 12:00:00');
    assert.equal(scrubText('call failed for order 1001234567'), 'call failed for order 1001234567');
  });

  test('the 00 international prefix counts everywhere', () => {
    assert.equal(scrubText('reach us at 0044 20 7946 0958'), `reach us at ${P}`);
    assert.equal(scrubText('id 0012345678'), 'id 0012345678');
  });
});

describe('emails', () => {
  test('internationalised addresses and IDN top-level domains', () => {
    for (const email of ['josé.garcía@correo.es', 'пользователь@пример.рф', '用户@例子.中国', 'user@example.xn--p1ai']) {
      assert.equal(scrubText(`ship to ${email} tomorrow`), `ship to ${E} tomorrow`, email);
    }
  });

  test('git SSH remotes are not addresses', () => {
    for (const s of ['git@github.com:acme/shop.git', 'ssh://git@gitlab.com/acme/shop.git']) assert.equal(scrubText(s), s);
    // …but an address followed by a colon and no path is still an address.
    assert.equal(scrubText('to=jane@example.com:status=sent'), `to=${E}:status=sent`);
  });
});

describe('percent-encoded values (at most two rounds, shared by every path and the CLI)', () => {
  const twice = (s: string) => encodeURIComponent(encodeURIComponent(s));

  test('double-encoded email, label and token in text, JSON, query and a CLI line', () => {
    assert.equal(scrubText(`to ${twice('jane@example.com')}`), `to ${E}`);
    assert.equal(scrubText(twice('password=Zq8w7e6r5')), `password=${R}`);
    assert.deepEqual(scrubValue({ next: twice('/cb?token=abc') }), { next: `/cb?token=${R}` });
    assert.ok(!scrubUrl(`https://x.example.com/a?next=${twice('/cb?token=abc')}`).includes('abc'));
    assert.equal(scrubLine(`{"next":"${twice('/cb?token=abc')}"}`), `{"next":"/cb?token=${R}"}`);
    assert.equal(scrubLine(`to ${twice('jane@example.com')}`), `to ${E}`);
  });

  test('clean encoded text is left as written; malformed escapes do not throw', () => {
    assert.equal(scrubText('q=summer%20linen%20shirt'), 'q=summer%20linen%20shirt');
    assert.equal(scrubText('100%zz off %E0%A4%A'), '100%zz off %E0%A4%A');
  });
});

describe('look-alikes', () => {
  test('GraphQL variable definitions and arguments survive', () => {
    const q = 'mutation login($email: String!, $password: String!) { login(password: $password, token: $t) { accessToken } }';
    assert.equal(scrubText(q), q);
    assert.deepEqual(scrubValue({ query: q }), { query: q });
  });

  test('ids, tracking numbers, sizes, SKUs, versions and prices survive', () => {
    for (const s of [
      'gid://shopify/ProductVariant/44123456789012',
      'tracking 1Z999AA10123456784, USPS 9400 1000 0000 0000 0000 00',
      'Sizes: XS, S, M, L, XL, XXL',
      'skus: AB-1234-XL, AB-1234-L',
      '2.0.0-beta.3+build.20260601',
      'prices: 19.99, 24.50, 1,299.00',
      '2026-06-01T10:15:30.123Z',
      'F47AC10B-58CC-4372-A567-0E02B2C3D479',
    ]) {
      assert.equal(scrubText(s), s);
    }
  });
});
