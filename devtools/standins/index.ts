// Local stand-ins for the Shopify Admin API and the Meta Graph API (tests, benches, offline demo).
export { startShopifyStandin, SHOPIFY_ERRORS, type ShopifyStandinOptions } from './shopify.ts';
export { startMetaStandin, type MetaStandinOptions } from './meta.ts';
export type { Fault, MetaErrorFault, MetaFault, MetaStandin, RecordedRequest, ShopifyStandin } from './types.ts';
