// The Shopify Admin REST routes of the stand-in (paths after /admin/api/{version}). Answers
// have the real shapes: {"product": …}, {"products": […]}, 404 {"errors":"Not Found"},
// 422 {"errors":{"title":["can't be blank"]}}, DELETE → 200 {}, cursor pagination in a Link
// header. Auth, faults, rate limits and the common headers are handled by shopify.ts.
import type { ParsedRequest, Reply } from './http-kit.ts';
import { LOCATION_ID, type Product, type ShopifyStore, gid } from './shopify-store.ts';

export interface RestContext {
  store: ShopifyStore;
  apiVersion: string;
  /** Null when the token has the scope, else the 403 reply to send. */
  requireScope(scope: string): Reply | null;
}

export const NOT_FOUND: Reply = { status: 404, json: { errors: 'Not Found' } };

function ok(json: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, json, headers } : { status, json };
}

function missingParam(name: string): Reply {
  return { status: 400, json: { errors: { [name]: 'Required parameter missing or invalid' } } };
}

function unprocessable(errors: Record<string, string[]>): Reply {
  return { status: 422, json: { errors } };
}

/** Parses `{"<root>": {...}}`; a Reply when the body is not that shape. */
function rootObject(body: string, root: string): Record<string, unknown> | Reply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return missingParam(root);
  }
  const inner = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[root] : undefined;
  if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return missingParam(root);
  return inner as Record<string, unknown>;
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'status' in x && 'json' in x;
}

/** Applies Shopify's `fields=id,title` projection. */
function project<T extends object>(record: T, params: URLSearchParams): Partial<T> {
  const fields = params.get('fields');
  if (!fields) return record;
  const out: Record<string, unknown> = {};
  for (const f of fields.split(',').map((s) => s.trim())) {
    if (f in record) out[f] = (record as Record<string, unknown>)[f];
  }
  return out as Partial<T>;
}

function limitParam(params: URLSearchParams): number {
  const n = Number(params.get('limit') ?? 50);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 250) : 50;
}

type Route = (ctx: RestContext, req: ParsedRequest, id: number) => Reply;

const routes: { method: string; pattern: RegExp; scope: string | null; run: Route }[] = [
  { method: 'GET', pattern: /^\/shop\.json$/, scope: null, run: getShop },
  { method: 'GET', pattern: /^\/products\.json$/, scope: 'read_products', run: listProducts },
  { method: 'POST', pattern: /^\/products\.json$/, scope: 'write_products', run: createProduct },
  { method: 'GET', pattern: /^\/products\/count\.json$/, scope: 'read_products', run: (ctx) => ok({ count: ctx.store.products.size }) },
  { method: 'GET', pattern: /^\/products\/(\d+)\.json$/, scope: 'read_products', run: getProduct },
  { method: 'PUT', pattern: /^\/products\/(\d+)\.json$/, scope: 'write_products', run: updateProduct },
  { method: 'DELETE', pattern: /^\/products\/(\d+)\.json$/, scope: 'write_products', run: deleteProduct },
  { method: 'GET', pattern: /^\/products\/(\d+)\/variants\.json$/, scope: 'read_products', run: listVariants },
  { method: 'GET', pattern: /^\/variants\/(\d+)\.json$/, scope: 'read_products', run: getVariant },
  { method: 'PUT', pattern: /^\/variants\/(\d+)\.json$/, scope: 'write_products', run: updateVariant },
  { method: 'POST', pattern: /^\/inventory_levels\/set\.json$/, scope: 'write_inventory', run: setInventoryLevel },
  { method: 'GET', pattern: /^\/webhooks\.json$/, scope: null, run: (ctx) => ok({ webhooks: [...ctx.store.webhooks.values()] }) },
  { method: 'POST', pattern: /^\/webhooks\.json$/, scope: null, run: createWebhook },
  { method: 'GET', pattern: /^\/webhooks\/(\d+)\.json$/, scope: null, run: getWebhook },
  { method: 'DELETE', pattern: /^\/webhooks\/(\d+)\.json$/, scope: null, run: deleteWebhook },
  { method: 'GET', pattern: /^\/customers\.json$/, scope: 'read_customers', run: listCustomers },
  { method: 'GET', pattern: /^\/orders\.json$/, scope: 'read_orders', run: listOrders },
];

