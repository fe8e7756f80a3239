// SSRF rules: address ranges, allow-list matching and URL checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkUrl, findHostRule, forbiddenAddressReason, guardedLookup, SsrfError } from '../../guard-server/forward/ssrf.ts';

describe('forbiddenAddressReason', () => {
  it('refuses private, loopback, reserved and mapped addresses unless explicitly allowed', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fd12::3',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '224.0.0.1',
    ]) {
      assert.match(forbiddenAddressReason(ip, false) ?? '', /loopback, private or reserved/, ip);
      assert.equal(forbiddenAddressReason(ip, true), null, `${ip} explicitly allowed`);
    }
  });
  it('always refuses link-local and metadata addresses', () => {
    for (const ip of ['169.254.169.254', '169.254.0.1', 'fe80::1', 'fd00:ec2::254', '::ffff:169.254.169.254']) {
      assert.match(forbiddenAddressReason(ip, true) ?? '', /link-local\/metadata/, ip);
    }
  });
  it('lets public addresses through', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1', '11.0.0.1'])
      assert.equal(forbiddenAddressReason(ip, false), null, ip);
  });
});

describe('host rules and URL checks', () => {
  const rules = [
    { pattern: 'api.example.com', exact: true },
    { pattern: '*.shop.example', exact: false },
    { pattern: '127.0.0.1:9000', exact: true },
  ];
  it('matches exact hosts, wildcards and ports', () => {
    assert.equal(findHostRule(rules, 'API.example.com', '443')?.pattern, 'api.example.com');
    assert.equal(findHostRule(rules, 'a.b.shop.example', '443')?.pattern, '*.shop.example');
    assert.equal(findHostRule(rules, 'shop.example', '443'), null, 'the bare domain is not *.domain');
    assert.equal(findHostRule(rules, 'evilshop.example', '443'), null);
    assert.equal(findHostRule(rules, '127.0.0.1', '9000')?.pattern, '127.0.0.1:9000');
    assert.equal(findHostRule(rules, '127.0.0.1', '9001'), null);
  });
  it('checkUrl refuses schemes, embedded credentials, unknown hosts and private literals', () => {
    const refused: [string, RegExp][] = [
      ['file:///etc/passwd', /scheme file:/],
      ['gopher://api.example.com/', /scheme gopher:/],
      ['https://u:p@api.example.com/', /embedded credentials/],
      ['https://other.example.com/', /not in WARDEN_HTTP_ALLOW/],
    ];
    for (const [url, why] of refused)
      assert.throws(
        () => checkUrl(new URL(url), rules),
        (e: Error) => e instanceof SsrfError && why.test(e.message),
        url,
      );
    assert.throws(() => checkUrl(new URL('https://x.com/'), []), /disabled/);
    assert.throws(() => checkUrl(new URL('http://10.0.0.1/'), [{ pattern: '*', exact: false }]), /private/);
    assert.equal(checkUrl(new URL('http://127.0.0.1:9000/x'), rules).pattern, '127.0.0.1:9000');
  });
  it('the connect-time lookup refuses names that resolve to loopback', async () => {
    const lookup = guardedLookup(() => false);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    assert.equal(err?.code, 'EWARDENSSRF');
    const allowed = guardedLookup(() => true);
    const addr = await new Promise<string>((resolve, reject) => allowed('localhost', {}, (e, a) => (e ? reject(e) : resolve(a as string))));
    assert.match(addr, /^(127\.0\.0\.1|::1)$/);
  });
});
