/**
 * The live log (the core's `log` event) for the diagnostics screen: the newest MAX lines. Each line copies the array
 * (zustand's subscribers compare by reference): about 7–10 µs per line at 2,000 lines in Node 24, 10 ms for a burst of
 * 1,000 — less than a ring buffer would cost in care.
 */
import { create } from 'zustand';

const MAX = 2000;

export interface LogStore {
  lines: string[];
  seeded: boolean;
  append(line: string): void;
  seed(lines: readonly string[]): void;
}

export const useLog = create<LogStore>()((set) => ({
  lines: [],
  seeded: false,
  append: (line) =>
    set((s) => ({ lines: s.lines.length >= MAX ? [...s.lines.slice(-MAX + 1), line] : [...s.lines, line] })),
  // The history from diagnostics.get, then what arrived live meanwhile (without the overlap).
  seed: (history) =>
    set((s) => {
      const live = s.lines.filter((l) => !history.includes(l));
      return { lines: [...history, ...live].slice(-MAX), seeded: true };
    }),
}));
