/**
 * The shift and PIN policy enforced through core.invoke (a real core against a real sandbox), and the stamps written
 * with what each action records: read back from the SQLite file itself.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DB_FILE_NAME } from '../../electron/core/store/database.ts';
import { staffViewSchema } from '../../shared/contract/shifts.ts';
import type { CoreHandle } from '../helpers/core.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { startShiftCore, line, outcome, requestKey, control, waitStatus } from './helpers.ts';

const sb = withSandbox({ rateLimit: { requests: 10_000, windowMs: 30_000 } });
let h: CoreHandle;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- results read by tests
const call = (m: string, input: unknown) => h.core.invoke(m as never, input) as Promise<Any>;

beforeAll(async () => {
  h = await startShiftCore(sb.sandbox);
});
afterAll(async () => {
  await h?.stop();
});

function rows(sql: string, ...params: string[]): Any[] {
  const db = new DatabaseSync(join(h.dataDir, DB_FILE_NAME), { readOnly: true });
  try {
    return db.prepare(sql).all(...params) as Any[];
  } finally {
    db.close();
  }
}

const coffee = [line('Кофе', 25_000, 2_000, 'RUS_VAT22')];

describe('shifts and PINs through the core', () => {
  let anna: Any;
  let ivan: Any;
  const senior = () => ({ staffId: anna.id, pin: '2468' });

  it('refuses to sell without a shift, and sets up staff: the first senior freely, then only with approval', async () => {
    expect(await outcome(call('orders.create', { lines: coffee, requestKey: requestKey() }))).toBe(
      'shift_required',
    );
    expect(await call('shift.current', {})).toBeNull();
    expect(await outcome(call('shift.open', { staffId: 'nobody', pin: '1234' }))).toBe('staff_not_found');
    expect(await outcome(call('staff.save', { name: 'Иван', role: 'cashier', pin: '1357' }))).toBe(
      'staff_first_senior',
    );
    anna = await call('staff.save', { name: 'Анна', role: 'senior', pin: '2468' });
    expect(anna).toMatchObject({ role: 'senior', active: true, lockedUntil: null });
    expect(JSON.stringify(anna)).not.toContain('2468');
    expect(await outcome(call('staff.save', { name: 'Иван', role: 'cashier', pin: '1357' }))).toBe(
      'pin_required',
    );
    const wrong = await call('staff.save', {
      name: 'Иван',
      role: 'cashier',
      pin: '1357',
      approval: { staffId: anna.id, pin: '0000' },
    }).catch((e: Any) => e);
    expect(wrong).toMatchObject({
      code: 'pin_wrong',
      fields: expect.arrayContaining([{ name: 'attemptsLeft', code: '4' }]),
    });
    ivan = await call('staff.save', { name: 'Иван', role: 'cashier', pin: '1357', approval: senior() });
    // A cashier's PIN is no senior approval.
    expect(
      await outcome(
        call('staff.save', {
          name: 'Пётр',
          role: 'cashier',
          pin: '1111',
          approval: { staffId: ivan.id, pin: '1357' },
        }),
      ),
    ).toBe('pin_required');
    const list = await call('staff.list', {});
    expect(list.map((s: Any) => s.name).sort()).toEqual(['Анна', 'Иван']);
    expect(() => z.array(staffViewSchema).parse(list)).not.toThrow();
    expect(JSON.stringify(list)).not.toMatch(/scrypt|1357|2468/);
  });

  it('guards settings, the PIN policy and the token with a senior PIN', async () => {
    expect(await outcome(call('settings.update', { shopName: 'Кофейня' }))).toBe('pin_required');
    expect((await call('settings.update', { language: 'en' })).language).toBe('en');
    expect(await outcome(call('token.remove', {}))).toBe('pin_required');
    expect(await outcome(call('token.save', { token: 'x'.repeat(32) }))).toBe('pin_required');
    const view = await call('settings.update', {
      shopName: 'Кофейня',
      pinPolicy: {
        seniorPinFor: ['refunds.create', 'orders.cancel', 'settings.update', 'token.save', 'token.remove'],
      },
      approval: senior(),
    });
    expect(view.shopName).toBe('Кофейня');
    expect(view.pinPolicy).toEqual({
      requireShift: true,
      seniorPinFor: ['refunds.create', 'orders.cancel', 'settings.update', 'token.save', 'token.remove'],
      maxAttempts: 5,
    });
    expect((await call('settings.get', {})).pinPolicy.seniorPinFor).toContain('orders.cancel');
    // The policy is kept across a partial patch.
    const after = await call('settings.update', { pinPolicy: { requireShift: true }, approval: senior() });
    expect(after.pinPolicy.seniorPinFor).toContain('orders.cancel');
  });

  it('opens one shift, stamps orders, cancels and refunds with it in the same rows, and closes it', async () => {
    expect(await outcome(call('shift.open', { staffId: ivan.id, pin: '9999' }))).toBe('pin_wrong');
    const opened = await call('shift.open', { staffId: ivan.id, pin: '1357' });
    expect(opened).toMatchObject({ number: 1, cashierName: 'Иван', status: 'open', closedAt: null });
    expect(await outcome(call('shift.open', { staffId: anna.id, pin: '2468' }))).toBe('shift_open_already');
    expect(await call('shift.current', {})).toEqual(opened);

    const paid = await call('orders.create', { lines: coffee, requestKey: requestKey() });
    const toCancel = await call('orders.create', { lines: coffee, requestKey: requestKey() });
    const intents = rows(
      "SELECT merchant_order_id, shift_id, staff_id, approved_by FROM intents WHERE kind = 'create_order'",
    );
    expect(intents).toEqual(
      expect.arrayContaining([
        {
          merchant_order_id: paid.merchantOrderId,
          shift_id: opened.id,
          staff_id: ivan.id,
          approved_by: null,
        },
      ]),
    );

    // Cancel is guarded now (the policy above): refused without approval, stamped with it.
    expect(await outcome(call('orders.cancel', { id: toCancel.id }))).toBe('pin_required');
    await call('orders.cancel', { id: toCancel.id, approval: senior() });
    expect(
      rows(
        "SELECT shift_id, staff_id, approved_by FROM status_history WHERE order_id = ? AND status = 'canceled'",
        toCancel.id,
      ),
    ).toEqual([{ shift_id: opened.id, staff_id: ivan.id, approved_by: anna.id }]);

    await control(sb.sandbox, 'POST', `/sandbox/orders/${paid.id}/pay`);
    await waitStatus(h.core, paid.id, 'completed');
    // The payment came in over the gate: nobody's action, no stamp.
    expect(
      rows("SELECT shift_id FROM status_history WHERE order_id = ? AND status = 'completed'", paid.id),
    ).toEqual([{ shift_id: null }]);

    const refundInput = {
      orderId: paid.id,
      lines: [{ index: 0, quantity: 1_000 }],
      requestKey: requestKey(),
    };
    expect(await outcome(call('refunds.create', refundInput))).toBe('pin_required');
    const refund = await call('refunds.create', { ...refundInput, approval: senior() });
    expect(
      rows(
        "SELECT shift_id, staff_id, approved_by FROM intents WHERE kind = 'create_refund' AND merchant_order_id = ?",
        refund.merchantOrderId,
      ),
    ).toEqual([{ shift_id: opened.id, staff_id: ivan.id, approved_by: anna.id }]);

    // Closing: only the shift's cashier or a senior.
    expect(await outcome(call('shift.close', { pin: '2468' }))).toBe('pin_wrong'); // Иван's PIN expected
    const report = await call('shift.close', { pin: '2468', staffId: anna.id });
    expect(report.shift).toMatchObject({ id: opened.id, status: 'closed' });
    expect(report.orders.total.count).toBe(2);
    expect(report.cancels.count).toBe(1);
    expect(report.refunds.total.count).toBe(1);
    expect(rows('SELECT closed_by FROM shifts WHERE id = ?', opened.id)).toEqual([{ closed_by: anna.id }]);
    expect(await call('shift.current', {})).toBeNull();
    expect(await outcome(call('orders.create', { lines: coffee, requestKey: requestKey() }))).toBe(
      'shift_required',
    );
    expect(await outcome(call('shift.close', { pin: '1357' }))).toBe('shift_not_open');
    // The next shift gets the next number; the list is newest first.
    const second = await call('shift.open', { staffId: anna.id, pin: '2468' });
    expect(second.number).toBe(2);
    expect((await call('shift.list', {})).map((s: Any) => s.number)).toEqual([2, 1]);
  });

  it('with requireShift off, sells without a shift (unstamped), and the policy change itself needs a senior', async () => {
    await call('shift.close', { pin: '2468' });
    expect(await outcome(call('settings.update', { pinPolicy: { requireShift: false } }))).toBe(
      'pin_required',
    );
    await call('settings.update', { pinPolicy: { requireShift: false }, approval: senior() });
    const order = await call('orders.create', { lines: coffee, requestKey: requestKey() });
    expect(
      rows(
        "SELECT shift_id FROM intents WHERE kind = 'create_order' AND merchant_order_id = ?",
        order.merchantOrderId,
      ),
    ).toEqual([{ shift_id: null }]);
    await call('settings.update', { pinPolicy: { requireShift: true }, approval: senior() });
    expect(await outcome(call('orders.create', { lines: coffee, requestKey: requestKey() }))).toBe(
      'shift_required',
    );
  });

  it('locks a PIN after repeated failures, through the contract, with the time in the error', async () => {
    for (let i = 0; i < 4; i++) await outcome(call('shift.open', { staffId: ivan.id, pin: '0000' }));
    const locked = await call('shift.open', { staffId: ivan.id, pin: '0000' }).catch((e: Any) => e);
    expect(locked.code).toBe('pin_locked');
    const until = locked.fields.find((f: Any) => f.name === 'lockedUntil').code;
    expect(Date.parse(until)).toBeGreaterThan(Date.now());
    expect(await outcome(call('shift.open', { staffId: ivan.id, pin: '1357' }))).toBe('pin_locked');
    expect((await call('staff.list', {})).find((s: Any) => s.id === ivan.id).lockedUntil).toBe(until);
    // A senior resets it by giving a new PIN.
    await call('staff.save', { id: ivan.id, name: 'Иван', role: 'cashier', pin: '8642', approval: senior() });
    expect(await outcome(call('shift.open', { staffId: ivan.id, pin: '8642' }))).toBe('ok');
  });
});
