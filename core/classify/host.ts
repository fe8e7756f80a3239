// Hostnames an agent chose (anything not named exactly in the allow list) are agent data:
// a subdomain can carry a token or an id. Each data-like label becomes a placeholder, with the
// same rules as endpoint path segments, so "c4na7y-0002.example.com" → "{id}.example.com".
import { normalizeSegment } from './endpoint.ts';

export function maskHost(host: string): string {
  return host
    .split('.')
    .map((label) => (label === '' ? label : normalizeSegment(label)))
    .join('.');
}
