// The dashboard page's HTML: the bundled script and stylesheet from dist/webview/ and a strict
// Content-Security-Policy. Nothing inline but what carries this load's nonce; no remote origin.
// uPlot and lit set element styles through the CSSOM (el.style.x = …), which style-src does not
// govern, so no 'unsafe-inline' is needed.
import { randomBytes } from 'node:crypto';

export interface PageResources {
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  /** webview.asWebviewUri() of dist/webview/dashboard.js and dashboard.css, as strings. */
  script: string;
  style: string;
}

/** A fresh nonce per page load (128 bits, base64): scripts without it do not run. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function dashboardHtml(r: PageResources, nonce: string = makeNonce()): string {
  const csp = contentSecurityPolicy(r.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Warden Risk Dashboard</title>
<link rel="stylesheet" nonce="${escapeAttr(nonce)}" href="${escapeAttr(r.style)}">
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(r.script)}"></script>
</body>
</html>`;
}
