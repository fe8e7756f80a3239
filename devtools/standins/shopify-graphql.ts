// The Shopify Admin GraphQL endpoint of the stand-in: a small slice of the real schema
// (QueryRoot + Mutation), executed by graphql-js over the in-memory store, answered the way
// Shopify answers — always HTTP 200 once authenticated, errors in `errors` (syntax, unknown
// field, access denied, THROTTLED), and the calculated query cost in `extensions.cost`.
import {
  GraphQLError,
  Kind,
  buildSchema,
  execute,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { LeakyBucket } from './leaky-bucket.ts';
import { gid, idFromGid, type Customer, type Order, type Product, type ShopifyStore, type Variant, type Webhook } from './shopify-store.ts';

const SDL = /* GraphQL */ `
  schema {
    query: QueryRoot
    mutation: Mutation
  }
  scalar DateTime
  scalar Money
  scalar Decimal
  scalar URL

  interface Node {
    id: ID!
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type UserError {
    field: [String!]
    message: String!
  }
  type MoneyV2 {
    amount: Decimal!
    currencyCode: String!
  }
  type MoneyBag {
    shopMoney: MoneyV2!
  }
  type ShopPlan {
    displayName: String!
  }

  type Shop implements Node {
    id: ID!
    name: String!
    email: String!
    myshopifyDomain: String!
    currencyCode: String!
    plan: ShopPlan!
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
  }
  type Product implements Node {
    id: ID!
    title: String!
    handle: String!
    status: ProductStatus!
    vendor: String!
    productType: String!
    tags: [String!]!
    descriptionHtml: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    totalInventory: Int!
    variants(first: Int, last: Int, after: String): ProductVariantConnection!
  }
  type ProductVariant implements Node {
    id: ID!
    title: String!
    price: Money!
    compareAtPrice: Money
    sku: String
    inventoryQuantity: Int
    product: Product!
    inventoryItem: InventoryItem!
  }
  type InventoryItem implements Node {
    id: ID!
    sku: String
  }
  type ProductEdge {
    cursor: String!
    node: Product!
  }
  type ProductConnection {
    edges: [ProductEdge!]!
    nodes: [Product!]!
    pageInfo: PageInfo!
  }
  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  type Customer implements Node {
    id: ID!
    firstName: String
    lastName: String
    displayName: String!
    email: String
    phone: String
    numberOfOrders: String!
    createdAt: DateTime!
  }
  type CustomerEdge {
    cursor: String!
    node: Customer!
  }
  type CustomerConnection {
    edges: [CustomerEdge!]!
    nodes: [Customer!]!
    pageInfo: PageInfo!
  }

  type Order implements Node {
    id: ID!
    name: String!
    email: String
    phone: String
    createdAt: DateTime!
    displayFinancialStatus: String
    totalPriceSet: MoneyBag!
    customer: Customer
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  enum WebhookSubscriptionTopic {
    APP_UNINSTALLED
    CUSTOMERS_CREATE
    CUSTOMERS_DELETE
    ORDERS_CREATE
    ORDERS_PAID
    PRODUCTS_CREATE
    PRODUCTS_DELETE
    PRODUCTS_UPDATE
  }
  enum WebhookSubscriptionFormat {
    JSON
    XML
  }
  type WebhookSubscription implements Node {
    id: ID!
    topic: WebhookSubscriptionTopic!
    format: WebhookSubscriptionFormat!
    callbackUrl: URL!
    createdAt: DateTime!
  }
  type WebhookSubscriptionEdge {
    cursor: String!
    node: WebhookSubscription!
  }
  type WebhookSubscriptionConnection {
    edges: [WebhookSubscriptionEdge!]!
    nodes: [WebhookSubscription!]!
    pageInfo: PageInfo!
  }

  type QueryRoot {
    shop: Shop!
    node(id: ID!): Node
    product(id: ID!): Product
    productVariant(id: ID!): ProductVariant
    products(first: Int, last: Int, after: String, query: String): ProductConnection!
    customers(first: Int, last: Int, after: String, query: String): CustomerConnection!
    orders(first: Int, last: Int, after: String, query: String): OrderConnection!
    webhookSubscriptions(first: Int, last: Int, after: String): WebhookSubscriptionConnection!
  }

  input ProductInput {
    id: ID
    title: String
    descriptionHtml: String
    vendor: String
    productType: String
    tags: [String!]
    status: ProductStatus
    handle: String
  }
  input ProductUpdateInput {
    id: ID!
    title: String
    descriptionHtml: String
    vendor: String
    productType: String
    tags: [String!]
    status: ProductStatus
    handle: String
  }
  input ProductCreateInput {
    title: String
    descriptionHtml: String
    vendor: String
    productType: String
    tags: [String!]
    status: ProductStatus
    handle: String
  }
  input ProductDeleteInput {
    id: ID!
  }
  input ProductVariantsBulkInput {
    id: ID
    price: Money
    compareAtPrice: Money
  }
  input CustomerDeleteInput {
    id: ID!
  }
  input WebhookSubscriptionInput {
    callbackUrl: URL
    format: WebhookSubscriptionFormat
  }

  type ProductCreatePayload {
    product: Product
    userErrors: [UserError!]!
  }
  type ProductUpdatePayload {
    product: Product
    userErrors: [UserError!]!
  }
  type ProductDeletePayload {
    deletedProductId: ID
    shop: Shop!
    userErrors: [UserError!]!
  }
  type ProductVariantsBulkUpdateUserError {
    field: [String!]
    message: String!
    code: String
  }
  type ProductVariantsBulkUpdatePayload {
    product: Product
    productVariants: [ProductVariant!]
    userErrors: [ProductVariantsBulkUpdateUserError!]!
  }
  type CustomerDeletePayload {
    deletedCustomerId: ID
    shop: Shop!
    userErrors: [UserError!]!
  }
  type WebhookSubscriptionCreatePayload {
    webhookSubscription: WebhookSubscription
    userErrors: [UserError!]!
  }
  type WebhookSubscriptionDeletePayload {
    deletedWebhookSubscriptionId: ID
    userErrors: [UserError!]!
  }

  type Mutation {
    productCreate(input: ProductInput, product: ProductCreateInput): ProductCreatePayload
    productUpdate(input: ProductInput, product: ProductUpdateInput): ProductUpdatePayload
    productDelete(input: ProductDeleteInput!): ProductDeletePayload
    productVariantsBulkUpdate(productId: ID!, variants: [ProductVariantsBulkInput!]!): ProductVariantsBulkUpdatePayload
    customerDelete(input: CustomerDeleteInput!): CustomerDeletePayload
    webhookSubscriptionCreate(
      topic: WebhookSubscriptionTopic!
      webhookSubscription: WebhookSubscriptionInput!
    ): WebhookSubscriptionCreatePayload
    webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  }
`;

const schema = buildSchema(SDL);

/** Shopify refuses a single query whose calculated cost exceeds this. */
const MAX_QUERY_COST = 1000;
/** Largest page a connection serves. */
const MAX_PAGE = 250;
const MUTATION_COST = 10;
const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

export interface GraphqlContext {
  store: ShopifyStore;
  bucket: LeakyBucket;
  enforceRateLimit: boolean;
  hasScope(scope: string): boolean;
}

/** The JSON body of a GraphQL answer (HTTP 200). */
export type GraphqlBody = { data?: unknown; errors?: unknown[]; extensions: { cost: unknown } };

export function handleGraphql(
  ctx: GraphqlContext,
  query: string,
  variables: Record<string, unknown>,
  operationName: string | null,
): GraphqlBody {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    return { errors: [syntaxError(err as GraphQLError)], extensions: { cost: cost(ctx, 0, 0) } };
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    return { errors: invalid.map(shopifyValidationError), extensions: { cost: cost(ctx, 0, 0) } };
  }
  const op = pickOperation(document, operationName);
  if (!op) {
    return { errors: [{ message: `No operation named "${operationName ?? ''}"` }], extensions: { cost: cost(ctx, 0, 0) } };
  }
  const fragments = fragmentMap(document);
  const requested = operationCost(op, fragments, variables, undefined);
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST, documentation: RATE_LIMITS_DOC },
        },
      ],
      extensions: { cost: cost(ctx, requested, null) },
    };
  }
  if (ctx.enforceRateLimit) {
    if (!ctx.bucket.tryPour(requested)) {
      return {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMITS_DOC } }],
        extensions: { cost: cost(ctx, requested, null) },
      };
    }
  } else {
    ctx.bucket.pour(requested);
  }

  const result = execute({
    schema,
    document,
    rootValue: op.operation === 'mutation' ? mutationRoot : queryRoot,
    contextValue: ctx,
    variableValues: variables,
    operationName,
  });
  if ('then' in result) throw new Error('resolvers are synchronous');
  const actual = op.operation === 'query' && result.data ? operationCost(op, fragments, variables, result.data) : requested;
  ctx.bucket.refund(requested - actual);
  const body: GraphqlBody = { data: result.data ?? null, extensions: { cost: cost(ctx, requested, actual) } };
  if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
  return body;
}

