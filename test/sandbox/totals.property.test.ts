/**
 * The console's basket arithmetic (computeBasket) and the gateway's checks (checkLine / checkTotals, used by the
 * sandbox) agree: whatever the console computes is accepted — by the pure checks under every round policy that
 * should accept it, and by the sandbox over HTTP — and a line spoiled by two kopecks or more is refused with the code
 * naming what was spoiled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLine,
  checkTotals,
  computeBasket,
  computeLine,
  ROUND_POLICIES,
  type LineInput,
  type LineToCheck,
} from '../../shared/domain/basket.ts';
import { VAT_CODES, vatRate } from '../../shared/domain/vat.ts';
import { kopecksFromApi, kopecksToApi } from '../../shared/domain/money.ts';
import { demoOrder, withSandbox } from '../helpers/sandbox.ts';

const lineInput: fc.Arbitrary<LineInput> = fc.record({
  unitPrice: fc.integer({ min: 1, max: 10_000_000 }),
  quantity: fc.integer({ min: 1, max: 50_000 }),
  vatCode: fc.constantFrom(...VAT_CODES),
});
const basket = fc.array(lineInput, { minLength: 1, maxLength: 5 });
/** A spoiling of at least two kopecks, either way. */
const spoil = fc.tuple(fc.integer({ min: 2, max: 1_000_000 }), fc.boolean()).map(([d, up]) => (up ? d : -d));

function toCheck(input: LineInput): LineToCheck {
  return { ...computeLine(input), quantity: input.quantity, vatCode: input.vatCode };
}

/** The per-unit VAT reading of a line, the other form checkLine accepts: (amount − amountWoVat) × quantity. */
function nearPerUnitVat(line: LineToCheck, vat: number): boolean {
  const perUnitTimes1000 = BigInt(line.amount - line.amountWoVat) * BigInt(line.quantity);
  const diff = BigInt(vat) * 1000n - perUnitTimes1000;
  return (diff < 0n ? -diff : diff) <= 1000n;
}

describe('basket arithmetic: the console and the gateway agree (pure)', () => {
  it('accepts every computed line under each round policy that should accept it', () => {
    fc.assert(
      fc.property(lineInput, (input) => {
        const line = toCheck(input);
        const productAtMost = BigInt(line.totalAmount) * 1000n >= BigInt(line.amount) * BigInt(line.quantity);
        for (const policy of ROUND_POLICIES) {
          const accepted = checkLine(line, policy).length === 0;
          // "none" allows a total only at or above the exact product; the half-up kopeck may be just below it.
          expect(accepted, policy).toBe(policy === 'none' ? productAtMost : true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts every computed basket’s totals', () => {
    fc.assert(
      fc.property(basket, (inputs) => {
        const { lines, amount, vatAmount } = computeBasket(inputs);
        expect(checkTotals(lines, amount, vatAmount)).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses a line total off by two kopecks or more (strict)', () => {
    fc.assert(
      fc.property(lineInput, spoil, (input, d) => {
        const line = toCheck(input);
        fc.pre(line.totalAmount + d >= 0);
        expect(checkLine({ ...line, totalAmount: line.totalAmount + d }, 'strict')).toContain(
          'wrong_basket_item_total_amount',
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a unit price without VAT off by two kopecks or more', () => {
    fc.assert(
      fc.property(lineInput, spoil, (input, d) => {
        const line = toCheck(input);
        fc.pre(line.amountWoVat + d >= 0);
        expect(checkLine({ ...line, amountWoVat: line.amountWoVat + d }, 'strict')).toContain(
          'wrong_basket_item_amount_wo_vat',
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a line VAT off by two kopecks or more (unless it is the per-unit reading)', () => {
    fc.assert(
      fc.property(lineInput, spoil, (input, d) => {
        const line = toCheck(input);
        const vat = line.totalVatAmount + d;
        fc.pre(vat >= 0 && (vatRate(line.vatCode).percent === 0 || !nearPerUnitVat(line, vat)));
        expect(checkLine({ ...line, totalVatAmount: vat }, 'strict')).toContain(
          'wrong_basket_item_total_vat_amount',
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses order totals that differ from the sums by any amount', () => {
    fc.assert(
      fc.property(
        basket,
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0),
        (inputs, d) => {
          const { lines, amount, vatAmount } = computeBasket(inputs);
          expect(checkTotals(lines, amount + d, vatAmount)).toEqual(['wrong_total_amount']);
          expect(checkTotals(lines, amount, vatAmount + d)).toEqual(['wrong_total_vat_amount']);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('basket arithmetic: the sandbox accepts what the console computes (HTTP)', () => {
  const sb = withSandbox({ rateLimit: { requests: 100_000, windowMs: 30_000 } });
  const ORDERS = '/v3/billing/api/order/order';

  it('accepts random baskets built with computeBasket', async () => {
    await fc.assert(
      fc.asyncProperty(basket, async (lines) => {
        const res = await sb.api('POST', ORDERS, demoOrder({ lines }));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a basket whose line total is spoiled, naming the line', async () => {
    await fc.assert(
      fc.asyncProperty(basket, fc.nat(), spoil, async (lines, pick, d) => {
        const order = demoOrder({ lines });
        const i = pick % order.basketItems.length;
        const item = order.basketItems[i]!;
        const spoiled = kopecksFromApi(item.totalAmount) + d;
        fc.pre(spoiled >= 0);
        order.basketItems[i] = { ...item, totalAmount: kopecksToApi(spoiled) };
        const res = await sb.api('POST', ORDERS, order);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('wrong_basket_item_total_amount');
        expect(res.body.error.fields).toContainEqual(
          expect.objectContaining({
            name: `basketItems.${i}.totalAmount`,
            code: 'wrong_basket_item_total_amount',
          }),
        );
      }),
      { numRuns: 25 },
    );
  });
});
