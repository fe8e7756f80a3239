// Small helpers shared by the CLI commands.
import { resolveDataDir } from '../../store/data-dir.ts';
import { UsageError } from './index.ts';

/** --data-dir DIR, else WARDEN_DATA_DIR (when not empty), else ~/.warden. Rejects unknown arguments. */
export function dataDirFrom(args: string[]): string {
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--data-dir') {
      dir = args[++i];
      if (!dir) throw new UsageError('--data-dir needs a folder');
    } else if (a.startsWith('--data-dir=')) {
      dir = a.slice('--data-dir='.length);
    } else {
      throw new UsageError(`unknown argument "${a.slice(0, 40)}"`);
    }
  }
  return resolveDataDir(dir);
}

/** Accepts unix ms, ISO dates, or a relative age like 30m, 12h, 7d (meaning "that long ago"). */
export function parseTime(value: string, flag: string, now = Date.now()): number {
  if (/^\d{10,13}$/.test(value)) return value.length === 10 ? Number(value) * 1000 : Number(value);
  const rel = /^(\d{1,6})([smhd])$/.exec(value);
  if (rel) return now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} takes unix ms, an ISO date or an age like 12h, got "${value.slice(0, 40)}"`);
  return t;
}