function cost(ctx: GraphqlContext, requested: number, actual: number | null) {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: {
      maximumAvailable: ctx.bucket.capacity,
      currentlyAvailable: Math.floor(ctx.bucket.available()),
      restoreRate: ctx.bucket.leakPerSecond,
    },
  };
}

// ── Errors in Shopify's words ────────────────────────────────────────────────────────────

function syntaxError(err: GraphQLError) {
  const loc = err.locations?.[0] ?? { line: 1, column: 1 };
  const found = /found (.+?)\.?$/.exec(err.message)?.[1];
  const message = found ? `Parse error on ${found} at [${loc.line}, ${loc.column}]` : `Parse error at [${loc.line}, ${loc.column}]`;
  return { message, locations: [{ line: loc.line, column: loc.column }] };
}

/** graphql-js validation messages rewritten the way Shopify (graphql-ruby) words them. */
function shopifyValidationError(err: GraphQLError) {
  const base = { locations: err.locations };
  const field = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(err.message);
  if (field) {
    return {
      message: `Field '${field[1]}' doesn't exist on type '${field[2]}'`,
      ...base,
      extensions: { code: 'undefinedField', typeName: field[2], fieldName: field[1] },
    };
  }
  const arg = /^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"/.exec(err.message);
  if (arg) {
    return {
      message: `Field '${arg[2]}' doesn't accept argument '${arg[1]}'`,
      ...base,
      extensions: { code: 'argumentNotAccepted', name: arg[2], typeName: 'Field', argumentName: arg[1] },
    };
  }
  return { message: err.message, ...base };
}

