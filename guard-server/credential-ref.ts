// Credential references: each secret variable (SECRET_ENV) may name where its value lives
// instead of holding it, so file-configured clients (Claude Desktop) need no token in plain
// JSON. Resolved once, at start, before anything is served:
//   VAR=file:/abs/path | file:~/path   → the file's content (owner-only, regular, ≤ 64 KiB)
//   VAR_COMMAND="op read op://v/i/f"    → the command's standard output
// A literal value still works; a value starting with "file:" is always a reference.
// Errors name the variable and the reason, never the value, never the command's output.
import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CREDENTIAL_COMMAND_SUFFIX, CREDENTIAL_TIMEOUT_ENV, SECRET_ENV } from '../core/protocol/env.ts';
import { scrubText } from '../core/scrub/scrubber.ts';

/** `WARDEN_SHOPIFY_TOKEN_COMMAND` names the command for `WARDEN_SHOPIFY_TOKEN`. */
export const COMMAND_SUFFIX = CREDENTIAL_COMMAND_SUFFIX;
export { CREDENTIAL_TIMEOUT_ENV };
export const DEFAULT_CREDENTIAL_TIMEOUT_MS = 10_000;
export const MAX_CREDENTIAL_BYTES = 64 * 1024;
const FILE_PREFIX = 'file:';

/** Thrown for a reference that cannot be resolved; config.ts turns it into a ConfigError. */
export class CredentialRefError extends Error {
  override name = 'CredentialRefError';
}

/** A path or program name quoted in an error: scrubbed, shortened (it is not the secret, but could be pasted one). */
function quoted(raw: string, max = 120): string {
  return JSON.stringify(scrubText(raw).slice(0, max));
}

/** Trailing line breaks removed, nothing else: a secret's own spaces stay. */
function withoutTrailingNewlines(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

function decodeUtf8(variable: string, bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CredentialRefError(`${variable}: ${what} is not UTF-8 text`);
  }
}

export function isFileReference(value: string | undefined): value is string {
  return value !== undefined && value.startsWith(FILE_PREFIX);
}

function filePath(variable: string, ref: string, home: string): string {
  const raw = ref.slice(FILE_PREFIX.length);
  const path = raw === '~' || raw.startsWith('~/') ? join(home, raw.slice(1)) : raw;
  if (!isAbsolute(path)) {
    throw new CredentialRefError(`${variable}: file: needs an absolute path or one starting with ~/, got ${quoted(raw)}`);
  }
  return path;
}

/**
 * Reads a `file:` reference. Refused unless it is a regular file of the current user that no
 * one else may read or write (POSIX; Windows has no such mode bits, so there only the rest is
 * checked), non-empty and at most 64 KiB. Opened once and checked on that handle (no race
 * between check and read); non-blocking, so a FIFO is refused instead of hanging the start.
 */
export function readCredentialFile(variable: string, ref: string, home = homedir()): string {
  const path = filePath(variable, ref, home);
  const shown = quoted(path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be opened (${code})`;
    throw new CredentialRefError(`${variable}: the file ${shown} ${why}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CredentialRefError(`${variable}: ${shown} is not a regular file`);
    if (process.platform !== 'win32') {
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid) {
        throw new CredentialRefError(`${variable}: ${shown} belongs to another user (uid ${st.uid}); a key file must be your own`);
      }
      if ((st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8);
        throw new CredentialRefError(`${variable}: ${shown} may be read or written by other users (mode ${mode}); run chmod 600 on it`);
      }
    }
    if (st.size > MAX_CREDENTIAL_BYTES) {
      throw new CredentialRefError(`${variable}: ${shown} is larger than ${MAX_CREDENTIAL_BYTES / 1024} KiB`);
    }
    // One byte more than allowed: a file that grew since fstat is still caught.
    const buf = Buffer.alloc(MAX_CREDENTIAL_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_CREDENTIAL_BYTES) throw new CredentialRefError(`${variable}: ${shown} is larger than ${MAX_CREDENTIAL_BYTES / 1024} KiB`);
    const value = withoutTrailingNewlines(decodeUtf8(variable, buf.subarray(0, n), `the file ${shown}`));
    if (value.trim() === '') throw new CredentialRefError(`${variable}: ${shown} is empty`);
    return value;
  } finally {
    closeSync(fd);
  }
}

/**
 * Splits a command line into program and arguments, without a shell: words are separated by
 * spaces or tabs; '…' or "…" keep spaces (and the other quote) inside one word; nothing else
 * is special (no $VAR, ~, globs, pipes or escapes, so Windows paths with backslashes work).
 */
