// Settings validation (extension/src/settings/schema.ts): defaults, valid values, and a clear
// problem plus the default for each invalid one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SETTING_DEFAULTS, normaliseCloudUrl, validateSettings } from '../../extension/src/settings/schema.ts';

const from = (o: Record<string, unknown>) => (key: string) => o[key];

describe('settings', () => {
  it('unset settings take the defaults, with no problem', () => {
    const { settings, problems } = validateSettings(from({}));
    assert.deepEqual(settings, SETTING_DEFAULTS);
    assert.deepEqual(problems, []);
  });

  it('valid values are used (hosts lower-cased, cloud URL normalised)', () => {
    const { settings, problems } = validateSettings(
      from({
        dataDir: '/tmp/w',
        policy: 'block',
        autoPause: false,
        'shopify.apiVersion': '2024-07',
        'meta.apiVersion': 'v21.0',
        'http.allowedHosts': ['API.example.com', '*.corp.test', 'localhost:8080'],
        retentionDays: 7,
        maxEvents: 5000,
        'notifications.level': 'warning',
        'cloud.url': 'https://cloud.example.com/',
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(settings.policy, 'block');
    assert.equal(settings.autoPause, false);
    assert.deepEqual(settings.allowedHosts, ['api.example.com', '*.corp.test', 'localhost:8080']);
    assert.equal(settings.cloudUrl, 'https://cloud.example.com');
    assert.equal(settings.notificationLevel, 'warning');
  });

  it('each invalid value is named in a problem and replaced by its default', () => {
    const { settings, problems } = validateSettings(
      from({
        policy: 'yolo',
        autoPause: 'yes',
        'shopify.apiVersion': '2025',
        'meta.apiVersion': '23',
        'http.allowedHosts': ['https://x.com/path', 'ok.example.com'],
        retentionDays: 0,
        maxEvents: 1.5,
        'notifications.level': 'all',
        'cloud.url': 'http://cloud.example.com',
      }),
    );
    assert.equal(settings.policy, 'monitor');
    assert.equal(settings.autoPause, true);
    assert.equal(settings.shopifyApiVersion, SETTING_DEFAULTS.shopifyApiVersion);
    assert.equal(settings.metaApiVersion, SETTING_DEFAULTS.metaApiVersion);
    assert.deepEqual(settings.allowedHosts, ['ok.example.com']);
    assert.equal(settings.retentionDays, SETTING_DEFAULTS.retentionDays);
    assert.equal(settings.maxEvents, SETTING_DEFAULTS.maxEvents);
    assert.equal(settings.notificationLevel, 'critical');
    assert.equal(settings.cloudUrl, '');
    for (const key of [
      'policy',
      'autoPause',
      'shopify.apiVersion',
      'meta.apiVersion',
      'http.allowedHosts',
      'retentionDays',
      'maxEvents',
      'notifications.level',
      'cloud.url',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(`warden.${key}`)),
        `a problem names warden.${key}: ${problems.join(' | ')}`,
      );
    }
    assert.match(
      problems.find((p) => p.startsWith('warden.policy'))!,
      /must be monitor, confirm or block.*using "monitor"/,
    );
  });

  it('cloud URLs: https anywhere, http only for the local machine, no credentials in the URL', () => {
    assert.equal(normaliseCloudUrl('http://localhost:8787/'), 'http://localhost:8787');
    assert.equal(normaliseCloudUrl('http://127.0.0.1:8787'), 'http://127.0.0.1:8787');
    assert.equal(normaliseCloudUrl('http://example.com'), null);
    assert.equal(normaliseCloudUrl('https://user:pw@example.com'), null);
    assert.equal(normaliseCloudUrl('ftp://example.com'), null);
    assert.equal(normaliseCloudUrl('not a url'), null);
  });
});
