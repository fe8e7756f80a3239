// One JSON line per request on stderr. What goes in is chosen field by field: never a secret,
// a signature, a nonce, a body or a query string (query values can name sessions).
export interface RequestLogLine {
  method: string;
  /** The path without its query. */
  path: string;
  status: number;
  /** The error code when refused. */
  code?: string;
  /** The key id as sent (not a secret), once the signature headers parsed. */
  key_id?: string;
  /** Node's error code for a request refused before it was parsed (clientError). */
  error?: string;
  ms: number;
}

export type LogSink = (line: string) => void;

export const stderrSink: LogSink = (line) => process.stderr.write(line + '\n');

export interface Logger {
  request(entry: RequestLogLine): void;
  /** Service events (start, stop, a back end failing): a message we wrote, never request data. */
  info(message: string, fields?: Record<string, string | number | boolean>): void;
}

export function createLogger(sink: LogSink = stderrSink): Logger {
  return {
    request: (entry) => sink(JSON.stringify({ t: new Date().toISOString(), ...entry })),
    info: (message, fields = {}) => sink(JSON.stringify({ t: new Date().toISOString(), msg: message, ...fields })),
  };
}

/** The path of a request target without its query, bounded so a huge URL cannot flood the log. */
export function pathOf(target: string | undefined): string {
  const t = target ?? '';
  const q = t.indexOf('?');
  return (q < 0 ? t : t.slice(0, q)).slice(0, 256);
}
