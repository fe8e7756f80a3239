// Reading one environment variable, validated, with a one-line reason on failure. Shared by
// config.ts and the features' own config readers (mail, analysis, web), so every setting is
// checked the same way and an error never echoes a value (a URL may hold a password).
export class ConfigError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or null when unset or blank. */
export function envText(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

/** A whole number in [min, max], or `fallback` when unset. */
export function envInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = envText(env, name);
  if (text === null) return fallback;
  const n = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** A URL with one of `protocols` (e.g. ['https:']), or null when unset. */
export function envUrl(env: Env, name: string, protocols: string[]): string | null {
  const text = envText(env, name);
  if (text === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    // Never echo the value: a database URL may hold a password.
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  return text;
}
