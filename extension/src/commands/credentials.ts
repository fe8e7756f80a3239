// Commands that set and clear credentials. Every value is validated in its input box (the
// message explains the expected form), tokens are typed in password boxes, and values go to
// SecretStorage only.
import * as vscode from 'vscode';
import { normaliseShopDomain } from '../../../core/protocol/env.ts';
import type { Warden } from '../context.ts';
import {
  CREDENTIAL_LABELS,
  checkCloudKeyId,
  checkCloudSecret,
  checkHeaderName,
  checkHeaderValue,
  checkHostPattern,
  checkMetaToken,
  checkShopDomain,
  checkShopifyToken,
  setKinds,
  withHostHeader,
} from '../secrets/credentials.ts';
import { SETTING_KEYS, normaliseCloudUrl } from '../settings/schema.ts';

const ask = (o: vscode.InputBoxOptions) => vscode.window.showInputBox({ ignoreFocusOut: true, ...o });

export async function setShopifyCredentials(w: Warden): Promise<void> {
  const current = (await w.secrets.read()).shopify;
  const shop = await ask({
    title: 'Warden: Shopify store (1/2)',
    prompt: 'The store domain, e.g. my-shop.myshopify.com',
    value: current?.store ?? '',
    validateInput: checkShopDomain,
  });
  if (shop === undefined) return;
  const token = await ask({
    title: 'Warden: Shopify Admin API token (2/2)',
    prompt: 'The Admin API access token of a custom app (shpat_…). Stored in the editor’s secret storage only.',
    password: true,
    validateInput: checkShopifyToken,
  });
  if (token === undefined) return;
  const store = normaliseShopDomain(shop)!;
  await w.secrets.store('shopify', JSON.stringify({ store, token: token.trim() }));
  void vscode.window.showInformationMessage(`Warden: Shopify credentials saved for ${store}. A running guard restarts to use them.`);
}

export async function setMetaToken(w: Warden): Promise<void> {
  const token = await ask({
    title: 'Warden: Meta access token',
    prompt: 'A Meta Graph/Marketing API access token (EAA…). Stored in the editor’s secret storage only.',
    password: true,
    validateInput: checkMetaToken,
  });
  if (token === undefined) return;
  await w.secrets.store('meta', token.trim());
  void vscode.window.showInformationMessage('Warden: Meta access token saved.');
}

export async function setHostCredentials(w: Warden): Promise<void> {
  const host = await ask({
    title: 'Warden: HTTP host (1/3)',
    prompt: 'The host the header is sent to: api.example.com, *.example.com or localhost:8080. It is also allowed for http_request.',
    validateInput: checkHostPattern,
  });
  if (host === undefined) return;
  const header = await ask({
    title: 'Warden: header name (2/3)',
    prompt: 'e.g. Authorization or X-Api-Key',
    value: 'Authorization',
    validateInput: checkHeaderName,
  });
  if (header === undefined) return;
  const value = await ask({
    title: 'Warden: header value (3/3)',
    prompt: `The value of ${header.trim()} (e.g. "Bearer …"). Stored in the editor’s secret storage only.`,
    password: true,
    validateInput: checkHeaderValue,
  });
  if (value === undefined) return;
  const next = withHostHeader((await w.secrets.read()).http, host, header, value);
  await w.secrets.store('http', JSON.stringify(next));
  void vscode.window.showInformationMessage(`Warden: ${header.trim()} saved for ${host.trim().toLowerCase()}.`);
}

export async function setCloudKey(w: Warden): Promise<void> {
  const url = await ask({
    title: 'Warden: cloud-lite URL (1/3)',
    prompt: 'Where your cloud-lite runs: https://… (http only for localhost)',
    value: w.settings.current.cloudUrl,
    validateInput: (v) =>
      normaliseCloudUrl(v) === null ? 'Use an https URL (or http://localhost:PORT), without user, query or fragment' : undefined,
  });
  if (url === undefined) return;
  const keyId = await ask({
    title: 'Warden: key id (2/3)',
    prompt: 'The key_id printed by `cloud-lite keys create`',
    validateInput: checkCloudKeyId,
  });
  if (keyId === undefined) return;
  const secret = await ask({
    title: 'Warden: key secret (3/3)',
    prompt: 'The secret printed once by `cloud-lite keys create`. Stored in the editor’s secret storage only.',
    password: true,
    validateInput: checkCloudSecret,
  });
  if (secret === undefined) return;
  await w.secrets.store('cloud', JSON.stringify({ keyId: keyId.trim(), secret: secret.trim() }));
  await w.settings.update(SETTING_KEYS.cloudUrl, normaliseCloudUrl(url));
  void vscode.window.showInformationMessage('Warden: connected to cloud-lite; the guard uploads its audit events there.');
}

export async function clearCredentials(w: Warden): Promise<void> {
  const kinds = setKinds(await w.secrets.read());
  if (kinds.length === 0) {
    void vscode.window.showInformationMessage('Warden: no credentials are stored.');
    return;
  }
  const picks = await vscode.window.showQuickPick(
    kinds.map((what) => ({ label: CREDENTIAL_LABELS[what], what })),
    { title: 'Warden: Clear Credentials', placeHolder: 'Choose what to remove from the secret storage', canPickMany: true },
  );
  if (!picks || picks.length === 0) return;
  for (const p of picks) await w.secrets.delete(p.what);
  if (picks.some((p) => p.what === 'cloud')) await w.settings.update(SETTING_KEYS.cloudUrl, undefined);
  void vscode.window.showInformationMessage(`Warden: removed ${picks.map((p) => p.label).join(', ')}.`);
}
