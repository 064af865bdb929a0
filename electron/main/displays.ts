/**
 * Which screen the customer display goes to: the first screen that is not the cashier's (primary) one, or none.
 * Pure; windows.ts asks Electron's `screen` for the list.
 */
export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export function pickCustomerDisplay<D extends DisplayLike>(
  displays: readonly D[],
  primaryId: number,
): D | null {
  const others = displays.filter((d) => d.id !== primaryId);
  if (others.length === 0) return null;
  // Deterministic: left to right, then top to bottom.
  return [...others].sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y)[0] ?? null;
}
