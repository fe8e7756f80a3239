// Provider formats gitleaks' default rules do not cover without a context word (gitleaks
// requires "mailgun", "telegram", … next to these), added by Warden in the same data shape
// (providers.ts runs both lists). Each has a distinctive prefix or shape, so it needs no context.
import type { ProviderFormat } from './provider-formats.ts';

const BOUNDARY_AFTER = String.raw`(?![A-Za-z0-9_-])`;

export const EXTRA_FORMATS: readonly ProviderFormat[] = [
  {
    id: 'google-oauth-access-token',
    keywords: ['ya29.'],
    source: String.raw`\bya29\.[\w-]{20,2048}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'huggingface-access-token',
    keywords: ['hf_'],
    source: String.raw`\bhf_[A-Za-z]{34}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'groq-api-key',
    keywords: ['gsk_'],
    source: String.raw`\bgsk_[A-Za-z0-9]{48,56}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'replicate-api-token',
    keywords: ['r8_'],
    source: String.raw`\br8_[A-Za-z0-9]{37}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'dockerhub-pat',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    source: String.raw`\bdckr_(?:pat|oat)_[\w-]{27,64}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'discord-bot-token',
    keywords: ['.'],
    source: String.raw`(?<![\w.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 4,
    group: 0,
  },
  {
    id: 'discord-webhook',
    keywords: ['/api/webhooks/'],
    source: String.raw`discord(?:app)?\.com/api/webhooks/\d{5,20}/([\w-]{20,128})`,
    flags: 'g',
    entropy: 0,
    group: 1,
  },
  {
    id: 'telegram-bot-token',
    keywords: [':aa'],
    source: String.raw`(?<![\w:])\d{8,10}:AA[\w-]{32,34}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'mailgun-private-key',
    keywords: ['key-'],
    source: String.raw`\bkey-[0-9a-f]{32}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'mailgun-signing-key',
    keywords: ['-'],
    source: String.raw`\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'mailchimp-api-key',
    keywords: ['-us'],
    source: String.raw`\b[0-9a-f]{32}-us\d{1,2}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'square-oauth-secret',
    keywords: ['sq0csp-'],
    source: String.raw`\bsq0csp-[\w-]{40,50}` + BOUNDARY_AFTER,
    flags: 'g',
    entropy: 3,
    group: 0,
  },
  {
    id: 'braintree-access-token',
    keywords: ['access_token$'],
    source: String.raw`access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}`,
    flags: 'g',
    entropy: 0,
    group: 0,
  },
];
