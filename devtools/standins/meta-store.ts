// The in-memory ad account behind the Meta stand-in: the token's user, one ad account and a
// few campaigns with budgets (minor currency units as strings, as Meta sends them), plus
// deterministic insights. Every stand-in gets its own fresh copy.

export interface Campaign {
  id: string;
  account_id: string;
  name: string;
  objective: string;
  status: 'ACTIVE' | 'PAUSED' | 'ARCHIVED' | 'DELETED';
  effective_status: string;
  daily_budget?: string;
  lifetime_budget?: string;
  budget_remaining: string;
  buying_type: string;
  bid_strategy: string;
  special_ad_categories: string[];
  created_time: string;
  updated_time: string;
  start_time: string;
}

export interface AdAccount {
  id: string;
  account_id: string;
  name: string;
  currency: string;
  account_status: number;
  timezone_name: string;
  amount_spent: string;
  business_id: string;
}

export const CAMPAIGN_FIELDS = [
  'id',
  'account_id',
  'name',
  'objective',
  'status',
  'effective_status',
  'daily_budget',
  'lifetime_budget',
  'budget_remaining',
  'buying_type',
  'bid_strategy',
  'special_ad_categories',
  'created_time',
  'updated_time',
  'start_time',
] as const;

export const OBJECTIVES = [
  'OUTCOME_APP_PROMOTION',
  'OUTCOME_AWARENESS',
  'OUTCOME_ENGAGEMENT',
  'OUTCOME_LEADS',
  'OUTCOME_SALES',
  'OUTCOME_TRAFFIC',
];

const SEEDED_AT = '2025-05-01T09:00:00+0000';

export function metaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function campaign(
  id: string,
  name: string,
  objective: string,
  status: Campaign['status'],
  budget: Pick<Campaign, 'daily_budget' | 'lifetime_budget'>,
): Campaign {
  return {
    id,
    account_id: '1234567890',
    name,
    objective,
    status,
    effective_status: status,
    ...budget,
    budget_remaining: budget.daily_budget ?? budget.lifetime_budget ?? '0',
    buying_type: 'AUCTION',
    bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
    special_ad_categories: [],
    created_time: SEEDED_AT,
    updated_time: SEEDED_AT,
    start_time: SEEDED_AT,
  };
}

export class MetaStore {
  readonly user = { id: '10158000000000001', name: 'Warden Demo User' };
  readonly account: AdAccount = {
    id: 'act_1234567890',
    account_id: '1234567890',
    name: 'Warden Demo Ads',
    currency: 'USD',
    account_status: 1,
    timezone_name: 'America/New_York',
    amount_spent: '1843270',
    business_id: '987654321000001',
  };
  /** In creation order (Meta lists newest first; see list()). */
  readonly campaigns = new Map<string, Campaign>();
  private nextId = 120210000000000100n;

  constructor(private readonly now: () => number) {
    for (const c of [
      campaign('120210000000000001', 'Spring Sale — Prospecting', 'OUTCOME_SALES', 'ACTIVE', { daily_budget: '5000' }),
      campaign('120210000000000002', 'Retargeting — Cart Abandoners', 'OUTCOME_SALES', 'ACTIVE', { daily_budget: '2500' }),
      campaign('120210000000000003', 'Brand Awareness Q3', 'OUTCOME_AWARENESS', 'PAUSED', { lifetime_budget: '300000' }),
    ])
      this.campaigns.set(c.id, c);
  }

  timestamp(): string {
    return metaTimestamp(this.now());
  }

  /** Campaigns that are not deleted, newest first (Meta's default order). */
  list(): Campaign[] {
    return [...this.campaigns.values()].filter((c) => c.status !== 'DELETED').reverse();
  }

  create(fields: {
    name: string;
    objective: string;
    status: Campaign['status'];
    daily_budget?: string;
    lifetime_budget?: string;
    special_ad_categories: string[];
  }): Campaign {
    const id = String(this.nextId++);
    const { daily_budget, lifetime_budget } = fields;
    const c = campaign(id, fields.name, fields.objective, fields.status, {
      ...(daily_budget !== undefined ? { daily_budget } : {}),
      ...(lifetime_budget !== undefined ? { lifetime_budget } : {}),
    });
    c.special_ad_categories = fields.special_ad_categories;
    c.created_time = c.updated_time = c.start_time = this.timestamp();
    this.campaigns.set(id, c);
    return c;
  }

  /** Deterministic insights for a campaign (or the whole account when id is null). */
  insights(campaignId: string | null): Record<string, string> {
    const seed = campaignId ? Number(BigInt(campaignId) % 97n) + 1 : 211;
    const impressions = 4000 * seed + 1234;
    const clicks = Math.round(impressions * 0.031);
    const spend = (impressions * 0.0142).toFixed(2);
    return {
      account_id: this.account.account_id,
      ...(campaignId
        ? { campaign_id: campaignId, campaign_name: this.campaigns.get(campaignId)?.name ?? '' }
        : { account_name: this.account.name }),
      impressions: String(impressions),
      reach: String(Math.round(impressions * 0.62)),
      clicks: String(clicks),
      spend,
      cpc: (Number(spend) / clicks).toFixed(6),
      ctr: ((clicks / impressions) * 100).toFixed(6),
      date_start: '2025-06-01',
      date_stop: '2025-06-30',
    };
  }
}
