/**
 * The payment link as a QR code: `qrcode` encodes it (`QRCode.create`: error correction M), lib/qr-path.ts draws
 * the modules as one SVG path with the standard 4-module quiet zone, and the edges are kept crisp
 * (`shape-rendering: crispEdges`). That scans reliably from a phone at arm's length off a laptop screen, at any size
 * and pixel density, and costs well under a millisecond where a PNG data URL cost tens (see qr-path.ts).
 */
import QRCode from 'qrcode';
import { useMemo } from 'react';
import { qrDrawing, type QrDrawing } from '../lib/qr-path.ts';

export interface QrProps {
  value: string;
  /** CSS pixels. */
  size: number;
  label: string;
  testId?: string;
  dimmed?: boolean;
  /** Fill the parent's width (sized by CSS) instead of `size` pixels. */
  fluid?: boolean;
}

/** The standard quiet zone, in modules. */
const MARGIN = 4;

function draw(value: string): QrDrawing | null {
  try {
    return qrDrawing(QRCode.create(value, { errorCorrectionLevel: 'M' }).modules, MARGIN);
  } catch {
    return null; // too long for any QR version: said on screen, never a blank square
  }
}

export function Qr({ value, size, label, testId, dimmed, fluid }: QrProps) {
  const drawing = useMemo(() => draw(value), [value]);
  if (!drawing) return <div className="qr-failed">QR ✕</div>;
  return (
    <div
      className={['qr-frame', dimmed ? 'is-dimmed' : '', fluid ? 'is-fluid' : ''].join(' ').trim()}
      style={fluid ? undefined : { width: size, height: size }}
    >
      <svg
        data-testid={testId}
        className="qr-img"
        role="img"
        aria-label={label}
        width={size}
        height={size}
        viewBox={`0 0 ${drawing.side} ${drawing.side}`}
        shapeRendering="crispEdges"
      >
        <rect width={drawing.side} height={drawing.side} fill="#fff" />
        <path d={drawing.path} fill="#000" />
      </svg>
    </div>
  );
}
