/** The live log (the core's `log` event), a ring buffer for the diagnostics screen. */
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
