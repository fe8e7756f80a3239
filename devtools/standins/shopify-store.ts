// The in-memory shop behind the Shopify stand-in: a few products with variants and inventory,
// fake customers and orders, webhooks. Records are kept in the REST (snake_case) shape; the
// GraphQL layer maps them. Every stand-in gets its own fresh copy of the seed.
// The customers are invented (example.com addresses, 555 numbers): the demo shows them being
// scrubbed, so they look like personal data without being anyone's.

export interface Variant {
  id: number;
  product_id: number;
  title: string;
  price: string;
  sku: string;
  position: number;
  inventory_policy: 'deny' | 'continue';
  compare_at_price: string | null;
  option1: string | null;
  created_at: string;
  updated_at: string;
  taxable: boolean;
  barcode: string | null;
  inventory_item_id: number;
  inventory_quantity: number;
  admin_graphql_api_id: string;
}

export interface Product {
  id: number;
  title: string;
  body_html: string;
  vendor: string;
  product_type: string;
  handle: string;
  status: 'active' | 'draft' | 'archived';
  tags: string;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  admin_graphql_api_id: string;
  variants: Variant[];
}

export interface Customer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string;
  state: string;
  orders_count: number;
  total_spent: string;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface Order {
  id: number;
  name: string;
  email: string;
  phone: string;
  total_price: string;
  currency: string;
  financial_status: string;
  fulfillment_status: string | null;
  created_at: string;
  customer: { id: number; email: string; first_name: string; last_name: string };
  line_items: { id: number; variant_id: number; title: string; quantity: number; price: string }[];
  admin_graphql_api_id: string;
}

export interface Webhook {
  id: number;
  address: string;
  topic: string;
  format: 'json' | 'xml';
  fields: string[];
  created_at: string;
  updated_at: string;
  api_version: string;
  admin_graphql_api_id: string;
}

export interface InventoryLevel {
  inventory_item_id: number;
  location_id: number;
  available: number;
  updated_at: string;
  admin_graphql_api_id: string;
}

export const LOCATION_ID = 655441491;
const SEEDED_AT = '2025-06-02T10:15:00-04:00';

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a GraphQL global id of the given type, or null. */
export function idFromGid(value: unknown, type: string): number | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  return m && m[1] === type ? Number(m[2]) : null;
}

export function shopifyTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function variant(id: number, productId: number, position: number, title: string, price: string, sku: string, qty: number): Variant {
  return {
    id,
    product_id: productId,
    title,
    price,
    sku,
    position,
    inventory_policy: 'deny',
    compare_at_price: null,
    option1: title,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
    taxable: true,
    barcode: null,
    inventory_item_id: id + 100_000_000,
    inventory_quantity: qty,
    admin_graphql_api_id: gid('ProductVariant', id),
  };
}

function product(id: number, title: string, type: string, tags: string, variants: Variant[]): Product {
  return {
    id,
    title,
    body_html: `<p>${title} — part of the Warden demo catalogue.</p>`,
    vendor: 'Warden Demo Co',
    product_type: type,
    handle: title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
    status: 'active',
    tags,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
    published_at: SEEDED_AT,
    admin_graphql_api_id: gid('Product', id),
    variants,
  };
}

function customer(id: number, first: string, last: string, email: string, phone: string, orders: number, spent: string): Customer {
  return {
    id,
    email,
    first_name: first,
    last_name: last,
    phone,
    state: 'enabled',
    orders_count: orders,
    total_spent: spent,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
    admin_graphql_api_id: gid('Customer', id),
  };
}

export class ShopifyStore {
  readonly products = new Map<number, Product>();
  readonly customers = new Map<number, Customer>();
  readonly orders = new Map<number, Order>();
  readonly webhooks = new Map<number, Webhook>();
  private nextId = 1_000_000_001;

