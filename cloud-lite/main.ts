// `node dist/cloud-lite.js`: the service, configured by env (config.ts), or `keys …` to manage
// API keys. Exit codes as DESIGN.md: 0 ok, 1 runtime failure, 2 bad usage or configuration,
// each with a one-line reason on stderr.
import { ConfigError, configFromEnv, storeConfigFrom } from './config.ts';
import { KEYS_USAGE, KeyStateError, parseKeysArgs, runKeysCommand, UsageError } from './keys/cli.ts';
import { createLogger } from './log.ts';
import { startService } from './service.ts';
import { openCloudStore } from './store/open.ts';

function die(code: 1 | 2, message: string): never {
  process.stderr.write(`cloud-lite: ${message}\n`);
  process.exit(code);
}

/** A one-line reason that cannot carry a URL's password: the error's own message, first line, no URLs. */
function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n', 1)[0] ?? '').replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>').slice(0, 300);
}

async function keys(args: string[]): Promise<void> {
  if (args[0] === 'help' || args[0] === '--help') {
    process.stdout.write(KEYS_USAGE + '\n');
    return;
  }
  let cmd;
  let storeConfig;
  try {
    cmd = parseKeysArgs(args);
    storeConfig = storeConfigFrom(process.env);
  } catch (err) {
    if (err instanceof UsageError) die(2, `${err.message} (run "keys help" for usage)`);
    if (err instanceof ConfigError) die(2, err.message);
    throw err;
  }
  const store = await openCloudStore(storeConfig);
  try {
    for (const line of await runKeysCommand(cmd, store)) process.stdout.write(line + '\n');
  } catch (err) {
    if (err instanceof KeyStateError) {
      await store.close();
      die(1, err.message);
    }
    throw err;
  }
  await store.close();
}

async function serve(): Promise<void> {
  let config;
  try {
    config = configFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) die(2, err.message);
    throw err;
  }
  const log = createLogger();
  const service = await startService(config, { log });
  process.stdout.write(service.readyLine + '\n');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    service.close().then(
      () => process.exit(0),
      (err: unknown) => die(1, `stopping failed: ${reason(err)}`),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const args = process.argv.slice(2);
const run =
  args[0] === 'keys'
    ? keys(args.slice(1))
    : args.length > 0
      ? die(2, `unknown command ${JSON.stringify(args[0]!.slice(0, 40))}; run without arguments, or "keys"`)
      : serve();
run.catch((err: unknown) => die(1, reason(err)));
