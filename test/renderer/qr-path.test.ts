/**
 * The QR drawing (renderer/src/lib/qr-path.ts): the matrix `qrcode` encodes, drawn as runs, must decode (jsQR, on
 * the path rasterised in Node by the same helper the browser tests use) to the very text it was made from.
 */
import fc from 'fast-check';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrDrawing, type QrModules } from '../../renderer/src/lib/qr-path.ts';
import { decodeQrSvg } from '../helpers/browser.ts';

/** A matrix from rows of '#' (dark) and '.' (light). */
function matrix(rows: string[]): QrModules {
  return { size: rows.length, get: (r, c) => rows[r]![c] === '#' };
}

describe('QR drawing', () => {
  it('draws one rectangle per horizontal run of dark modules, shifted by the quiet zone', () => {
    const d = qrDrawing(matrix(['##.', '...', '#.#']), 1);
    expect(d.side).toBe(5);
    expect(d.path).toBe('M1 1h2v1h-2zM1 3h1v1h-1zM3 3h1v1h-1z');
    expect(qrDrawing(matrix(['###', '###', '###']), 0).path).toBe('M0 0h3v1h-3zM0 1h3v1h-3zM0 2h3v1h-3z');
    expect(qrDrawing(matrix(['...', '...', '...']), 4)).toEqual({ side: 11, path: '' });
  });

  it('refuses a quiet zone that is not a whole number of modules', () => {
    expect(() => qrDrawing(matrix(['#']), -1)).toThrow(RangeError);
    expect(() => qrDrawing(matrix(['#']), 1.5)).toThrow(RangeError);
  });

  it('decodes to the payment link it was drawn from', () => {
    const link = 'https://go.invoicebox.ru/pay/0b6f4e1c-0000-4000-8000-000000000042?lang=ru';
    const { side, path } = qrDrawing(QRCode.create(link, { errorCorrectionLevel: 'M' }).modules, 4);
    expect(decodeQrSvg(`0 0 ${side} ${side}`, path)).toBe(link);
  });

  it('decodes to the text it was drawn from, for any link-like text', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const { side, path } = qrDrawing(QRCode.create(url, { errorCorrectionLevel: 'M' }).modules, 4);
        expect(decodeQrSvg(`0 0 ${side} ${side}`, path)).toBe(url);
      }),
      { numRuns: 60 },
    );
  });

  it('the decoder in the test helper refuses a path that is not made of runs (so it cannot pass by accident)', () => {
    expect(() => decodeQrSvg('0 0 10 10', 'M1 1h2v1h-3z')).toThrow(/bad run/);
    expect(() => decodeQrSvg('0 0 10 10', 'M1 1h2v1h-2zL5 5')).toThrow(/unexpected text/);
    expect(decodeQrSvg('0 0 10 10', '')).toBeNull();
  });
});
