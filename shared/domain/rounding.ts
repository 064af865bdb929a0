/** Exact integer division with an explicit rounding mode, in BigInt so that no product can lose precision. */

export type RoundMode = 'halfUp' | 'halfDown' | 'floor' | 'ceil';

export function divRound(numerator: bigint, denominator: bigint, mode: RoundMode): bigint {
  if (denominator <= 0n) throw new Error('denominator must be positive');
  const neg = numerator < 0n;
  const n = neg ? -numerator : numerator;
  const q = n / denominator;
  const r = n % denominator;
  let up: boolean;
  switch (mode) {
    case 'floor':
      up = neg && r > 0n;
      break;
    case 'ceil':
      up = !neg && r > 0n;
      break;
    case 'halfUp':
      up = 2n * r >= denominator;
      break;
    case 'halfDown':
      up = 2n * r > denominator;
      break;
  }
  if (mode === 'floor' || mode === 'ceil') {
    // floor/ceil are directional: for negatives "up" means away from zero in magnitude.
    return neg ? -(q + (up ? 1n : 0n)) : q + (up ? 1n : 0n);
  }
  const mag = q + (up ? 1n : 0n);
  return neg ? -mag : mag;
}
