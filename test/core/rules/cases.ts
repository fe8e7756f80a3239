// The table of example operations for the built-in rules: each row is an operation with the
// risk level, a rule id that must be among the matches, and the action expected. The coverage
// test checks that every built-in rule is matched by at least one row.
import type { ClassifyHints } from '../../../core/classify/index.ts';
import type { Action, OperationInput, RiskLevel } from '../../../core/types.ts';

export interface RuleCase {
  op: OperationInput;
  hints?: ClassifyHints;
  level: RiskLevel;
  rule: string;
  action: Action;
}

const SHOP = 'https://demo.myshopify.com/admin/api/2025-10';
const GRAPH = 'https://graph.facebook.com/v23.0';
const API = 'https://api.example.com';

const rest = (method: string, path: string, body?: unknown): OperationInput => ({ tool: 'shopify_rest', method, url: SHOP + path, body });
const gql = (query: string, variables?: unknown): OperationInput => ({
  tool: 'shopify_graphql',
  method: 'POST',
  url: `${SHOP}/graphql.json`,
  body: { query, variables },
});
const mutation = (field: string): OperationInput => gql(`mutation { ${field}(input: {}) { userErrors { message } } }`);
/** A mutation taking `$input` as a variable (how apps and agents usually send it). */
const mutationWith = (field: string, input: unknown): OperationInput =>
  gql(`mutation Run($input: JSON!) { ${field}(input: $input) { userErrors { message } } }`, { input });
const query = (field: string): OperationInput => gql(`query { ${field}(first: 5) { nodes { id } } }`);
const meta = (method: string, path: string, body?: unknown): OperationInput => ({ tool: 'meta_graph', method, url: GRAPH + path, body });
const http = (method: string, path: string, body?: unknown): OperationInput => ({ tool: 'http_request', method, url: API + path, body });

type Row = [OperationInput, RiskLevel, string, Action];
const row = ([op, level, rule, action]: Row): RuleCase => ({ op, level, rule, action });