/** Answers a REST call; `path` is what follows /admin/api/{version}. */
export function handleRest(ctx: RestContext, req: ParsedRequest, path: string): Reply {
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.scope) {
      const denied = ctx.requireScope(route.scope);
      if (denied) return denied;
    }
    return route.run(ctx, req, m[1] ? Number(m[1]) : 0);
  }
  return NOT_FOUND;
}

function getShop(ctx: RestContext): Reply {
  const shop = ctx.store.shop;
  return ok({
    shop: {
      id: 548380009,
      name: 'Warden Demo Store',
      email: 'owner@warden-demo.example',
      domain: shop,
      myshopify_domain: shop,
      province: 'Ontario',
      country: 'CA',
      currency: 'USD',
      timezone: '(GMT-05:00) Eastern Time (US & Canada)',
      iana_timezone: 'America/New_York',
      plan_name: 'basic',
      plan_display_name: 'Basic',
      created_at: '2024-01-10T09:00:00-05:00',
      updated_at: '2025-06-02T10:15:00-04:00',
      admin_graphql_api_id: gid('Shop', 548380009),
    },
  });
}

function listProducts(ctx: RestContext, req: ParsedRequest): Reply {
  const params = req.params;
  const limit = limitParam(params);
  let list = ctx.store.productList();
  const ids = params.get('ids');
  if (ids) {
    const wanted = new Set(ids.split(',').map(Number));
    list = list.filter((p) => wanted.has(p.id));
  }
  let after = Number(params.get('since_id') ?? 0);
  const pageInfo = params.get('page_info');
  if (pageInfo) {
    const decoded = decodePageInfo(pageInfo);
    if (decoded === null) return { status: 400, json: { errors: { page_info: 'Invalid value.' } } };
    after = decoded;
  }
  list = list.filter((p) => p.id > after);
  const page = list.slice(0, limit);
  const headers: Record<string, string> = {};
  if (list.length > limit && page.length > 0) {
    const next = encodePageInfo(page[page.length - 1]!.id);
    headers.Link = `<https://${ctx.store.shop}/admin/api/${ctx.apiVersion}/products.json?limit=${limit}&page_info=${next}>; rel="next"`;
  }
  return ok({ products: page.map((p) => project(p, params)) }, 200, headers);
}

function encodePageInfo(lastId: number): string {
  return Buffer.from(JSON.stringify({ last_id: lastId, direction: 'next' })).toString('base64url');
}

function decodePageInfo(s: string): number | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { last_id?: unknown };
    return typeof v.last_id === 'number' ? v.last_id : null;
  } catch {
    return null;
  }
}

function getProduct(ctx: RestContext, req: ParsedRequest, id: number): Reply {
  const p = ctx.store.products.get(id);
  return p ? ok({ product: project(p, req.params) }) : NOT_FOUND;
}

function createProduct(ctx: RestContext, req: ParsedRequest): Reply {
  const input = rootObject(req.body, 'product');
  if (isReply(input)) return input;
  if (typeof input.title !== 'string' || input.title.trim() === '') return unprocessable({ title: ["can't be blank"] });
  const variants = Array.isArray(input.variants) ? (input.variants as Record<string, unknown>[]) : [];
  const p = ctx.store.createProduct({
    title: input.title,
    body_html: typeof input.body_html === 'string' ? input.body_html : undefined,
    vendor: typeof input.vendor === 'string' ? input.vendor : undefined,
    product_type: typeof input.product_type === 'string' ? input.product_type : undefined,
    tags: typeof input.tags === 'string' ? input.tags : undefined,
    status: input.status === 'draft' || input.status === 'archived' ? input.status : undefined,
    price: variants[0] && typeof variants[0].price === 'string' ? variants[0].price : undefined,
  });
  return ok({ product: p }, 201);
}

function updateProduct(ctx: RestContext, req: ParsedRequest, id: number): Reply {
  const p = ctx.store.products.get(id);
  if (!p) return NOT_FOUND;
  const input = rootObject(req.body, 'product');
  if (isReply(input)) return input;
  if ('title' in input && (typeof input.title !== 'string' || input.title.trim() === '')) {
    return unprocessable({ title: ["can't be blank"] });
  }
  const editable = ['title', 'body_html', 'vendor', 'product_type', 'tags', 'handle'] as const;
  for (const key of editable) if (typeof input[key] === 'string') p[key] = input[key] as string;
  if (input.status === 'active' || input.status === 'draft' || input.status === 'archived') p.status = input.status;
  p.updated_at = ctx.store.timestamp();
  return ok({ product: p });
}

