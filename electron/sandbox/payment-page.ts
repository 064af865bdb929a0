/**
 * The payment page at an order's `paymentUrl` (`GET /pay/{id}`): what the customer sees after scanning the QR code —
 * shop, order number, description, basket, amount, status — with «Оплатить» / «Отклонить» while the order is payable.
 * The buttons are plain form POSTs (`/pay/{id}/pay`, `/pay/{id}/decline`) answered by a redirect back to the page
 * (post/redirect/get), which then shows the new state. A decline keeps the order payable, as a real gateway does.
 * Everything the merchant sent is escaped (html.ts); no script at all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { HttpError, requestId } from './http-util.ts';
import { formatMoney, html, multiline, sendPage, type SafeHtml } from './html.ts';
import { declineOrder, findOrder, payOrder, type OrderView } from './orders.ts';
import type { BasketItem } from '../../shared/invoicebox/schemas.ts';
import type { OrderStatus } from '../../shared/domain/order-status.ts';

const STATUS_LABEL: Readonly<Record<OrderStatus, string>> = {
  created: 'Ожидает оплаты',
  completed: 'Оплачено',
  expired: 'Срок оплаты истёк',
  canceled: 'Заказ отменён магазином',
};

function moscowTime(atom: unknown): string {
  const date = new Date(String(atom));
  if (Number.isNaN(date.getTime())) return '';
  const text = date.toLocaleString('ru-RU', {
    timeZone: 'Europe/Moscow',
    dateStyle: 'long',
    timeStyle: 'short',
  });
  return `${text} (МСК)`;
}

function shopName(ctx: SandboxContext, merchantId: string): string {
  for (const account of ctx.state.accounts.values())
    if (account.merchantId === merchantId) return account.name;
  return 'Магазин';
}

/** A link back to the shop, only for http(s) URLs (never `javascript:` from a merchant's field). */
function shopLink(url: unknown, label: string): SafeHtml | null {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return null;
  return html`<p><a href="${url}" rel="noreferrer">${label}</a></p>`;
}

function basketTable(order: OrderView): SafeHtml {
  const items = (order.basketItems ?? []) as BasketItem[];
  const rows = items.map(
    (item) =>
      html`<tr>
        <td>${item.name}</td>
        <td class="num">${String(item.quantity).replace('.', ',')}&nbsp;${item.measure}</td>
        <td class="num">${formatMoney(item.amount, order.currencyId)}</td>
        <td class="num">${formatMoney(item.totalAmount, order.currencyId)}</td>
      </tr>`,
  );
  return html`<table>
    <thead>
      <tr>
        <th>Наименование</th>
        <th class="num">Кол-во</th>
        <th class="num">Цена</th>
        <th class="num">Сумма</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
    <tfoot>
      <tr>
        <td colspan="3">Итого к оплате</td>
        <td class="num">${formatMoney(order.amount, order.currencyId)}</td>
      </tr>
      <tr class="vat">
        <td colspan="3">в т.&nbsp;ч. НДС</td>
        <td class="num">${formatMoney(order.vatAmount, order.currencyId)}</td>
      </tr>
    </tfoot>
  </table>`;
}

function actions(order: OrderView): SafeHtml | null {
  if (order.status !== 'created') return null;
  return html`<div class="actions">
      <form method="post" action="/pay/${order.id}/pay">
        <button type="submit" class="pay" data-testid="pay-button">
          Оплатить ${formatMoney(order.amount, order.currencyId)}
        </button>
      </form>
      <form method="post" action="/pay/${order.id}/decline">
        <button type="submit" class="decline" data-testid="decline-button">Отклонить</button>
      </form>
    </div>
    <p class="muted">Оплатить до ${moscowTime(order.expirationDate)}</p>`;
}

function orderPage(ctx: SandboxContext, order: OrderView): SafeHtml {
  const number = order.merchantOrderIdVisible ?? order.merchantOrderId;
  const declined = order.status === 'created' && order.lastAttempt === 'declined';
  return html`<main>
    <header>
      <div class="shop">${shopName(ctx, order.merchantId)}</div>
      <div class="brand">Инвойсбокс · песочница</div>
    </header>
    <h1>Заказ №&nbsp;${number}</h1>
    <p class="desc">${multiline(order.description)}</p>
    ${basketTable(order)}
    <p
      class="status status-${order.status}"
      data-testid="pay-status"
      data-status="${order.status}"
      role="status"
    >
      ${STATUS_LABEL[order.status]}
    </p>
    ${declined && html`<p class="notice">Платёж отклонён банком. Можно попробовать ещё раз.</p>`}
    ${actions(order)} ${order.status === 'completed' && shopLink(order.successUrl, 'Вернуться в магазин')}
    <footer>Учебная платёжная страница песочницы PayDesk: деньги не списываются.</footer>
  </main>`;
}

function notFoundPage(res: ServerResponse): void {
  sendPage(
    res,
    404,
    'Заказ не найден',
    html`<main>
      <h1>Заказ не найден</h1>
      <p class="desc">Проверьте ссылку на оплату.</p>
    </main>`,
  );
}

/**
 * Refuses a form posted from another site (a page elsewhere must not pay orders here): browsers say where a request
 * comes from in `Sec-Fetch-Site`, older ones in `Origin`; a client sending neither (curl, tests) is let through.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

const PAGE = /^\/pay\/([0-9A-Za-z-]{1,64})(?:\/(pay|decline))?$/;

export function createPaymentPageHandler(
  ctx: SandboxContext,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    requestId(res);
    req.resume(); // the form body carries nothing we need
    const m = PAGE.exec(url.pathname);
    const [id, action] = [m?.[1], m?.[2]];
    if (!id) return notFoundPage(res);
    const allowed = action ? 'POST' : 'GET';
    if (req.method !== allowed) {
      res.setHeader('allow', allowed);
      return sendPage(res, 405, 'Ошибка', html`<main><h1>Метод не поддерживается</h1></main>`);
    }
    try {
      if (!action) return sendPage(res, 200, 'Оплата заказа', orderPage(ctx, findOrder(ctx, null, id).view));
      if (!sameOrigin(req)) throw new HttpError(403, 'forbidden', 'Форма отправлена с другого сайта');
      try {
        if (action === 'pay') payOrder(ctx, id);
        else declineOrder(ctx, id);
      } catch (err) {
        // Paid twice, expired meanwhile…: the page shows the order as it now is.
        if (!(err instanceof HttpError && err.status === 409)) throw err;
      }
      res.writeHead(303, { location: `/pay/${id}`, 'cache-control': 'no-store' }).end();
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status === 404) return notFoundPage(res);
      sendPage(
        res,
        err.status,
        'Ошибка',
        html`<main>
          <h1>Ошибка</h1>
          <p class="desc">${err.message}</p>
        </main>`,
      );
    }
  };
}
