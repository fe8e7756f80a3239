// Drives code-server's workbench in headless Chromium (playwright-core + Debian's chromium):
// the command palette, quick inputs, modal dialogs, notifications, views and screenshots.
// Selectors are the ones verified in ../shared/docs/vscode-e2e.md.
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';

export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(url: string): Promise<Workbench> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The activity bar is painted once the workbench has restored its parts.
  await page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
  return { browser, page, close: () => browser.close() };
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');

/** Opens the command palette, types a command's title and runs it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = quickInput(page).locator('input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // The palette filters as it types: wait for the exact row, then run it.
  const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** Waits for the quick input to show a prompt or placeholder, types a value, presses Enter. */
export async function answerInput(page: Page, value: string, opts: { password?: boolean } = {}): Promise<void> {
  const selector = opts.password ? 'input[type="password"]' : 'input.input';
  const input = quickInput(page).locator(selector).first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(value);
  await page.keyboard.press('Enter');
}

/** Picks the quick-pick row whose text contains `text` (waiting for it to appear). */
export async function pickRow(page: Page, text: string | RegExp, timeout = 20_000): Promise<void> {
  const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** Clicks a button of the modal dialog (e.g. VS Code's "Run <tool>" confirmation). */
export async function clickDialogButton(page: Page, text: string | RegExp, label: string, timeout = 20_000): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout });
  const message = (await dialog.innerText()).trim();
  await dialog.locator('.monaco-button', { hasText: label }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  if (typeof text === 'string' ? !message.includes(text) : !text.test(message)) {
    throw new Error(`e2e: the dialog said ${JSON.stringify(message)}, expected ${text}`);
  }
  return message;
}

export interface Notification {
  item: Locator;
  message: string;
  buttons: string[];
  severity: 'error' | 'warning' | 'info';
}

/** Waits for a notification toast whose message matches. */
export async function waitForNotification(page: Page, text: string | RegExp, timeout = 20_000): Promise<Notification> {
  const item = page.locator('.notification-toast .notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout });
  const message = (await item.locator('.notification-list-item-message').innerText()).trim();
  const buttons = (await item.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((b) => b.trim());
  const icon = (await item.locator('.notification-list-item-icon').getAttribute('class')) ?? '';
  const severity = icon.includes('codicon-error') ? 'error' : icon.includes('codicon-warning') ? 'warning' : 'info';
  return { item, message, buttons, severity };
}

/** Every text a frame shows or holds (HTML, visible text, current input values), frames included. */
export async function allDomText(page: Page): Promise<string> {
  const parts: string[] = [];
  const collect = async (frame: Frame) => {
    try {
      // A string expression: this runs in the page, and the test project has no DOM types.
      parts.push(
        await frame.evaluate<string>(
          `[document.documentElement.outerHTML, document.body ? document.body.innerText : '',
            ...[...document.querySelectorAll('input, textarea')].map((e) => e.value)].join('\\n')`,
        ),
      );
    } catch {
      /* a frame that navigated away meanwhile */
    }
    for (const child of frame.childFrames()) await collect(child);
  };
  await collect(page.mainFrame());
  // Monaco editors (the Output panel) render spaces as no-break spaces.
  return parts.join('\n').replace(/\u00a0/g, ' ');
}

/** The rows of a view's tree (aria-labels and texts), by the view's name in its pane header. */
export async function treeRows(page: Page, viewName: string): Promise<string[]> {
  const pane = page.locator('.pane', { has: page.locator(`.pane-header[aria-label^="${viewName}"]`) });
  const rows = pane.locator('.monaco-list-row');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push(`${(await row.getAttribute('aria-label')) ?? ''} | ${(await row.innerText()).replace(/\s+/g, ' ')}`);
  }
  return out;
}

/** Polls until `check` returns a value that is not undefined (or throws on timeout with `what`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeout = 20_000, every = 250): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`e2e: timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
