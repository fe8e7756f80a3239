// Helpers for the web dashboard tests: a sign-in over plain HTTP (the login page's double-submit
// token, then the form) and events uploaded for a user through signed batches.
import assert from 'node:assert/strict';
import { batchBody, makeEvents, send, type TestKey } from './http-client.ts';

export interface Browserless {
  /** `wd_csrf=…` as the browser would send it back. */
  csrfCookie: string;
  csrf: string;
}

export function cookiePair(setCookie: string | null, name: string): string {
  const found = (setCookie ?? '').split(/,(?=\s*[A-Za-z_]+=)/).find((c) => c.trim().startsWith(`${name}=`));
  assert.ok(found, `no ${name} cookie in ${setCookie}`);
  return found.trim().split(';')[0]!;
}

/** GET /login: the form's token and its cookie. */
export async function loginForm(base: string): Promise<Browserless> {
  const res = await fetch(base + '/login');
  assert.equal(res.status, 200);
  const html = await res.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(csrf);
  return { csrfCookie: cookiePair(res.headers.get('set-cookie'), 'wd_csrf'), csrf };
}

export async function postForm(
  base: string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(base + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Signs in: the response of POST /login (303 with the session cookie when it worked). */
export async function signIn(base: string, keyId: string, secret: string, headers: Record<string, string> = {}): Promise<Response> {
  const f = await loginForm(base);
  return postForm(base, '/login', { csrf: f.csrf, key_id: keyId, secret }, { cookie: f.csrfCookie, ...headers });
}

/** Signs in and returns `wd_session=…`. */
export async function sessionCookie(base: string, key: TestKey): Promise<string> {
  const res = await signIn(base, key.keyId, key.secret);
  assert.equal(res.status, 303, await res.text());
  return cookiePair(res.headers.get('set-cookie'), 'wd_session');
}

export async function upload(base: string, key: TestKey, events: unknown[]): Promise<void> {
  const r = await send(base, { path: '/v1/batches', body: batchBody(events), key });
  assert.equal(r.status, 200, r.text);
}

export { makeEvents };