export function splitCommand(variable: string, line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new CredentialRefError(`${variable}: a ${quote} quote is not closed`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CredentialRefError(`${variable} is empty`);
  return words;
}

/** The command's environment: the guard's, without any secret or credential command. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (SECRET_ENV.includes(k) || (k.endsWith(COMMAND_SUFFIX) && SECRET_ENV.includes(k.slice(0, -COMMAND_SUFFIX.length)))) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Runs a credential command once and returns its standard output (trailing line breaks
 * removed). No shell (see splitCommand): the timeout then stops the very process that was
 * started. On POSIX it gets its own process group, and the whole group is killed, so a
 * `sh -c "…"` the user wrote on purpose does not leave children holding the start up.
 * stdin is empty: a helper that would prompt on the terminal fails instead of waiting.
 * Its stderr is never shown (it may echo the secret): the error says how it ended.
 */
export function runCredentialCommand(variable: string, line: string, opts: { timeoutMs: number; env: NodeJS.ProcessEnv }): Promise<string> {
  const [program, ...args] = splitCommand(variable, line);
  const name = quoted(program!, 80);
  const hint = 'run it in a terminal to see its message (not shown here: it may contain the secret)';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new CredentialRefError(`${variable}: the command ${name} ${why}`));
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program!, args, {
        env: childEnv(opts.env),
        stdio: ['ignore', 'pipe', 'ignore'], // stderr: never read, never shown
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (err) {
      fail(`could not be started (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let ended: string | null = null; // why it was stopped, when we stopped it
    const stop = (why: string) => {
      if (ended !== null) return;
      ended = why;
      try {
        if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => stop(`did not finish within ${opts.timeoutMs} ms (${CREDENTIAL_TIMEOUT_ENV})`), opts.timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_CREDENTIAL_BYTES) stop(`printed more than ${MAX_CREDENTIAL_BYTES / 1024} KiB`);
      else chunks.push(d);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') {
        fail('was not found; give its full path (editors and Claude Desktop start the guard with a short PATH)');
      } else if (err.code === 'EACCES') {
        fail('cannot be run (permission denied)');
      } else {
        fail(`could not be started (${err.code ?? 'error'})`);
      }
    });
    // 'close', not 'exit': every byte of stdout has arrived by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (ended !== null) return fail(ended);
      if (signal !== null) return fail(`was stopped by ${signal}; ${hint}`);
      if (code !== 0) return fail(`exited with code ${code}; ${hint}`);
      let value: string;
      try {
        value = withoutTrailingNewlines(decodeUtf8(variable, Buffer.concat(chunks), `the output of ${name}`));
      } catch (err) {
        return reject(err as Error);
      }
      if (value.trim() === '') return fail('printed nothing');
      resolve(value);
    });
  });
}

export function credentialTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env[CREDENTIAL_TIMEOUT_ENV];
  if (raw === undefined || raw === '') return DEFAULT_CREDENTIAL_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 600_000) {
    throw new CredentialRefError(`${CREDENTIAL_TIMEOUT_ENV} must be a whole number from 100 to 600000, got ${quoted(raw, 20)}`);
  }
  return n;
}

/** True when the environment still holds a reference for some secret variable. */
export function hasCredentialReferences(env: NodeJS.ProcessEnv): boolean {
  return SECRET_ENV.some((name) => isFileReference(env[name]) || !!env[name + COMMAND_SUFFIX]);
}

/**
 * A copy of `env` in which every secret variable holds its value: `file:` references read,
 * `_COMMAND`s run (one after the other: a password manager may prompt once, then unlock the
 * rest) and removed. Everything else is passed through unchanged.
 */
export async function resolveCredentialReferences(env: NodeJS.ProcessEnv, home = homedir()): Promise<NodeJS.ProcessEnv> {
  if (!hasCredentialReferences(env)) return env;
  const out: NodeJS.ProcessEnv = { ...env };
  let timeoutMs: number | null = null;
  for (const name of SECRET_ENV) {
    const value = env[name];
    const commandName = name + COMMAND_SUFFIX;
    const command = env[commandName];
    delete out[commandName];
    if (command) {
      if (value) throw new CredentialRefError(`${name} and ${commandName} are both set; keep one`);
      timeoutMs ??= credentialTimeoutMs(env);
      out[name] = await runCredentialCommand(commandName, command, { timeoutMs, env });
    } else if (isFileReference(value)) {
      out[name] = readCredentialFile(name, value, home);
    }
  }
  return out;
}
