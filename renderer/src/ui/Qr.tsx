/**
 * The payment link as a QR code: `qrcode` renders a PNG data URL (img-src data: is allowed by the CSP), shown as an
 * <img> with crisp pixels. Error correction M with the standard 4-module quiet zone scans reliably from a phone at
 * arm's length off a laptop screen.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

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

export function Qr({ value, size, label, testId, dimmed, fluid }: QrProps) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    setFailed(false);
    QRCode.toDataURL(value, {
      errorCorrectionLevel: 'M',
      margin: 4,
      // Rendered at 2× and scaled down: sharp on HiDPI, and an integer number of pixels per module either way.
      width: size * 2,
      color: { dark: '#000000ff', light: '#ffffffff' },
    })
      .then((url) => alive && setSrc(url))
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [value, size]);
  if (failed) return <div className="qr-failed">QR ✕</div>;
  return (
    <div
      className={['qr-frame', dimmed ? 'is-dimmed' : '', fluid ? 'is-fluid' : ''].join(' ').trim()}
      style={fluid ? undefined : { width: size, height: size }}
    >
      {src ? (
        <img data-testid={testId} className="qr-img" src={src} width={size} height={size} alt={label} />
      ) : null}
    </div>
  );
}
