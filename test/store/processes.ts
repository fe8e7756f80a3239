// Runs the writer fixture as a real child process and collects the ids it printed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WRITER = join(import.meta.dirname, 'fixtures', 'writer.ts');

export interface WriterProcess {
  child: ChildProcess;
  /** Ids printed so far: each one's record() had returned. */
  ids: string[];
  stderr: () => string;
  /** Resolves once the writer printed "ready" (store open, about to record). */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

export interface WriterArgs {
  dataDir: string;
  instanceId: string;
  count: number;
  segmentSize: number;
  foldIntervalMs: number;
  startAt?: number;
}

export function startWriter(a: WriterArgs): WriterProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WRITER,
      a.dataDir,
      a.instanceId,
      String(a.count),
      String(a.segmentSize),
      String(a.foldIntervalMs),
      String(a.startAt ?? 0),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ids: string[] = [];
  let err = '';
  let rest = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      if (l === 'ready') onReady();
      else if (l !== 'done' && l.length === 26) ids.push(l);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  void exited.then(onReady);
  return { child, ids, stderr: () => err, ready, exited };
}