function accessDenied(field: string, scope: string): GraphQLError {
  return new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
}

function requireScope(ctx: GraphqlContext, field: string, scope: string): void {
  if (!ctx.hasScope(scope)) throw accessDenied(field, scope);
}

// ── Query cost (Shopify's calculated cost, simplified) ───────────────────────────────────
// scalar and enum fields 0 · object 1 + its fields · connection 2 + n × (1 + node fields),
// n = first/last for the requested cost, the items actually returned for the actual cost
// · each mutation root field 10.

function pickOperation(doc: DocumentNode, name: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? ops.find((o) => o.name?.value === name) : ops.length === 1 ? ops[0] : undefined;
}

function fragmentMap(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

type Composite = GraphQLObjectType | GraphQLInterfaceType;
type Fragments = Map<string, FragmentDefinitionNode>;
type Vars = Record<string, unknown>;

function operationCost(op: OperationDefinitionNode, fragments: Fragments, vars: Vars, data: unknown): number {
  if (op.operation === 'mutation') {
    let n = 0;
    for (const sel of op.selectionSet.selections) if (sel.kind === Kind.FIELD && sel.name.value !== '__typename') n++;
    return n * MUTATION_COST;
  }
  return selectionCost(op.selectionSet, schema.getQueryType()!, fragments, vars, data);
}

function selectionCost(set: SelectionSetNode, parent: Composite, fragments: Fragments, vars: Vars, data: unknown): number {
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
      if (t && (isObjectType(t) || isInterfaceType(t))) total += selectionCost(sel.selectionSet, t, fragments, vars, data);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = fragments.get(sel.name.value);
      const t = frag && schema.getType(frag.typeCondition.name.value);
      if (frag && t && (isObjectType(t) || isInterfaceType(t))) total += selectionCost(frag.selectionSet, t, fragments, vars, data);
      continue;
    }
    const def = parent.getFields()[sel.name.value];
    if (!def || !sel.selectionSet) continue;
    const named = getNamedType(def.type);
    if (!isObjectType(named) && !isInterfaceType(named)) continue;
    const sub = data && typeof data === 'object' ? (data as Record<string, unknown>)[sel.alias?.value ?? sel.name.value] : undefined;
    if (data !== undefined && (sub === null || sub === undefined)) continue;
    if (named.name.endsWith('Connection')) {
      total += connectionCost(sel.selectionSet, named, fragments, vars, sel.arguments ?? [], sub);
    } else if (Array.isArray(sub)) {
      for (const item of sub) total += 1 + selectionCost(sel.selectionSet, named, fragments, vars, item);
    } else {
      total += 1 + selectionCost(sel.selectionSet, named, fragments, vars, sub);
    }
  }
  return total;
}

