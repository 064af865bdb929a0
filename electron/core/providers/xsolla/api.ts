/**
 * Xsolla Store API's Get order: `GET {apiUrl}/api/v2/project/{project_id}/order/{order_id}` with the user's JWT as a
 * Bearer token. Every outcome is a value, never a throw: the tracker decides what each means.
 */
import { parseGetOrder, type OrderDetails } from './wire.ts';

export type GetOrderResult =
  | { kind: 'ok'; order: OrderDetails; raw: unknown }
  | { kind: 'not_found' }
  | { kind: 'unauthorized' }
  /** 5xx, 429, a network error, a timeout or a body we cannot read: worth trying again later. */
  | { kind: 'unavailable'; status: number | null; message: string };

export interface GetOrderRequest {
  apiUrl: string;
  projectId: number;
  orderId: string;
  token: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export function orderUrl(apiUrl: string, projectId: number, orderId: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return `${base}/api/v2/project/${encodeURIComponent(String(projectId))}/order/${encodeURIComponent(orderId)}`;
}

export async function getOrder(r: GetOrderRequest): Promise<GetOrderResult> {
  let res: Response;
  try {
    res = await r.fetch(orderUrl(r.apiUrl, r.projectId, r.orderId), {
      headers: { Authorization: `Bearer ${r.token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(r.timeoutMs),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    return {
      kind: 'unavailable',
      status: null,
      message: name === 'TimeoutError' ? 'timeout' : err instanceof Error ? err.message : String(err),
    };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status === 404) return { kind: 'not_found' };
  if (res.status === 401 || res.status === 403) return { kind: 'unauthorized' };
  if (!res.ok) return { kind: 'unavailable', status: res.status, message: `HTTP ${res.status}` };
  const order = parseGetOrder(body);
  if (!order) return { kind: 'unavailable', status: res.status, message: 'unreadable Get order body' };
  return { kind: 'ok', order, raw: body };
}
