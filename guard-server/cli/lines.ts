// Reads stdin line by line (any length), for the NDJSON commands.
import { createInterface } from 'node:readline';

export function stdinLines(input: NodeJS.ReadableStream = process.stdin): AsyncIterable<string> {
  return createInterface({ input, crlfDelay: Infinity });
}

/** Writes with back-pressure so a large export does not buffer in memory. */
export async function writeOut(text: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}