function deleteProduct(ctx: RestContext, _req: ParsedRequest, id: number): Reply {
  return ctx.store.products.delete(id) ? ok({}) : NOT_FOUND;
}

function listVariants(ctx: RestContext, req: ParsedRequest, id: number): Reply {
  const p: Product | undefined = ctx.store.products.get(id);
  return p ? ok({ variants: p.variants.map((v) => project(v, req.params)) }) : NOT_FOUND;
}

function getVariant(ctx: RestContext, req: ParsedRequest, id: number): Reply {
  const v = ctx.store.findVariant(id);
  return v ? ok({ variant: project(v, req.params) }) : NOT_FOUND;
}

function updateVariant(ctx: RestContext, req: ParsedRequest, id: number): Reply {
  const v = ctx.store.findVariant(id);
  if (!v) return NOT_FOUND;
  const input = rootObject(req.body, 'variant');
  if (isReply(input)) return input;
  for (const key of ['price', 'compare_at_price'] as const) {
    if (!(key in input) || (key === 'compare_at_price' && input[key] === null)) continue;
    const price = Number(input[key]);
    if ((typeof input[key] !== 'string' && typeof input[key] !== 'number') || !Number.isFinite(price) || price < 0) {
      return unprocessable({ [key]: ['is not a number'] });
    }
  }
  if ('price' in input) v.price = Number(input.price).toFixed(2);
  if ('compare_at_price' in input) v.compare_at_price = input.compare_at_price === null ? null : Number(input.compare_at_price).toFixed(2);
  if (typeof input.sku === 'string') v.sku = input.sku;
  if (typeof input.title === 'string') v.title = input.title;
  v.updated_at = ctx.store.timestamp();
  return ok({ variant: v });
}

function setInventoryLevel(ctx: RestContext, req: ParsedRequest): Reply {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    return missingParam('inventory_item_id');
  }
  for (const key of ['location_id', 'inventory_item_id', 'available'] as const) {
    if (typeof input?.[key] !== 'number' || !Number.isInteger(input[key])) return missingParam(key);
  }
  if (input.location_id !== LOCATION_ID) return unprocessable({ location_id: ['is invalid'] });
  const level = ctx.store.setInventory(input.inventory_item_id as number, input.available as number);
  if (!level) return unprocessable({ inventory_item_id: ['is invalid'] });
  return ok({ inventory_level: level });
}

function createWebhook(ctx: RestContext, req: ParsedRequest): Reply {
  const input = rootObject(req.body, 'webhook');
  if (isReply(input)) return input;
  const errors: Record<string, string[]> = {};
  if (typeof input.address !== 'string' || input.address === '') errors.address = ["can't be blank"];
  else if (!/^https:\/\//.test(input.address)) errors.address = ['protocol http:// is not supported'];
  if (typeof input.topic !== 'string' || !/^[a-z_]+\/[a-z_]+$/.test(input.topic)) errors.topic = ['Invalid topic specified.'];
  if (Object.keys(errors).length > 0) return unprocessable(errors);
  const id = ctx.store.newId();
  const ts = ctx.store.timestamp();
  const hook = {
    id,
    address: input.address as string,
    topic: input.topic as string,
    format: input.format === 'xml' ? ('xml' as const) : ('json' as const),
    fields: [],
    created_at: ts,
    updated_at: ts,
    api_version: ctx.apiVersion,
    admin_graphql_api_id: gid('WebhookSubscription', id),
  };
  ctx.store.webhooks.set(id, hook);
  return ok({ webhook: hook }, 201);
}

function getWebhook(ctx: RestContext, _req: ParsedRequest, id: number): Reply {
  const w = ctx.store.webhooks.get(id);
  return w ? ok({ webhook: w }) : NOT_FOUND;
}

function deleteWebhook(ctx: RestContext, _req: ParsedRequest, id: number): Reply {
  return ctx.store.webhooks.delete(id) ? ok({}) : NOT_FOUND;
}

function listCustomers(ctx: RestContext, req: ParsedRequest): Reply {
  const list = [...ctx.store.customers.values()].slice(0, limitParam(req.params));
  return ok({ customers: list.map((c) => project(c, req.params)) });
}

function listOrders(ctx: RestContext, req: ParsedRequest): Reply {
  const list = [...ctx.store.orders.values()].slice(0, limitParam(req.params));
  return ok({ orders: list.map((o) => project(o, req.params)) });
}
