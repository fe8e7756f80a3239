// Command line dispatch. Exit codes: 0 ok, 1 runtime failure, 2 bad usage — with a one-line
// reason on stderr. Returns null when the MCP server runs (it exits by itself).
import { ENV } from '../../core/protocol/env.ts';
import { ConfigError } from '../config.ts';
import { VERSION } from '../version.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

const HELP = `warden-guard ${VERSION} — guard for AI agents that call production APIs

Usage:
  warden-guard                 run the MCP server on stdio (what editors launch)
  warden-guard scrub           scrub NDJSON or text lines from stdin to stdout
  warden-guard assess          risk-score NDJSON operations {method,url,status?,body?,ts?} from stdin
  warden-guard audit [opts]    list, filter and export the local audit log
  warden-guard control ...     pause/resume agent writes, set the policy and auto-pause of every
                               guard on the data dir, show the control state
  warden-guard <command> --help

Environment: WARDEN_SHOPIFY_STORE, WARDEN_SHOPIFY_TOKEN, WARDEN_META_TOKEN, WARDEN_HTTP_ALLOW,
WARDEN_HTTP_CREDENTIALS, WARDEN_DATA_DIR (default ~/.warden), WARDEN_POLICY (monitor|confirm|block),
WARDEN_AUTO_PAUSE (on|off, default on).
See README.md for the full list.
`;

export async function runCli(argv: string[]): Promise<number | null> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'serve': {
        const { runGuardServer } = await import('../server.ts');
        try {
          await runGuardServer();
        } catch (err) {
          // The editor that launched this guard never sees its stderr: leave the reason where
          // its extension looks (store/guard-errors.ts), then fail as usual.
          if (err instanceof ConfigError) {
            const { recordGuardStartError } = await import('../../store/writer/guard-error-note.ts');
            const { resolveDataDir } = await import('../../store/data-dir.ts');
            recordGuardStartError(resolveDataDir(null), process.env[ENV.instanceId] ?? null, err.message);
          }
          throw err;
        }
        return null;
      }
      case 'scrub':
        return await (await import('./scrub.ts')).runScrub(rest);
      case 'assess':
        return await (await import('./assess.ts')).runAssess(rest);
      case 'audit':
        return await (await import('./audit.ts')).runAudit(rest);
      case 'control':
        return await (await import('./control.ts')).runControl(rest);
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return 0;
      case '--version':
      case '-v':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command.slice(0, 40)}" (try --help)`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`warden-guard: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`warden-guard: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
