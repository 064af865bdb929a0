import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOrderInput, customerInputSchema } from '../../shared/contract/contract.ts';
import { computeBasket } from '../../shared/domain/basket.ts';
import { VAT_CODES } from '../../shared/domain/vat.ts';
import {
  buildCreateInput,
  emptyCustomer,
  emptyEntry,
  isEntryBlank,
  isValidEmail,
  isValidInn,
  normalizePhone,
  validateCustomer,
  validateEntry,
  type OrderDraftState,
} from '../../renderer/src/lib/draft.ts';

const draft = (patch: Partial<OrderDraftState> = {}): OrderDraftState => ({
  lines: [],
  customer: emptyCustomer(),
  customerOpen: false,
  description: '',
  ttl: '15',
  ...patch,
});

describe('the entry row', () => {
  it('defaults to 22 % VAT, pieces, goods, full payment', () => {
    const e = emptyEntry();
    expect(e.vatCode).toBe('RUS_VAT22');
    expect(e.unitCode).toBe('796');
    expect(e.type).toBe('commodity');
    expect(e.paymentType).toBe('full_payment');
    expect(isEntryBlank(e)).toBe(true);
  });

  it('turns what was typed into integers, with the OKEI unit', () => {
    const { line, errors } = validateEntry({
      ...emptyEntry(),
      name: '  Кофе ',
      price: '1 234,5',
      qty: '0,25',
      unitCode: '166',
    });
    expect(errors).toEqual({});
    expect(line).toEqual({
      name: 'Кофе',
      unitPrice: 123450,
      quantity: 250,
      vatCode: 'RUS_VAT22',
      measure: 'кг',
      measureCode: '166',
      type: 'commodity',
      paymentType: 'full_payment',
    });
  });

  it('says what is wrong at each field', () => {
    expect(validateEntry({ ...emptyEntry(), name: '', price: '', qty: '' }).errors).toEqual({
      name: 'required',
      price: 'required',
      qty: 'required',
    });
    expect(validateEntry({ ...emptyEntry(), name: 'x', price: '1,234' }).errors.price).toBe('price_invalid');
    expect(validateEntry({ ...emptyEntry(), name: 'x', price: '0' }).errors.price).toBe('price_zero');
    expect(validateEntry({ ...emptyEntry(), name: 'x', price: '1', qty: '0' }).errors.qty).toBe(
      'qty_invalid',
    );
    expect(validateEntry({ ...emptyEntry(), name: 'x', price: '1', qty: '1,0005' }).errors.qty).toBe(
      'qty_invalid',
    );
    expect(validateEntry({ ...emptyEntry(), name: 'x'.repeat(501), price: '1' }).errors.name).toBe(
      'too_long',
    );
    expect(validateEntry({ ...emptyEntry(), name: 'x', price: '1', unitCode: '999' }).errors.unit).toBe(
      'unit_invalid',
    );
    // A line whose total passes the contract's ceiling is refused at the price.
    expect(
      validateEntry({ ...emptyEntry(), name: 'x', price: '99999999999', qty: '1000' }).errors.price,
    ).toBe('price_too_big');
  });
});

describe('the customer', () => {
  it('checks ИНН check digits', () => {
    expect(isValidInn('7707083893')).toBe(true); // a real organisation's ИНН
    expect(isValidInn('7707083894')).toBe(false);
    expect(isValidInn('500100732259')).toBe(true);
    expect(isValidInn('500100732250')).toBe(false);
    expect(isValidInn('12345')).toBe(false);
  });

  it('normalises Russian phone numbers', () => {
    expect(normalizePhone('+7 (912) 345-67-89')).toBe('+79123456789');
    expect(normalizePhone('8 912 345 67 89')).toBe('+79123456789');
    expect(normalizePhone('9123456789')).toBe('+79123456789');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('12-34')).toBeNull();
    expect(normalizePhone('call me')).toBeNull();
  });

  it('refuses exactly the e-mails the contract refuses', () => {
    const samples = [
      'a@b.ru',
      'ivan.petrov@example.com',
      'x@y',
      'a..b@c.ru',
      '.a@b.ru',
      'a@b.c',
      'имя@пример.рф',
      'a+tag@mail.example.org',
      'a b@c.ru',
      '',
    ];
    for (const s of samples) {
      expect(isValidEmail(s), s).toBe(customerInputSchema.shape.email.safeParse(s).success);
    }
    fc.assert(
      fc.property(fc.emailAddress(), (s) => {
        expect(isValidEmail(s)).toBe(customerInputSchema.shape.email.safeParse(s).success);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the contract a valid customer or field errors', () => {
    const ok = validateCustomer({
      type: 'legal',
      name: 'ООО Ромашка',
      phone: '8 912 345-67-89',
      email: 'buh@romashka.ru',
      inn: '7707083893',
    });
    expect(ok.errors).toEqual({});
    expect(customerInputSchema.safeParse(ok.customer).success).toBe(true);
    const bad = validateCustomer({
      type: 'private',
      name: '',
      phone: '12',
      email: 'nope',
      inn: '1234567890',
    });
    expect(bad.customer).toBeUndefined();
    expect(bad.errors).toEqual({ phone: 'phone_invalid', email: 'email_invalid', inn: 'inn_checksum' });
    expect(validateCustomer(emptyCustomer())).toEqual({ customer: undefined, errors: {} });
  });
});

describe('the whole order', () => {
  it('needs a line and a sane expiry', () => {
    expect(buildCreateInput(draft(), 'rk-12345678').errors.lines).toBe('lines_empty');
    const line = validateEntry({ ...emptyEntry(), name: 'x', price: '10' }).line!;
    expect(buildCreateInput(draft({ lines: [line], ttl: '0' }), 'rk-12345678').errors.ttl).toBe(
      'ttl_invalid',
    );
    expect(buildCreateInput(draft({ lines: [line], ttl: '43201' }), 'rk-12345678').errors.ttl).toBe(
      'ttl_invalid',
    );
  });

  it('sends only what the contract accepts, whatever valid lines are typed', () => {
    const lineArb = fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
      price: fc
        .integer({ min: 1, max: 10_000_000 })
        .map((k) => `${Math.floor(k / 100)},${String(k % 100).padStart(2, '0')}`),
      qty: fc
        .integer({ min: 1, max: 100_000 })
        .map((m) => `${Math.floor(m / 1000)},${String(m % 1000).padStart(3, '0')}`),
      vatCode: fc.constantFrom(...VAT_CODES),
    });
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 43200 }),
        (typed, ttl) => {
          const lines = typed.map(
            (t) =>
              validateEntry({
                ...emptyEntry({ vatCode: t.vatCode }),
                name: t.name,
                price: t.price,
                qty: t.qty,
              }).line!,
          );
          const { input, errors } = buildCreateInput(draft({ lines, ttl: String(ttl) }), 'rk-0123456789');
          expect(errors.lines).toBeUndefined();
          const parsed = createOrderInput.safeParse(input);
          expect(parsed.success).toBe(true);
          // What the screen shows is what the gateway will be sent.
          expect(computeBasket(input!.lines).amount).toBe(computeBasket(lines).amount);
        },
      ),
      { numRuns: 200 },
    );
  });
});