function connectionCost(
  set: SelectionSetNode,
  conn: Composite,
  fragments: Fragments,
  vars: Vars,
  args: readonly { name: { value: string }; value: import('graphql').ValueNode }[],
  data: unknown,
): number {
  const pageArg = args.find((a) => a.name.value === 'first' || a.name.value === 'last');
  const requestedItems = pageArg ? Number(valueFromASTUntyped(pageArg.value, vars)) || 0 : 0;
  const fields = conn.getFields();
  let total = 2;
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
    const list = data && typeof data === 'object' ? (data as Record<string, unknown>)[sel.alias?.value ?? sel.name.value] : undefined;
    const items = Array.isArray(list) ? list : undefined;
    const itemType = fields[sel.name.value] && getNamedType(fields[sel.name.value]!.type);
    if (!itemType || !(isObjectType(itemType) || isInterfaceType(itemType))) continue;
    if (sel.name.value === 'edges') {
      // edges { node { … } }: the node is the item; the edge itself is free.
      const node = sel.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'node');
      const nodeType = getNamedType(itemType.getFields().node!.type);
      if (!node || node.kind !== Kind.FIELD || !node.selectionSet || !(isObjectType(nodeType) || isInterfaceType(nodeType))) continue;
      if (items)
        for (const edge of items)
          total += 1 + selectionCost(node.selectionSet, nodeType, fragments, vars, (edge as { node?: unknown }).node);
      else total += requestedItems * (1 + selectionCost(node.selectionSet, nodeType, fragments, vars, undefined));
    } else if (sel.name.value === 'nodes') {
      if (items) for (const item of items) total += 1 + selectionCost(sel.selectionSet, itemType, fragments, vars, item);
      else total += requestedItems * (1 + selectionCost(sel.selectionSet, itemType, fragments, vars, undefined));
    }
    // pageInfo is free
  }
  return total;
}

// ── Resolvers ────────────────────────────────────────────────────────────────────────────

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
}

function connection<T extends { id: number }>(all: T[], args: PageArgs, toNode: (item: T) => unknown, type: string) {
  const { first, last, after } = args;
  if (first == null && last == null)
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  for (const [name, n] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (n != null && n > MAX_PAGE) {
      throw new GraphQLError(
        `${name} cannot exceed ${MAX_PAGE}. To query larger amounts of data with fewer limits, bulk operations should be used instead.`,
        { extensions: { code: 'BAD_REQUEST' } },
      );
    }
  }
  let items = all;
  if (after) {
    const afterId = Number(Buffer.from(after, 'base64url').toString('utf8').replace(/^\D+/, ''));
    items = items.filter((x) => x.id > afterId);
  }
  const page = first != null ? items.slice(0, first) : items.slice(Math.max(0, items.length - (last ?? 0)));
  const cursor = (x: T) => Buffer.from(`${type}:${x.id}`).toString('base64url');
  const nodes = page.map(toNode);
  return {
    edges: page.map((x, i) => ({ cursor: cursor(x), node: nodes[i] })),
    nodes,
    pageInfo: {
      hasNextPage: first != null && items.length > page.length,
      hasPreviousPage: Boolean(after) || (last != null && items.length > page.length),
      startCursor: page[0] ? cursor(page[0]) : null,
      endCursor: page.length ? cursor(page[page.length - 1]!) : null,
    },
  };
}

