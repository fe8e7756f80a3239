// The guard's own log goes to stderr (stdout is the MCP channel). Every line is scrubbed and
// stripped of configured secrets first: a log is a place secrets must never reach.
import { scrubText } from '../core/scrub/scrubber.ts';

export type Logger = (msg: string) => void;

/** Replaces every configured secret value in a string. Identity when there are none. */
export function makeRedactor(secrets: readonly string[]): (s: string) => string {
  const list = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (s) => s;
  return (s) => {
    let out = s;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  };
}

export function makeLogger(redact: (s: string) => string, stream: NodeJS.WritableStream = process.stderr): Logger {
  return (msg) => {
    stream.write(`[warden] ${redact(scrubText(msg))}\n`);
  };
}
