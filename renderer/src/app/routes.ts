/**
 * The routes of the renderer and their hashes, pure (no DOM): `#/orders/<id>` ⇄ `{ name: 'order', id }`.
 */
export type Route =
  | { name: 'new' }
  | { name: 'pay'; id: string }
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'refund'; id: string }
  | { name: 'diagnostics' }
  | { name: 'settings' }
  | { name: 'customer' }
  | { name: 'shift' }
  | { name: 'reports' }
  | { name: 'report'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, sub] = parts;
  switch (head) {
    case undefined:
    case 'new':
      return { name: 'new' };
    case 'pay':
      return id ? { name: 'pay', id } : { name: 'new' };
    case 'orders':
      if (id && sub === 'refund') return { name: 'refund', id };
      return id ? { name: 'order', id } : { name: 'orders' };
    case 'diagnostics':
      return { name: 'diagnostics' };
    case 'settings':
      return { name: 'settings' };
    case 'customer':
      return { name: 'customer' };
    case 'shift':
      return { name: 'shift' };
    case 'reports':
      return id ? { name: 'report', id } : { name: 'reports' };
    default:
      return { name: 'new' };
  }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'new':
      return '#/new';
    case 'pay':
      return `#/pay/${encodeURIComponent(route.id)}`;
    case 'orders':
      return '#/orders';
    case 'order':
      return `#/orders/${encodeURIComponent(route.id)}`;
    case 'refund':
      return `#/orders/${encodeURIComponent(route.id)}/refund`;
    case 'diagnostics':
      return '#/diagnostics';
    case 'settings':
      return '#/settings';
    case 'customer':
      return '#/customer';
    case 'shift':
      return '#/shift';
    case 'reports':
      return '#/reports';
    case 'report':
      return `#/reports/${encodeURIComponent(route.id)}`;
  }
}
