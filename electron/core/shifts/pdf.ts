/**
 * The report as a printable PDF (A4), with Cyrillic text: pdf-lib (pure JavaScript, no native code, bundles into the
 * Electron main) with @pdf-lib/fontkit embedding DejaVu Sans (the `dejavu-fonts-ttf` package; a free font with full
 * Cyrillic), subset to the glyphs used. The standard PDF fonts have no Cyrillic, so a TTF must be embedded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { ShiftReport, Tally } from '../../../shared/contract/shifts.ts';
import { formatKopecks } from '../../../shared/domain/money.ts';

const packages = createRequire(import.meta.url);
let fontCache: { regular: Uint8Array; bold: Uint8Array } | null = null;

function fonts(): { regular: Uint8Array; bold: Uint8Array } {
  fontCache ??= {
    regular: readFileSync(packages.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(packages.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fontCache;
}

const LABELS = {
  ru: {
    title: 'Отчёт о закрытии смены',
    titleOpen: 'Отчёт по открытой смене',
    shop: 'Магазин',
    cashier: 'Кассир',
    opened: 'Открыта',
    closed: 'Закрыта',
    generated: 'Сформирован',
    verification: 'Сверка со шлюзом',
    verified: 'сверено, расхождений нет',
    differences: 'сверено, есть расхождения (цифры — по данным шлюза)',
    unverified: 'не сверено (цифры — по данным кассы)',
    orders: 'Заказы смены',
    status: { created: 'не оплачены', completed: 'оплачены', expired: 'истекли', canceled: 'отменены' },
    refundStatus: {
      draft: 'черновики',
      created: 'в обработке',
      completed: 'выполнены',
      canceled: 'отменены',
    },
    total: 'всего',
    count: 'Кол-во',
    amount: 'Сумма',
    vat: 'НДС',
    salesByVat: 'Продажи по ставкам НДС',
    refunds: 'Возвраты',
    refundsByVat: 'Возвраты по ставкам НДС',
    cancels: 'Отмены',
    late: 'Оплачены после истечения срока',
    totals: 'Итоги',
    paid: 'Оплачено',
    refunded: 'Возвращено',
    net: 'Итого за смену',
    diffs: 'Расхождения со шлюзом',
    request: 'запрос',
    console: 'касса',
    gateway: 'шлюз',
  },
  en: {
    title: 'Shift closing report',
    titleOpen: 'Open shift report',
    shop: 'Shop',
    cashier: 'Cashier',
    opened: 'Opened',
    closed: 'Closed',
    generated: 'Generated',
    verification: 'Checked against the gateway',
    verified: 'verified, no differences',
    differences: "verified, differences found (figures are the gateway's)",
    unverified: "not verified (figures are the console's)",
    orders: 'Orders of the shift',
    status: { created: 'unpaid', completed: 'paid', expired: 'expired', canceled: 'cancelled' },
    refundStatus: { draft: 'drafts', created: 'in progress', completed: 'completed', canceled: 'cancelled' },
    total: 'total',
    count: 'Count',
    amount: 'Amount',
    vat: 'VAT',
    salesByVat: 'Sales by VAT rate',
    refunds: 'Refunds',
    refundsByVat: 'Refunds by VAT rate',
    cancels: 'Cancels',
    late: 'Paid after expiry',
    totals: 'Totals',
    paid: 'Paid',
    refunded: 'Refunded',
    net: 'Net for the shift',
    diffs: 'Differences with the gateway',
    request: 'request',
    console: 'console',
    gateway: 'gateway',
  },
} as const;

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

export async function reportPdf(
  r: ShiftReport,
  options: { shopName: string; language: 'ru' | 'en' },
): Promise<Uint8Array> {
  const L = LABELS[options.language];
  const money = (k: number) =>
    `${formatKopecks(k, options.language)} ${r.currency === 'RUB' ? '₽' : r.currency}`;
  const when = (iso: string | null) =>
    iso === null ? '—' : new Date(iso).toLocaleString(options.language === 'ru' ? 'ru-RU' : 'en-GB');

  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const { regular, bold } = fonts();
  const font = await doc.embedFont(regular, { subset: true });
  const boldFont = await doc.embedFont(bold, { subset: true });
  const title = `${r.shift.closedAt ? L.title : L.titleOpen} № ${r.shift.number}`;
  doc.setTitle(title);
  doc.setCreator('PayDesk');
  doc.setLanguage(options.language === 'ru' ? 'ru-RU' : 'en-GB');

  let page: PDFPage = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const ensure = (h: number) => {
    if (y - h < MARGIN) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
    }
  };
  const text = (s: string, x: number, size = 10, f: PDFFont = font) =>
    page.drawText(s, { x, y, size, font: f, color: rgb(0, 0, 0) });
  const right = (s: string, xRight: number, size = 10, f: PDFFont = font) =>
    text(s, xRight - f.widthOfTextAtSize(s, size), size, f);
  const line = (s: string, size = 10, f: PDFFont = font) => {
    ensure(size + 6);
    text(s, MARGIN, size, f);
    y -= size + 6;
  };
  const heading = (s: string) => {
    y -= 6;
    ensure(40);
    line(s, 12, boldFont);
  };
  const COLS = [330, 400, 545];
  const tableHeader = () => {
    ensure(16);
    right(L.count, COLS[0]!, 9, boldFont);
    right(L.amount, COLS[1]! + 60, 9, boldFont);
    right(L.vat, COLS[2]!, 9, boldFont);
    y -= 14;
  };
  const row = (label: string, t: Partial<Tally>, f: PDFFont = font) => {
    ensure(14);
    text(label, MARGIN + 10, 10, f);
    if (t.count !== undefined) right(String(t.count), COLS[0]!, 10, f);
    if (t.amount !== undefined) right(money(t.amount), COLS[1]! + 60, 10, f);
    if (t.vatAmount !== undefined) right(money(t.vatAmount), COLS[2]!, 10, f);
    y -= 14;
  };

  line(title, 16, boldFont);
  y -= 4;
  if (options.shopName) line(`${L.shop}: ${options.shopName}`);
  line(`${L.cashier}: ${r.shift.cashierName}`);
  line(`${L.opened}: ${when(r.shift.openedAt)}    ${L.closed}: ${when(r.shift.closedAt)}`);
  line(`${L.generated}: ${when(r.generatedAt)}`);
  line(`${L.verification}: ${L[r.verification.state]}`, 10, boldFont);

  heading(L.orders);
  tableHeader();
  for (const [status, t] of Object.entries(r.orders.byStatus))
    row(L.status[status as keyof typeof L.status], t);
  row(L.total, r.orders.total, boldFont);

  heading(L.salesByVat);
  tableHeader();
  for (const v of r.salesByVat) row(v.vatCode, v);

  heading(L.refunds);
  tableHeader();
  for (const [status, t] of Object.entries(r.refunds.byStatus))
    row(L.refundStatus[status as keyof typeof L.refundStatus], t);
  row(L.total, r.refunds.total, boldFont);
  if (r.refunds.byVat.length > 0) {
    heading(L.refundsByVat);
    tableHeader();
    for (const v of r.refunds.byVat) row(v.vatCode, v);
  }

  heading(L.cancels);
  row(L.total, r.cancels);
  heading(L.late);
  row(L.total, { count: r.paidAfterExpiry.count, amount: r.paidAfterExpiry.amount });
  for (const o of r.paidAfterExpiry.orders) line(`    ${o.merchantOrderId}: ${money(o.amount)}`, 9);

  heading(L.totals);
  row(L.paid, { amount: r.totals.paid, vatAmount: r.totals.paidVat });
  row(L.refunded, { amount: r.totals.refunded, vatAmount: r.totals.refundedVat });
  row(L.net, { amount: r.totals.net, vatAmount: r.totals.netVat }, boldFont);

  if (r.verification.differences.length > 0) {
    heading(L.diffs);
    for (const d of r.verification.differences) {
      line(
        `${d.merchantOrderId || d.id} · ${d.field}: ${L.console} ${d.console ?? '—'}, ${L.gateway} ${d.gateway ?? '—'}`,
        9,
      );
      if (d.requestId) line(`    ${L.request} ${d.requestId}`, 8);
    }
  }
  if (r.verification.error) {
    y -= 6;
    line(
      `${r.verification.error.code}: ${r.verification.error.message}` +
        (r.verification.error.requestId ? ` (${L.request} ${r.verification.error.requestId})` : ''),
      9,
    );
  }
  return doc.save();
}