function shopNode(store: ShopifyStore) {
  return {
    __typename: 'Shop',
    id: gid('Shop', 548380009),
    name: 'Warden Demo Store',
    email: 'owner@warden-demo.example',
    myshopifyDomain: store.shop,
    currencyCode: 'USD',
    plan: { displayName: 'Basic' },
  };
}

function productNode(store: ShopifyStore, p: Product): Record<string, unknown> {
  return {
    __typename: 'Product',
    id: p.admin_graphql_api_id,
    title: p.title,
    handle: p.handle,
    status: p.status.toUpperCase(),
    vendor: p.vendor,
    productType: p.product_type,
    tags: p.tags ? p.tags.split(',').map((t) => t.trim()) : [],
    descriptionHtml: p.body_html,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    totalInventory: p.variants.reduce((n, v) => n + v.inventory_quantity, 0),
    variants: (args: PageArgs) => connection(p.variants, args, (v) => variantNode(store, v), 'ProductVariant'),
  };
}

function variantNode(store: ShopifyStore, v: Variant): Record<string, unknown> {
  return {
    __typename: 'ProductVariant',
    id: v.admin_graphql_api_id,
    title: v.title,
    price: v.price,
    compareAtPrice: v.compare_at_price,
    sku: v.sku,
    inventoryQuantity: v.inventory_quantity,
    inventoryItem: { id: gid('InventoryItem', v.inventory_item_id), sku: v.sku },
    product: () => {
      const p = store.products.get(v.product_id);
      return p ? productNode(store, p) : null;
    },
  };
}

function customerNode(c: Customer) {
  return {
    __typename: 'Customer',
    id: c.admin_graphql_api_id,
    firstName: c.first_name,
    lastName: c.last_name,
    displayName: `${c.first_name} ${c.last_name}`,
    email: c.email,
    phone: c.phone,
    numberOfOrders: String(c.orders_count),
    createdAt: c.created_at,
  };
}

function orderNode(store: ShopifyStore, o: Order) {
  return {
    __typename: 'Order',
    id: o.admin_graphql_api_id,
    name: o.name,
    email: o.email,
    phone: o.phone,
    createdAt: o.created_at,
    displayFinancialStatus: o.financial_status.toUpperCase(),
    totalPriceSet: { shopMoney: { amount: o.total_price, currencyCode: o.currency } },
    customer: () => {
      const c = store.customers.get(o.customer.id);
      return c ? customerNode(c) : null;
    },
  };
}

function webhookNode(w: Webhook) {
  return {
    __typename: 'WebhookSubscription',
    id: w.admin_graphql_api_id,
    topic: w.topic.toUpperCase().replace('/', '_'),
    format: w.format.toUpperCase(),
    callbackUrl: w.address,
    createdAt: w.created_at,
  };
}

const byId = <T extends { id: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.id - b.id);

