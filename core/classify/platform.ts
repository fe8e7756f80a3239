// Which API family a URL belongs to. Host first; Shopify admin paths also count, so a custom
// domain or a local stand-in that serves /admin/api/… is still recognised as Shopify.
import type { Platform } from '../types.ts';

/** The Graph API hosts, the beta tier included (same API, same risks). */
const META_HOSTS = new Set(['graph.facebook.com', 'graph-video.facebook.com', 'graph.beta.facebook.com', 'graph-video.beta.facebook.com']);

export function detectPlatform(url: URL): Platform {
  return platformOf(url.hostname, url.pathname);
}

/** detectPlatform on the parts of a URL (see url.ts). */
export function platformOf(hostname: string, pathname: string): Platform {
  const host = stripTrailingDot(hostname);
  if (host.endsWith('.myshopify.com')) return 'shopify';
  if (META_HOSTS.has(host)) return 'meta';
  if (isShopifyAdminPath(pathname)) return 'shopify';
  return 'generic';
}

export function isShopifyAdminPath(pathname: string): boolean {
  if (pathname.startsWith('/admin/api/') || pathname === '/admin/oauth' || pathname.startsWith('/admin/oauth/')) return true;
  // Any other spelling of the same paths (case, duplicate slashes) is the same API.
  return /^\/+admin\/+(?:api\/|oauth(?:\/|$))/i.test(pathname);
}

function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