export const SHOPIFY_CASES: RuleCase[] = (
  [
    // products & variants
    [rest('GET', '/products/123.json'), 0, 'shopify.product.read', 'read'],
    [rest('POST', '/products.json', { product: { title: 'Mug' } }), 1, 'shopify.product.create', 'write'],
    [rest('PUT', '/products/123.json', { product: { title: 'Mug 2' } }), 1, 'shopify.product.update', 'write'],
    [rest('PUT', '/products/123.json', { product: { variants: [{ id: 1, price: '10.00' }] } }), 2, 'shopify.product.price', 'write'],
    [rest('POST', '/products.json', { product: { title: 'Mug', variants: [{ price: '10.00' }] } }), 2, 'shopify.product.price', 'write'],
    [rest('DELETE', '/products/123.json'), 3, 'shopify.product.delete', 'delete'],
    [rest('POST', '/products/123/variants.json', { variant: { option1: 'Red' } }), 1, 'shopify.variant.create', 'write'],
    [rest('PUT', '/variants/456.json', { variant: { sku: 'MUG-RED' } }), 1, 'shopify.variant.update', 'write'],
    [rest('PUT', '/variants/456.json', { variant: { price: '5.00' } }), 2, 'shopify.variant.price', 'write'],
    [rest('DELETE', '/products/123/variants/456.json'), 3, 'shopify.variant.delete', 'delete'],
    [query('products'), 0, 'shopify.product.read.graphql', 'read'],
    [mutation('productUpdate'), 1, 'shopify.product.write.graphql', 'write'],
    [mutation('productDelete'), 3, 'shopify.product.delete.graphql', 'delete'],
    [mutation('productVariantsBulkCreate'), 1, 'shopify.variant.write.graphql', 'write'],
    [
      gql(
        'mutation V($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkCreate(productId: $productId, variants: $variants) { userErrors { message } } }',
        {
          productId: 'gid://shopify/Product/1',
          variants: [{ price: '12.00', optionValues: [{ name: 'Red', optionName: 'Color' }] }],
        },
      ),
      2,
      'shopify.product.price.graphql',
      'write',
    ],
    // productSet replaces list fields (variants not listed are deleted): 2 with or without prices
    [mutationWith('productSet', { title: 'Mug', status: 'ACTIVE' }), 2, 'shopify.product.set.graphql', 'write'],
    [
      mutationWith('productSet', { title: 'Mug', variants: [{ price: '9.99', optionValues: [] }] }),
      2,
      'shopify.product.price.graphql',
      'write',
    ],
    [
      gql(
        'mutation { productSet(synchronous: true, input: {title: "Mug", variants: [{price: "9.99", optionValues: []}]}) { product { id } } }',
      ),
      2,
      'shopify.product.price.graphql',
      'write',
    ],
    [mutation('productVariantsBulkUpdate'), 2, 'shopify.variant.price.graphql', 'write'],
    [mutation('productVariantsBulkDelete'), 3, 'shopify.variant.delete.graphql', 'delete'],
    [mutation('priceListFixedPricesAdd'), 2, 'shopify.price_list.graphql', 'write'],
    // inventory
    [rest('GET', '/inventory_levels.json?location_ids=1'), 0, 'shopify.inventory.read', 'read'],
    [
      rest('POST', '/inventory_levels/set.json', { location_id: 1, inventory_item_id: 2, available: 0 }),
      2,
      'shopify.inventory.set',
      'write',
    ],
    [rest('POST', '/inventory_levels/adjust.json', { available_adjustment: -5 }), 2, 'shopify.inventory.set', 'write'],
    [rest('POST', '/inventory_levels/connect.json'), 1, 'shopify.inventory.connect', 'write'],
    [rest('DELETE', '/inventory_levels.json?inventory_item_id=1&location_id=2'), 3, 'shopify.inventory.level.delete', 'delete'],
    [rest('PUT', '/inventory_items/789.json', { inventory_item: { cost: '3.00' } }), 2, 'shopify.inventory.item.update', 'write'],
    [mutation('inventorySetQuantities'), 2, 'shopify.inventory.quantities.graphql', 'write'],
    [mutation('inventoryActivate'), 1, 'shopify.inventory.activate.graphql', 'write'],
    // orders
    [rest('GET', '/orders.json?status=any'), 0, 'shopify.order.read', 'read'],
    [rest('POST', '/orders.json', { order: {} }), 1, 'shopify.order.create', 'write'],
    [rest('PUT', '/orders/1001.json', { order: { note: 'x' } }), 1, 'shopify.order.update', 'write'],
    [rest('POST', '/orders/1001/close.json'), 1, 'shopify.order.close', 'write'],
    [rest('POST', '/orders/1001/cancel.json'), 3, 'shopify.order.cancel', 'write'],
    [rest('DELETE', '/orders/1001.json'), 3, 'shopify.order.delete', 'delete'],
    [rest('POST', '/orders/1001/transactions.json', { transaction: { kind: 'capture' } }), 2, 'shopify.order.transaction', 'write'],
    [rest('POST', '/draft_orders.json', { draft_order: {} }), 1, 'shopify.draft_order.write', 'write'],
    [query('orders'), 0, 'shopify.order.read.graphql', 'read'],
    [mutation('orderClose'), 1, 'shopify.order.write.graphql', 'write'],
    [mutation('orderEditBegin'), 1, 'shopify.order.write.graphql', 'write'],
    [mutation('orderMarkAsPaid'), 2, 'shopify.order.payment.graphql', 'write'],
    [mutation('orderCancel'), 3, 'shopify.order.cancel.graphql', 'write'],
    [mutation('draftOrderDelete'), 3, 'shopify.order.delete.graphql', 'delete'],
    // refunds & returns
    [rest('POST', '/orders/1001/refunds/calculate.json', { refund: {} }), 0, 'shopify.refund.calculate', 'read'],
    [rest('POST', '/orders/1001/refunds.json', { refund: {} }), 3, 'shopify.refund.create', 'write'],
    [mutation('refundCreate'), 3, 'shopify.refund.create.graphql', 'write'],
    [mutation('returnProcess'), 2, 'shopify.return.graphql', 'write'],
    // customers: reading personal data is 2, changing it is 3
    [rest('GET', '/customers/search.json?query=email:jane@example.com'), 2, 'shopify.customer.read', 'read'],
    [rest('GET', '/customers/207119551/addresses.json'), 2, 'shopify.customer.read', 'read'],
    [rest('PUT', '/customers/207119551.json', { customer: { email: 'x' } }), 3, 'shopify.customer.write', 'write'],
    [rest('DELETE', '/customers/207119551.json'), 3, 'shopify.customer.delete', 'delete'],
    [query('customers'), 2, 'shopify.customer.read.graphql', 'read'],
    // node / nodes can return any object by id, customers included
    [gql('query { node(id: "gid://shopify/Customer/1") { id ... on Customer { email } } }'), 2, 'shopify.node.read.graphql', 'read'],
    [gql('query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['gid://shopify/Order/1'] }), 2, 'shopify.node.read.graphql', 'read'],
    [mutation('customerUpdate'), 3, 'shopify.customer.write.graphql', 'write'],
    [mutation('customerDelete'), 3, 'shopify.customer.delete.graphql', 'delete'],
    // webhooks
    [
      rest('POST', '/webhooks.json', { webhook: { topic: 'orders/create', address: 'https://x.example' } }),
      3,
      'shopify.webhook.write',
      'write',
    ],
    [rest('DELETE', '/webhooks/1.json'), 3, 'shopify.webhook.delete', 'delete'],
    [mutation('webhookSubscriptionCreate'), 3, 'shopify.webhook.write.graphql', 'write'],
    [mutation('webhookSubscriptionDelete'), 3, 'shopify.webhook.write.graphql', 'delete'],
    [mutation('eventBridgeWebhookSubscriptionCreate'), 3, 'shopify.webhook.write.graphql', 'write'],
    // shop settings
    [rest('GET', '/shop.json'), 0, 'shopify.shop.read', 'read'],
    [rest('PUT', '/shop.json', { shop: { name: 'x' } }), 3, 'shopify.shop.update', 'write'],
    [mutation('shopPolicyUpdate'), 3, 'shopify.shop.settings.graphql', 'write'],
    [mutation('shopUpdate'), 3, 'shopify.shop.settings.graphql', 'write'],
    // themes & script tags
    [rest('PUT', '/themes/828155753/assets.json', { asset: { key: 'layout/theme.liquid', value: '' } }), 3, 'shopify.theme.write', 'write'],
    [rest('PUT', '/themes/828155753.json', { theme: { role: 'main' } }), 3, 'shopify.theme.write', 'write'],
    [rest('DELETE', '/themes/828155753.json'), 3, 'shopify.theme.delete', 'delete'],
    [mutation('themePublish'), 3, 'shopify.theme.write.graphql', 'write'],
    [mutation('themeDelete'), 3, 'shopify.theme.write.graphql', 'delete'],
    [rest('POST', '/script_tags.json', { script_tag: { src: 'https://x.example/a.js' } }), 3, 'shopify.script_tag.write', 'write'],
    [rest('DELETE', '/script_tags/1.json'), 3, 'shopify.script_tag.delete', 'delete'],
    [mutation('scriptTagCreate'), 3, 'shopify.script_tag.write.graphql', 'write'],
    // bulk operations
    [mutation('bulkOperationRunMutation'), 3, 'shopify.bulk.mutation.graphql', 'write'],
    [mutation('bulkOperationRunQuery'), 1, 'shopify.bulk.query.graphql', 'read'],
    [
      gql(
        'mutation { bulkOperationRunQuery(query: """{ products { edges { node { id title totalInventory } } } }""") { bulkOperation { id } } }',
      ),
      1,
      'shopify.bulk.query.graphql',
      'read',
    ],
    // a bulk export of customers or orders is at least as sensitive as reading one customer
    [
      gql('mutation { bulkOperationRunQuery(query: """{ customers { edges { node { id displayName } } } }""") { bulkOperation { id } } }'),
      2,
      'shopify.bulk.query.customer_data.graphql',
      'read',
    ],
    [
      gql('mutation Export($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } } }', {
        q: '{ draftOrders { edges { node { id totalPrice } } } }',
      }),
      2,
      'shopify.bulk.query.customer_data.graphql',
      'read',
    ],
    [mutation('bulkOperationCancel'), 1, 'shopify.bulk.cancel.graphql', 'write'],
    // metafields
    [rest('POST', '/products/123/metafields.json', { metafield: {} }), 1, 'shopify.metafield.write', 'write'],
    [rest('PUT', '/metafields/55.json', { metafield: {} }), 1, 'shopify.metafield.write', 'write'],
    [rest('DELETE', '/products/123/metafields/55.json'), 3, 'shopify.metafield.delete', 'delete'],
    [mutation('metafieldsSet'), 1, 'shopify.metafield.write.graphql', 'write'],
    [mutation('metafieldsDelete'), 3, 'shopify.metafield.delete.graphql', 'delete'],
    // discounts & price rules
    [rest('POST', '/price_rules.json', { price_rule: {} }), 2, 'shopify.discount.write', 'write'],
    [rest('POST', '/price_rules/1/discount_codes.json', { discount_code: { code: 'X' } }), 2, 'shopify.discount.write', 'write'],
    [rest('DELETE', '/price_rules/1.json'), 3, 'shopify.discount.delete', 'delete'],
    [mutation('discountCodeBasicCreate'), 2, 'shopify.discount.write.graphql', 'write'],
    [mutation('discountCodeDelete'), 3, 'shopify.discount.delete.graphql', 'delete'],
    // apps, scopes and tokens
    [
      { tool: 'shopify_rest', method: 'GET', url: 'https://demo.myshopify.com/admin/oauth/access_scopes.json' },
      0,
      'shopify.access_scopes.read',
      'read',
    ],
    [rest('GET', '/storefront_access_tokens.json'), 2, 'shopify.storefront_token.read', 'read'],
    [
      rest('POST', '/storefront_access_tokens.json', { storefront_access_token: { title: 'x' } }),
      3,
      'shopify.storefront_token.write',
      'write',
    ],
    [rest('DELETE', '/storefront_access_tokens/1.json'), 3, 'shopify.storefront_token.write', 'delete'],
    [
      { tool: 'shopify_rest', method: 'POST', url: 'https://demo.myshopify.com/admin/access_tokens/delegate.json' },
      3,
      'shopify.delegate_token.create',
      'write',
    ],
    [rest('DELETE', '/api_permissions/current.json'), 3, 'shopify.app.uninstall', 'delete'],
    [mutation('appUninstall'), 3, 'shopify.app.access.graphql', 'write'],
    [mutation('delegateAccessTokenCreate'), 3, 'shopify.app.access.graphql', 'write'],
    [mutation('storefrontAccessTokenDelete'), 3, 'shopify.app.access.graphql', 'delete'],
    [mutation('appSubscriptionCreate'), 2, 'shopify.app.billing.graphql', 'write'],
    [mutation('appPurchaseOneTimeCreate'), 2, 'shopify.app.billing.graphql', 'write'],
    [mutation('appSubscriptionLineItemUpdate'), 2, 'shopify.app.billing.graphql', 'write'],
    [mutation('appUsageRecordCreate'), 3, 'shopify.app.usage_charge.graphql', 'write'],
    [mutation('appSubscriptionCancel'), 3, 'shopify.app.billing_cancel.graphql', 'write'],
    [
      rest('POST', '/recurring_application_charges.json', { recurring_application_charge: { name: 'Pro', price: 10.0 } }),
      2,
      'shopify.app.billing',
      'write',
    ],
    [rest('POST', '/application_charges.json', { application_charge: { name: 'Setup', price: 5.0 } }), 2, 'shopify.app.billing', 'write'],
    [
      rest('POST', '/recurring_application_charges/455696195/usage_charges.json', { usage_charge: { description: 'x', price: 1.0 } }),
      3,
      'shopify.app.usage_charge',
      'write',
    ],
    [rest('DELETE', '/recurring_application_charges/455696195.json'), 3, 'shopify.app.billing_cancel', 'delete'],
    [rest('GET', '/recurring_application_charges.json'), 0, 'any.read', 'read'],
    // pixels: customer events leave the shop
    [mutationWith('webPixelCreate', { settings: '{"accountID":"1"}' }), 3, 'shopify.pixel.write.graphql', 'write'],
    [mutation('webPixelDelete'), 3, 'shopify.pixel.write.graphql', 'delete'],
    [gql('mutation { serverPixelCreate { serverPixel { id } } }'), 3, 'shopify.pixel.write.graphql', 'write'],
    [
      gql('mutation { eventBridgeServerPixelUpdate(arn: "arn:aws:events:us-east-1::event-source/aws.partner/x") { serverPixel { id } } }'),
      3,
      'shopify.pixel.write.graphql',
      'write',
    ],
    [
      gql('mutation { pubSubServerPixelUpdate(pubSubProject: "p", pubSubTopic: "t") { serverPixel { id } } }'),
      3,
      'shopify.pixel.write.graphql',
      'write',
    ],
    [gql('query { webPixel { id settings } }'), 0, 'any.graphql.query', 'read'],
    // marketing
    [mutation('marketingActivityCreate'), 1, 'shopify.marketing.write.graphql', 'write'],
    // collections
    [rest('POST', '/custom_collections.json', { custom_collection: {} }), 1, 'shopify.collection.write', 'write'],
    [rest('DELETE', '/smart_collections/1.json'), 3, 'shopify.collection.delete', 'delete'],
    [mutation('collectionAddProducts'), 1, 'shopify.collection.write.graphql', 'write'],
    [mutation('collectionRemoveProducts'), 1, 'shopify.collection.write.graphql', 'write'],
    [mutation('collectionDelete'), 3, 'shopify.collection.delete.graphql', 'delete'],
    // fulfillment
    [rest('POST', '/fulfillments.json', { fulfillment: {} }), 1, 'shopify.fulfillment.write', 'write'],
    [rest('POST', '/fulfillment_orders/1/hold.json'), 1, 'shopify.fulfillment.write', 'write'],
    [rest('POST', '/fulfillments/1/cancel.json'), 2, 'shopify.fulfillment.cancel', 'write'],
    [mutation('fulfillmentCreateV2'), 1, 'shopify.fulfillment.write.graphql', 'write'],
    [mutation('fulfillmentCancel'), 2, 'shopify.fulfillment.cancel.graphql', 'write'],
    // locations (the REST API only reads them)
    [rest('GET', '/locations.json'), 0, 'shopify.location.read', 'read'],
    [mutation('locationAdd'), 1, 'shopify.location.write.graphql', 'write'],
    [mutation('locationDeactivate'), 2, 'shopify.location.deactivate.graphql', 'write'],
    [mutation('locationDelete'), 3, 'shopify.location.delete.graphql', 'delete'],
    // files (GraphQL only)
    [mutation('fileCreate'), 1, 'shopify.file.write.graphql', 'write'],
    [mutation('fileDelete'), 3, 'shopify.file.delete.graphql', 'delete'],
    // staff
    [rest('GET', '/users.json'), 2, 'shopify.staff.read', 'read'],
    [query('staffMembers'), 2, 'shopify.staff.read.graphql', 'read'],
    [mutation('staffMemberUpdate'), 3, 'shopify.staff.write.graphql', 'write'],
    // carrier services
    [rest('POST', '/carrier_services.json', { carrier_service: {} }), 2, 'shopify.carrier.write', 'write'],
    [rest('DELETE', '/carrier_services/1.json'), 3, 'shopify.carrier.delete', 'delete'],
    [mutation('carrierServiceCreate'), 2, 'shopify.carrier.write.graphql', 'write'],
    [mutation('carrierServiceDelete'), 3, 'shopify.carrier.delete.graphql', 'delete'],
    // gift cards
    [rest('POST', '/gift_cards.json', { gift_card: { initial_value: 100 } }), 2, 'shopify.gift_card.write', 'write'],
    [rest('POST', '/gift_cards/1/disable.json'), 3, 'shopify.gift_card.disable', 'write'],
    [mutation('giftCardCredit'), 2, 'shopify.gift_card.write.graphql', 'write'],
    [mutation('giftCardDeactivate'), 3, 'shopify.gift_card.deactivate.graphql', 'write'],
    // payments & payouts
    [rest('GET', '/shopify_payments/payouts.json'), 2, 'shopify.payments.read', 'read'],
    [rest('PUT', '/shopify_payments/disputes/1/dispute_evidences.json', { dispute_evidence: {} }), 2, 'shopify.payments.write', 'write'],
    [query('shopifyPaymentsAccount'), 2, 'shopify.payments.read.graphql', 'read'],
    [mutation('shopifyPaymentsPayoutAlternateCurrencyCreate'), 3, 'shopify.payments.write.graphql', 'write'],
    // online store content
    [rest('POST', '/pages.json', { page: { title: 'About' } }), 1, 'shopify.content.write', 'write'],
    [mutation('pageCreate'), 1, 'shopify.content.write.graphql', 'write'],
    [rest('DELETE', '/redirects/1.json'), 3, 'shopify.content.delete', 'delete'],
    [mutation('urlRedirectDelete'), 3, 'shopify.content.delete.graphql', 'delete'],
    // not in any Shopify rule: reads stay 0, writes are not assumed routine (2), deletes 3
    [rest('GET', '/reports.json'), 0, 'any.read', 'read'],
    [gql('{ shop { name } }'), 0, 'any.graphql.query', 'read'],
    [rest('POST', '/marketing_events.json', { marketing_event: { event_type: 'ad' } }), 2, 'shopify.unclassified_write', 'write'],
    [rest('PUT', '/marketing_events/998730532.json', { marketing_event: {} }), 2, 'shopify.unclassified_write', 'write'],
    [rest('DELETE', '/marketing_events/998730532.json'), 3, 'shopify.unclassified_delete', 'delete'],
    [mutation('sellingPlanGroupCreate'), 2, 'shopify.unclassified_write.graphql', 'write'],
    [mutation('priceListDelete'), 3, 'shopify.unclassified_delete.graphql', 'delete'],
  ] as Row[]
).map(row);

export const META_CASES: RuleCase[] = (
  [
    [meta('GET', '/act_123/campaigns?fields=name,status'), 0, 'meta.campaign.read', 'read'],
    [meta('POST', '/act_123/campaigns', { name: 'C', objective: 'OUTCOME_SALES', status: 'PAUSED' }), 1, 'meta.campaign.create', 'write'],
    [meta('POST', '/act_123/adsets', { name: 'S', daily_budget: 1000, status: 'PAUSED' }), 2, 'meta.adset.create', 'write'],
    [meta('POST', '/act_123/ads', { name: 'A', creative: { creative_id: '1' } }), 1, 'meta.ad.create', 'write'],
    [meta('POST', '/120210000000', { name: 'renamed' }), 1, 'meta.object.update', 'write'],
    [meta('DELETE', '/120210000000'), 3, 'meta.object.delete', 'delete'],
    [meta('DELETE', '/act_123/campaigns', { delete_strategy: 'DELETE_ANY' }), 3, 'meta.campaign.bulk_delete', 'delete'],
    [meta('POST', '/120210000000', { status: 'DELETED' }), 3, 'meta.status.deleted', 'delete'],
    [meta('POST', '/120210000000?status=ARCHIVED'), 3, 'meta.status.archived', 'write'],
    [meta('POST', '/120210000000', { status: 'ACTIVE' }), 2, 'meta.status.active', 'write'],
    [meta('POST', '/120210000000', { status: 'PAUSED' }), 1, 'meta.status.paused', 'write'],
    [meta('POST', '/120210000000', { daily_budget: 5000 }), 2, 'meta.budget.change', 'write'],
    [meta('POST', '/120210000000', { lifetime_budget: 900000 }), 2, 'meta.budget.change', 'write'],
    [meta('POST', '/120210000000?bid_amount=150'), 2, 'meta.budget.change', 'write'],
    [meta('POST', '/act_123', { name: 'Main account' }), 3, 'meta.adaccount.update', 'write'],
    [meta('POST', '/act_123', { spend_cap: 100000 }), 3, 'meta.adaccount.spend_cap', 'write'],
    [meta('POST', '/act_123?spend_cap_action=reset'), 3, 'meta.adaccount.spend_cap', 'write'],
    [meta('POST', '/120210000000', { spend_cap: 50000 }), 2, 'meta.budget.change', 'write'],
    [meta('POST', '/120210000000', { daily_min_spend_target: 1000 }), 2, 'meta.spend_limits.change', 'write'],
    [meta('POST', '/120210000000', { lifetime_spend_cap: 90000 }), 2, 'meta.spend_limits.change', 'write'],
    [
      meta('POST', '/120210000000/budget_schedules', {
        budget_value: 2,
        budget_value_type: 'MULTIPLIER',
        time_start: 1767225600,
        time_end: 1767312000,
      }),
      2,
      'meta.budget_schedule.write',
      'write',
    ],
    [meta('GET', '/120210000000/budget_schedules'), 0, 'any.read', 'read'],
    [meta('POST', '/act_123/adsets', { name: 'S', budget_schedule_specs: [{ budget_value: 2 }] }), 2, 'meta.budget.change', 'write'],
    [meta('POST', '/1000200/adaccount', { name: 'New', currency: 'USD', timezone_id: 1 }), 3, 'meta.adaccount.create', 'write'],
    [meta('POST', '/act_123/customaudiences', { name: 'Buyers', subtype: 'CUSTOM' }), 3, 'meta.audience.create', 'write'],
    [meta('POST', '/act_123/product_audiences', { name: 'Viewers', product_set_id: '1' }), 3, 'meta.audience.create', 'write'],
    [meta('POST', '/23800000/users', { payload: { schema: 'EMAIL_SHA256', data: [['a1b2']] } }), 3, 'meta.audience.users', 'write'],
    [meta('DELETE', '/23800000/users', { payload: { schema: 'EMAIL_SHA256', data: [['a1b2']] } }), 3, 'meta.audience.users', 'delete'],
    [meta('POST', '/23800000/adaccounts', { adaccounts: ['act_1'] }), 3, 'meta.audience.share', 'write'],
    [meta('POST', '/act_123/saved_audiences', { name: 'x', targeting: {} }), 1, 'meta.saved_audience.write', 'write'],
    [meta('POST', '/act_123/assigned_users', { user: '1', tasks: ['MANAGE'] }), 3, 'meta.permission.write', 'write'],
    [meta('POST', '/1000200/business_users', { email: 'x', role: 'ADMIN' }), 3, 'meta.permission.write', 'write'],
    [meta('DELETE', '/1000200/agencies', { business: '5' }), 3, 'meta.permission.write', 'delete'],
    [meta('POST', '/1000200/system_users', { name: 'bot' }), 3, 'meta.permission.write', 'write'],
    [meta('POST', '/5550000/events', { data: [{ event_name: 'Purchase' }] }), 3, 'meta.pixel.events', 'write'],
    [meta('POST', '/5550001/events', { upload_tag: 'store-sales', data: [{ event_name: 'Purchase' }] }), 3, 'meta.pixel.events', 'write'],
    [meta('POST', '/act_123/customconversions', { name: 'Lead', rule: '{}' }), 1, 'meta.custom_conversion.create', 'write'],
    [meta('POST', '/120210000000/copies', { deep_copy: true }), 1, 'meta.object.copy', 'write'],
    [meta('POST', '/120210000000/copies', { status_option: 'ACTIVE' }), 2, 'meta.object.copy_active', 'write'],
    [meta('POST', '/act_123/adlabels', { name: 'Q4' }), 1, 'meta.label.write', 'write'],
    [meta('POST', '/act_123/async_batch_requests', { adbatch: [], name: 'b' }), 2, 'meta.async_batch', 'write'],
    [meta('POST', '/act_123/adspixels', { name: 'P' }), 3, 'meta.pixel.create', 'write'],
    [meta('POST', '/5550000/shared_accounts', { account_id: '1' }), 3, 'meta.pixel.share', 'write'],
    [meta('POST', '/act_123/adcreatives', { name: 'Cr' }), 1, 'meta.creative.create', 'write'],
    [meta('POST', '/act_123/adimages', { bytes: 'iVBORw0' }), 1, 'meta.image.upload', 'write'],
    [meta('DELETE', '/act_123/adimages?hash=0d500843a1d4699a0b41e99f4137a5c3'), 3, 'meta.image.delete', 'delete'],
    [meta('GET', '/act_123/insights?date_preset=last_7d'), 0, 'meta.insights.read', 'read'],
    [meta('POST', '/act_123/insights', { level: 'ad' }), 0, 'meta.insights.report', 'read'],
    [meta('GET', '/7770000/leads'), 2, 'meta.leads.read', 'read'],
    [meta('POST', '/7770000/leadgen_forms', { name: 'F' }), 1, 'meta.lead_form.create', 'write'],
    [
      { tool: 'meta_graph', method: 'POST', url: `${GRAPH}/`, body: { batch: '[{"method":"GET","relative_url":"me"}]' } },
      2,
      'meta.batch',
      'write',
    ],
    [meta('POST', '/7770000/feed', { message: 'hello' }), 2, 'meta.page.publish', 'write'],
    [meta('POST', '/8880000/items_batch', { requests: [] }), 1, 'meta.catalog.write', 'write'],
    [meta('POST', '/act_123/adrules_library', { name: 'R' }), 2, 'meta.automated_rule.write', 'write'],
    [
      meta('POST', '/9990000/subscriptions', { object: 'page', callback_url: 'https://x.example/hook', fields: 'leadgen' }),
      3,
      'meta.webhook.write',
      'write',
    ],
    [meta('POST', '/7770000/subscribed_apps', { subscribed_fields: 'leadgen' }), 3, 'meta.webhook.write', 'write'],
    // not in any Meta rule: reads stay 0, writes are not assumed routine (2), deletes 3
    [meta('GET', '/me/adaccounts'), 0, 'any.read', 'read'],
    [meta('POST', '/7770000/comments', { message: 'hi' }), 2, 'meta.unclassified_write', 'write'],
    [meta('POST', '/120210000000/some_new_edge', { status: 'PAUSED' }), 2, 'meta.unclassified_write', 'write'],
    [meta('DELETE', '/act_123/adlabels', { adlabels: [] }), 3, 'meta.unclassified_delete', 'delete'],
  ] as Row[]
).map(row);

export const GENERIC_CASES: RuleCase[] = (
  [
    [http('GET', '/v1/items?page=2'), 0, 'any.read', 'read'],
    [http('HEAD', '/v1/items'), 0, 'any.read', 'read'],
    [http('OPTIONS', '/v1/items'), 0, 'any.read', 'read'],
    [http('POST', '/v1/items', { name: 'x' }), 1, 'any.write', 'write'],
    [http('PATCH', '/v1/items/42', { name: 'y' }), 1, 'any.write', 'write'],
    [http('PUT', '/v1/items/42', { name: 'y' }), 1, 'any.write', 'write'],
    [http('DELETE', '/v1/items/42'), 3, 'any.delete', 'delete'],
    [http('POST', '/v1/api_keys', { name: 'ci' }), 3, 'generic.credentials.write', 'write'],
    [http('POST', '/oauth/token', { grant_type: 'client_credentials' }), 3, 'generic.credentials.write', 'write'],
    [http('POST', '/v1/webhooks', { url: 'https://x.example' }), 3, 'generic.webhook.write', 'write'],
    [http('DELETE', '/repos/acme/site/hooks/12'), 3, 'generic.webhook.write', 'delete'],
    [http('POST', '/graphql', { query: 'mutation { deleteall { id } }' }), 3, 'any.graphql.delete', 'delete'],
    [http('POST', '/graphql', { query: 'mutation { createUser(name: "x") { id } }' }), 1, 'any.graphql.mutation', 'write'],
    [http('POST', '/graphql', { query: '{ me { id } }' }), 0, 'any.graphql.query', 'read'],
    [http('POST', '/graphql', { query: 'subscription { events { id } }' }), 0, 'any.graphql.subscription', 'read'],
    // intent vocabulary: words of the path, the mutation's root fields or the operation's name
    [http('POST', '/v1/users/42/remove'), 3, 'generic.intent.delete', 'delete'],
    [http('POST', '/v1/cache/purge', { all: true }), 3, 'generic.intent.delete', 'delete'],
    [http('PATCH', '/v1/accounts/42/erase-data'), 3, 'generic.intent.delete', 'delete'],
    [http('POST', '/api/delete_user', { id: 1 }), 3, 'generic.intent.delete', 'delete'],
    [http('POST', '/graphql', { query: 'mutation { deleteUser(id: 1) { id } }' }), 3, 'generic.intent.delete.graphql', 'delete'],
    [http('POST', '/graphql', { query: 'mutation { user_delete(id: 1) { id } }' }), 3, 'generic.intent.delete.graphql', 'delete'],
    [
      http('POST', '/graphql', { query: 'mutation PurgeOldUsers { archiveUsers(before: 1) { id } }' }),
      3,
      'generic.intent.delete.graphql',
      'delete',
    ],
    [http('POST', '/v1/refunds', { charge: 'ch_1', amount: 500 }), 3, 'generic.intent.money', 'write'],
    [http('POST', '/v1/payouts', { amount: 500 }), 3, 'generic.intent.money', 'write'],
    [http('POST', '/v1/transfers', { amount: 500, destination: 'acct_1' }), 3, 'generic.intent.money', 'write'],
    [http('POST', '/v1/charges', { amount: 500 }), 3, 'generic.intent.money', 'write'],
    [http('POST', '/graphql', { query: 'mutation { refundPayment(id: 1) { id } }' }), 3, 'generic.intent.money.graphql', 'write'],
    [http('POST', '/v1/subscriptions/42/cancel'), 2, 'generic.intent.cancel', 'write'],
    [http('POST', '/graphql', { query: 'mutation { cancelOrder(id: 1) { id } }' }), 2, 'generic.intent.cancel.graphql', 'write'],
    [http('POST', '/v1/webhook_endpoints', { url: 'https://x.example' }), 3, 'generic.webhook.write', 'write'],
    [
      http('POST', '/graphql', { query: 'mutation { createWebhook(url: "https://x.example") { id } }' }),
      3,
      'generic.webhook.write.graphql',
      'write',
    ],
    [http('PUT', '/v1/users/42/password', { password: 'x' }), 3, 'generic.credentials.write', 'write'],
    [http('POST', '/graphql', { query: 'mutation { createApiKey(name: "ci") { id } }' }), 3, 'generic.credentials.write.graphql', 'write'],
    [http('GET', '/v1/api-keys'), 2, 'generic.credentials.read', 'read'],
    [http('POST', '/graphql', { query: '{ apiKeys { id name } }' }), 2, 'generic.credentials.read.graphql', 'read'],
    [http('POST', '/v1/teams/42/members', { user: 'u1' }), 3, 'generic.permission.write', 'write'],
    [http('POST', '/v1/invitations', { role: 'admin' }), 3, 'generic.permission.write', 'write'],
    [http('PUT', '/storage/buckets/assets/policy', { policy: {} }), 3, 'generic.permission.write', 'write'],
    [
      http('POST', '/graphql', { query: 'mutation { updateUserRole(id: 1, role: ADMIN) { id } }' }),
      3,
      'generic.permission.write.graphql',
      'write',
    ],
    // …as whole words only, and reads stay reads
    [http('GET', '/v1/removed-items'), 0, 'any.read', 'read'],
    [http('POST', '/v1/removed-items/restore'), 1, 'any.write', 'write'],
    [http('POST', '/v1/transferable-items', { name: 'x' }), 1, 'any.write', 'write'],
    [http('POST', '/v1/deletions-report'), 1, 'any.write', 'write'],
    [http('GET', '/v1/users/42/delete'), 0, 'any.read', 'read'],
    [http('GET', '/v1/charges?limit=3'), 0, 'any.read', 'read'],
    [http('GET', '/v1/keyboard-layouts'), 0, 'any.read', 'read'],
    [http('POST', '/v1/tokenize', { card: 'x' }), 1, 'any.write', 'write'],
    [http('GET', '/v1/teams/42/members'), 0, 'any.read', 'read'],
    [http('POST', '/graphql', { query: 'mutation { restoreRemovedItems(ids: [1]) { id } }' }), 1, 'any.graphql.mutation', 'write'],
  ] as Row[]
).map(row);

/** Local stand-ins (tests, demo): the guard passes the platform as a hint. */
export const HINTED_CASES: RuleCase[] = [
  {
    op: { tool: 'shopify_rest', method: 'DELETE', url: 'http://127.0.0.1:4010/admin/api/2025-10/products/1.json' },
    hints: { platform: 'shopify', target: 'demo.myshopify.com' },
    level: 3,
    rule: 'shopify.product.delete',
    action: 'delete',
  },
  {
    op: { tool: 'meta_graph', method: 'POST', url: 'http://127.0.0.1:4011/v23.0/120210000000', body: { daily_budget: 100 } },
    hints: { platform: 'meta' },
    level: 2,
    rule: 'meta.budget.change',
    action: 'write',
  },
];

export const ALL_CASES: RuleCase[] = [...SHOPIFY_CASES, ...META_CASES, ...GENERIC_CASES, ...HINTED_CASES];
