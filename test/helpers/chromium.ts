// Headless Chromium as these machines run it (Debian's /usr/bin/chromium, see
// ../shared/docs/vscode-e2e.md): without the background-networking flags its connections are
// refused by the closed network, many at a time.
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