  constructor(
    readonly shop: string,
    private readonly now: () => number,
  ) {
    const seed = [
      product(632910392, 'Alpine Trail Jacket', 'Outerwear', 'hiking, waterproof', [
        variant(808950810, 632910392, 1, 'S', '189.00', 'ATJ-S', 12),
        variant(49148385, 632910392, 2, 'M', '189.00', 'ATJ-M', 20),
        variant(39072856, 632910392, 3, 'L', '199.00', 'ATJ-L', 7),
      ]),
      product(921728736, 'Canyon Daypack 22L', 'Bags', 'hiking', [
        variant(447654529, 921728736, 1, 'Default Title', '79.50', 'CDP-22', 34),
      ]),
      product(1071559571, 'Merino Trail Socks', 'Accessories', 'merino, socks', [
        variant(1070325053, 1071559571, 1, 'Pair', '18.00', 'MTS-1', 140),
        variant(1070325054, 1071559571, 2, 'Three-pack', '49.00', 'MTS-3', 52),
      ]),
      product(1071559572, 'Summit Water Bottle', 'Accessories', 'hydration', [
        variant(1070325055, 1071559572, 1, '750 ml', '24.00', 'SWB-750', 88),
      ]),
      product(1071559573, 'Basecamp Tent 2P', 'Camping', 'camping, tent', [
        variant(1070325056, 1071559573, 1, 'Default Title', '349.00', 'BCT-2P', 5),
      ]),
    ];
    for (const p of seed) this.products.set(p.id, p);

    const people = [
      customer(207119551, 'Bob', 'Norman', 'bob.norman@mail.example.com', '+1-613-555-0107', 2, '378.00'),
      customer(207119552, 'Amira', 'Haddad', 'amira.haddad@example.com', '+44 20 7946 0321', 1, '79.50'),
      customer(207119553, 'Kenji', 'Watanabe', 'kenji.w@example.org', '+81 3-5555-0188', 3, '512.00'),
    ];
    for (const c of people) this.customers.set(c.id, c);

    const order = (id: number, n: number, c: Customer, items: Order['line_items'], total: string): Order => ({
      id,
      name: `#${n}`,
      email: c.email,
      phone: c.phone,
      total_price: total,
      currency: 'USD',
      financial_status: 'paid',
      fulfillment_status: null,
      created_at: SEEDED_AT,
      customer: { id: c.id, email: c.email, first_name: c.first_name, last_name: c.last_name },
      line_items: items,
      admin_graphql_api_id: gid('Order', id),
    });
    this.orders.set(
      450789469,
      order(
        450789469,
        1001,
        people[0]!,
        [{ id: 466157049, variant_id: 808950810, title: 'Alpine Trail Jacket', quantity: 2, price: '189.00' }],
        '378.00',
      ),
    );
    this.orders.set(
      450789470,
      order(
        450789470,
        1002,
        people[1]!,
        [{ id: 466157050, variant_id: 447654529, title: 'Canyon Daypack 22L', quantity: 1, price: '79.50' }],
        '79.50',
      ),
    );

    const hook: Webhook = {
      id: 4759306,
      address: 'https://hooks.warden-demo.example/orders',
      topic: 'orders/create',
      format: 'json',
      fields: [],
      created_at: SEEDED_AT,
      updated_at: SEEDED_AT,
      api_version: '2025-10',
      admin_graphql_api_id: gid('WebhookSubscription', 4759306),
    };
    this.webhooks.set(hook.id, hook);
  }

  newId(): number {
    return this.nextId++;
  }

  timestamp(): string {
    return shopifyTimestamp(this.now());
  }

  /** Products in id order (Shopify's default REST order), oldest first. */
  productList(): Product[] {
    return [...this.products.values()].sort((a, b) => a.id - b.id);
  }

  findVariant(id: number): Variant | undefined {
    for (const p of this.products.values()) {
      const v = p.variants.find((x) => x.id === id);
      if (v) return v;
    }
    return undefined;
  }

  findVariantByInventoryItem(inventoryItemId: number): Variant | undefined {
    for (const p of this.products.values()) {
      const v = p.variants.find((x) => x.inventory_item_id === inventoryItemId);
      if (v) return v;
    }
    return undefined;
  }

  createProduct(input: {
    title: string;
    body_html?: string;
    vendor?: string;
    product_type?: string;
    tags?: string;
    status?: Product['status'];
    price?: string;
  }): Product {
    const id = this.newId();
    const ts = this.timestamp();
    const v = variant(this.newId(), id, 1, 'Default Title', input.price ?? '0.00', '', 0);
    v.created_at = v.updated_at = ts;
    const p = product(id, input.title, input.product_type ?? '', input.tags ?? '', [v]);
    p.body_html = input.body_html ?? '';
    p.vendor = input.vendor ?? 'Warden Demo Co';
    p.status = input.status ?? 'active';
    p.created_at = p.updated_at = ts;
    this.products.set(id, p);
    return p;
  }

  setInventory(inventoryItemId: number, available: number): InventoryLevel | null {
    const v = this.findVariantByInventoryItem(inventoryItemId);
    if (!v) return null;
    v.inventory_quantity = available;
    v.updated_at = this.timestamp();
    return {
      inventory_item_id: inventoryItemId,
      location_id: LOCATION_ID,
      available,
      updated_at: v.updated_at,
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${LOCATION_ID}?inventory_item_id=${inventoryItemId}`,
    };
  }
}
