// State of one agent session (one MCP connection): its sequence detector and the counters and
// recent alerts that warden_status reports.
import { SequenceDetector } from '../core/alerts/sequence.ts';
import { newId } from '../core/ids.ts';
import type { Alert, Outcome, RiskLevel } from '../core/types.ts';

const RECENT_ALERTS = 20;

export class GuardSession {
  readonly id = newId();
  client = 'unknown';
  readonly detector = new SequenceDetector();
  readonly recentAlerts: Alert[] = [];
  readonly outcomes: Record<Outcome, number> = { forwarded: 0, blocked: 0, denied: 0, error: 0, throttled: 0 };
  readonly riskLevels: Record<RiskLevel, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
  calls = 0;
  readonly startedAt = Date.now();

  constructor(readonly instanceId: string) {}

  count(outcome: Outcome, risk: RiskLevel): void {
    this.calls++;
    this.outcomes[outcome]++;
    this.riskLevels[risk]++;
  }

  remember(alert: Alert): void {
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > RECENT_ALERTS) this.recentAlerts.shift();
  }
}