const queryRoot = {
  shop: (_: unknown, ctx: GraphqlContext) => shopNode(ctx.store),
  node: ({ id }: { id: string }, ctx: GraphqlContext) => {
    const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(id);
    if (!m) return null;
    const n = Number(m[2]);
    const s = ctx.store;
    if (m[1] === 'Product' && s.products.has(n)) return productNode(s, s.products.get(n)!);
    if (m[1] === 'ProductVariant') {
      const v = s.findVariant(n);
      return v ? variantNode(s, v) : null;
    }
    if (m[1] === 'Customer') {
      requireScope(ctx, 'node', 'read_customers');
      const c = s.customers.get(n);
      return c ? customerNode(c) : null;
    }
    if (m[1] === 'Order') {
      requireScope(ctx, 'node', 'read_orders');
      const o = s.orders.get(n);
      return o ? orderNode(s, o) : null;
    }
    return null;
  },
  product: ({ id }: { id: string }, ctx: GraphqlContext) => {
    requireScope(ctx, 'product', 'read_products');
    const n = idFromGid(id, 'Product');
    const p = n === null ? undefined : ctx.store.products.get(n);
    return p ? productNode(ctx.store, p) : null;
  },
  productVariant: ({ id }: { id: string }, ctx: GraphqlContext) => {
    requireScope(ctx, 'productVariant', 'read_products');
    const n = idFromGid(id, 'ProductVariant');
    const v = n === null ? undefined : ctx.store.findVariant(n);
    return v ? variantNode(ctx.store, v) : null;
  },
  products: (args: PageArgs & { query?: string | null }, ctx: GraphqlContext) => {
    requireScope(ctx, 'products', 'read_products');
    let list = byId(ctx.store.products);
    const title =
      args.query &&
      /title:(\S+)/
        .exec(args.query)?.[1]
        ?.replace(/^['"]|['"]$/g, '')
        .replace(/\*$/, '')
        .toLowerCase();
    if (title) list = list.filter((p) => p.title.toLowerCase().startsWith(title));
    return connection(list, args, (p) => productNode(ctx.store, p), 'Product');
  },
  customers: (args: PageArgs, ctx: GraphqlContext) => {
    requireScope(ctx, 'customers', 'read_customers');
    return connection(byId(ctx.store.customers), args, customerNode, 'Customer');
  },
  orders: (args: PageArgs, ctx: GraphqlContext) => {
    requireScope(ctx, 'orders', 'read_orders');
    return connection(byId(ctx.store.orders), args, (o) => orderNode(ctx.store, o), 'Order');
  },
  webhookSubscriptions: (args: PageArgs, ctx: GraphqlContext) =>
    connection(byId(ctx.store.webhooks), args, webhookNode, 'WebhookSubscription'),
};

interface ProductFields {
  id?: string | null;
  title?: string | null;
  descriptionHtml?: string | null;
  vendor?: string | null;
  productType?: string | null;
  tags?: string[] | null;
  status?: string | null;
  handle?: string | null;
}

function applyProductFields(p: Product, f: ProductFields): void {
  if (f.title != null) p.title = f.title;
  if (f.descriptionHtml != null) p.body_html = f.descriptionHtml;
  if (f.vendor != null) p.vendor = f.vendor;
  if (f.productType != null) p.product_type = f.productType;
  if (f.tags != null) p.tags = f.tags.join(', ');
  if (f.status != null) p.status = f.status.toLowerCase() as Product['status'];
  if (f.handle != null) p.handle = f.handle;
}

const productMissing = { field: ['id'], message: 'Product does not exist' };

const mutationRoot = {
  productCreate: (args: { input?: ProductFields | null; product?: ProductFields | null }, ctx: GraphqlContext) => {
    requireScope(ctx, 'productCreate', 'write_products');
    const f = args.product ?? args.input ?? {};
    if (!f.title || f.title.trim() === '') return { product: null, userErrors: [{ field: ['title'], message: "Title can't be blank" }] };
    const p = ctx.store.createProduct({ title: f.title });
    applyProductFields(p, f);
    return { product: productNode(ctx.store, p), userErrors: [] };
  },
  productUpdate: (args: { input?: ProductFields | null; product?: ProductFields | null }, ctx: GraphqlContext) => {
    requireScope(ctx, 'productUpdate', 'write_products');
    const f = args.product ?? args.input ?? {};
    const n = idFromGid(f.id, 'Product');
    const p = n === null ? undefined : ctx.store.products.get(n);
    if (!p) return { product: null, userErrors: [productMissing] };
    if (f.title !== undefined && (f.title === null || f.title.trim() === '')) {
      return { product: null, userErrors: [{ field: ['title'], message: "Title can't be blank" }] };
    }
    applyProductFields(p, f);
    p.updated_at = ctx.store.timestamp();
    return { product: productNode(ctx.store, p), userErrors: [] };
  },
  productDelete: ({ input }: { input: { id: string } }, ctx: GraphqlContext) => {
    requireScope(ctx, 'productDelete', 'write_products');
    const n = idFromGid(input.id, 'Product');
    if (n === null || !ctx.store.products.delete(n))
      return { deletedProductId: null, shop: shopNode(ctx.store), userErrors: [productMissing] };
    return { deletedProductId: input.id, shop: shopNode(ctx.store), userErrors: [] };
  },
  productVariantsBulkUpdate: (
    args: { productId: string; variants: { id?: string | null; price?: unknown; compareAtPrice?: unknown }[] },
    ctx: GraphqlContext,
  ) => {
    requireScope(ctx, 'productVariantsBulkUpdate', 'write_products');
    const n = idFromGid(args.productId, 'Product');
    const p = n === null ? undefined : ctx.store.products.get(n);
    if (!p)
      return {
        product: null,
        productVariants: null,
        userErrors: [{ field: ['productId'], message: 'Product does not exist', code: 'PRODUCT_DOES_NOT_EXIST' }],
      };
    // Validate everything first: Shopify applies all changes or none.
    const changes: { v: Variant; price?: string; compareAtPrice?: string | null }[] = [];
    for (const [i, input] of args.variants.entries()) {
      const vid = idFromGid(input.id, 'ProductVariant');
      const v = p.variants.find((x) => x.id === vid);
      if (!v)
        return {
          product: null,
          productVariants: null,
          userErrors: [
            { field: ['variants', String(i), 'id'], message: 'Product variant does not exist', code: 'PRODUCT_VARIANT_DOES_NOT_EXIST' },
          ],
        };
      const change: (typeof changes)[number] = { v };
      for (const key of ['price', 'compareAtPrice'] as const) {
        const value = input[key];
        if (value === undefined) continue;
        if (value === null && key === 'compareAtPrice') {
          change.compareAtPrice = null;
          continue;
        }
        const amount = Number(value);
        if ((typeof value !== 'string' && typeof value !== 'number') || !Number.isFinite(amount) || amount < 0) {
          return {
            product: null,
            productVariants: null,
            userErrors: [
              {
                field: ['variants', String(i), key],
                message: `${key === 'price' ? 'Price' : 'Compare at price'} is invalid`,
                code: 'INVALID',
              },
            ],
          };
        }
        change[key] = amount.toFixed(2);
      }
      changes.push(change);
    }
    const ts = ctx.store.timestamp();
    for (const c of changes) {
      if (c.price !== undefined) c.v.price = c.price;
      if (c.compareAtPrice !== undefined) c.v.compare_at_price = c.compareAtPrice;
      c.v.updated_at = ts;
    }
    return { product: productNode(ctx.store, p), productVariants: changes.map((c) => variantNode(ctx.store, c.v)), userErrors: [] };
  },
  customerDelete: ({ input }: { input: { id: string } }, ctx: GraphqlContext) => {
    requireScope(ctx, 'customerDelete', 'write_customers');
    const n = idFromGid(input.id, 'Customer');
    if (n === null || !ctx.store.customers.delete(n)) {
      return { deletedCustomerId: null, shop: shopNode(ctx.store), userErrors: [{ field: ['id'], message: 'Customer does not exist' }] };
    }
    return { deletedCustomerId: input.id, shop: shopNode(ctx.store), userErrors: [] };
  },
  webhookSubscriptionCreate: (
    args: { topic: string; webhookSubscription: { callbackUrl?: string | null; format?: string | null } },
    ctx: GraphqlContext,
  ) => {
    const url = args.webhookSubscription.callbackUrl;
    if (!url)
      return {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: "Address can't be blank" }],
      };
    if (!/^https:\/\//.test(url))
      return {
        webhookSubscription: null,
        userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address protocol http:// is not supported' }],
      };
    const id = ctx.store.newId();
    const ts = ctx.store.timestamp();
    const hook: Webhook = {
      id,
      address: url,
      topic: args.topic.toLowerCase().replace('_', '/'),
      format: args.webhookSubscription.format === 'XML' ? 'xml' : 'json',
      fields: [],
      created_at: ts,
      updated_at: ts,
      api_version: '2025-10',
      admin_graphql_api_id: gid('WebhookSubscription', id),
    };
    ctx.store.webhooks.set(id, hook);
    return { webhookSubscription: webhookNode(hook), userErrors: [] };
  },
  webhookSubscriptionDelete: ({ id }: { id: string }, ctx: GraphqlContext) => {
    const n = idFromGid(id, 'WebhookSubscription');
    if (n === null || !ctx.store.webhooks.delete(n)) {
      return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    }
    return { deletedWebhookSubscriptionId: id, userErrors: [] };
  },
};
