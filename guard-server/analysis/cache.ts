// Cloud verdicts kept in the data dir (analysis-verdicts.json), so later calls with the same key
// are scored at once and a restarted guard does not ask again. Written atomically; read as
// untrusted input: a file that does not parse, is too large or holds one invalid entry is
// ignored whole, with a warning, and replaced by the next verdict. Bounded in entries and age.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { AnalyzeVerdict } from '../../core/protocol/analyze.ts';
import { writeFileAtomic } from '../../store/atomic-file.ts';
import { plainVerdict } from './verdict.ts';

export const VERDICTS_FILE = 'analysis-verdicts.json';
export const VERDICT_TTL_MS = 7 * 24 * 3600_000;
const MAX_ENTRIES = 500;
const MAX_FILE_BYTES = 512 * 1024;
/** A clock a little behind another guard's must not make its entries look forged. */
const FUTURE_SLACK_MS = 24 * 3600_000;

const FileSchema = z.object({
  v: z.literal(1),
  verdicts: z
    .array(
      z.object({
        key: z.string().check(z.minLength(1), z.maxLength(2048)),
        verdict: z.unknown(),
        at: z.number().check(z.int()),
      }),
    )
    .check(z.maxLength(MAX_ENTRIES)),
});

interface Entry {
  verdict: AnalyzeVerdict;
  at: number;
}

export class VerdictCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly dataDir: string,
    private readonly warn: (msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = this.read() ?? new Map();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The verdict for `key` when one is cached and younger than the TTL. */
  get(key: string): AnalyzeVerdict | null {
    const e = this.entries.get(key);
    if (e === undefined) return null;
    if (this.now() - e.at > VERDICT_TTL_MS) {
      this.entries.delete(key);
      return null;
    }
    return e.verdict;
  }

  /** Keeps `verdict` (already validated) and saves the file, merged with what other guards on the data dir saved. */
  put(key: string, verdict: AnalyzeVerdict): void {
    const merged = this.read(true) ?? new Map<string, Entry>();
    for (const [k, e] of this.entries) if (!merged.has(k) || merged.get(k)!.at < e.at) merged.set(k, e);
    merged.set(key, { verdict, at: this.now() });
    const fresh = [...merged].filter(([, e]) => this.now() - e.at <= VERDICT_TTL_MS).sort((a, b) => b[1].at - a[1].at);
    this.entries = new Map(fresh.slice(0, MAX_ENTRIES));
    const file = { v: 1, verdicts: [...this.entries].map(([k, e]) => ({ key: k, verdict: e.verdict, at: e.at })) };
    try {
      writeFileAtomic(this.dataDir, VERDICTS_FILE, Buffer.from(JSON.stringify(file) + '\n'));
    } catch (err) {
      this.warn(`analysis: could not save ${VERDICTS_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'}); verdicts kept in memory`);
    }
  }

  /** The file's entries, or null when it is missing or not to be trusted (warned about unless `quiet`). */
  private read(quiet = false): Map<string, Entry> | null {
    const path = join(this.dataDir, VERDICTS_FILE);
    let text: string;
    try {
      if (statSync(path).size > MAX_FILE_BYTES) return this.refuse(`over ${MAX_FILE_BYTES} bytes`, quiet);
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.refuse('not JSON', quiet);
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success) return this.refuse('not a verdict file', quiet);
    const out = new Map<string, Entry>();
    const now = this.now();
    for (const { key, verdict, at } of parsed.data.verdicts) {
      const valid = plainVerdict(verdict);
      if (valid === null || at > now + FUTURE_SLACK_MS) return this.refuse('an invalid verdict', quiet);
      if (now - at <= VERDICT_TTL_MS) out.set(key, { verdict: valid, at });
    }
    return out;
  }

  private refuse(why: string, quiet: boolean): null {
    if (!quiet) this.warn(`analysis: ignoring ${VERDICTS_FILE} (${why}); no cached verdict from it is used`);
    return null;
  }
}
