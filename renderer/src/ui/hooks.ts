import { useEffect, useRef, useState } from 'react';
import { timeLeftChangesInMs } from '../lib/format.ts';

/** The current time, re-rendering every `intervalMs` ("5 s ago", "retry in 3 s"); `null`: no ticking at all. */
export function useNow(intervalMs: number | null = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (intervalMs === null) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/**
 * Milliseconds left until `deadline` (epoch ms; `null` → `null`), for `formatTimeLeft`. Re-renders only when the
 * text shown changes (once a minute, then once a second in the last two minutes), not on a fixed tick: a payment
 * screen waiting for a customer costs no rendering in between.
 */
export function useTimeLeft(deadline: number | null): number | null {
  const [, setTick] = useState(0);
  const left = deadline === null ? null : deadline - Date.now();
  useEffect(() => {
    if (left === null) return;
    const wait = timeLeftChangesInMs(left);
    if (wait === null) return;
    // A few ms late rather than early: the text has changed by the time the render reads the clock.
    const t = setTimeout(() => setTick((n) => n + 1), wait + 5);
    return () => clearTimeout(t);
  });
  return left;
}

/** Whether `deadline` (epoch ms) has passed; re-renders once, when it does. `null`: never. */
export function usePassed(deadline: number | null): boolean {
  const [, setTick] = useState(0);
  const passed = deadline !== null && Date.now() >= deadline;
  useEffect(() => {
    if (deadline === null || passed) return;
    const t = setTimeout(() => setTick((n) => n + 1), Math.max(1, deadline - Date.now() + 5));
    return () => clearTimeout(t);
  }, [deadline, passed]);
  return passed;
}

export interface HotkeyOptions {
  /** Also fire while the focus is in a text field (for Esc, F-keys, Ctrl+Enter). */
  inInputs?: boolean;
  enabled?: boolean;
}

/** Is the event's target a place where typing a letter means typing it. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/**
 * Window-level shortcuts. `keys` maps a key description (`Escape`, `r`, `Delete`, `F2`, `Ctrl+Enter`) to a handler;
 * letter keys never fire while the cashier types into a field, unless `inInputs`.
 */
export function useHotkeys(
  keys: Record<string, (e: KeyboardEvent) => void>,
  options: HotkeyOptions = {},
): void {
  const ref = useRef(keys);
  ref.current = keys;
  const { inInputs = false, enabled = true } = options;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.isComposing) return;
      // An open modal dialog owns the keyboard (its own Enter/Esc); screen shortcuts wait.
      if (document.querySelector('dialog[open]')) return;
      // Letters by their physical key: `R` is `R` whether the cashier's layout is Latin or Cyrillic (`К`).
      const base = /^Key[A-Z]$/.test(e.code)
        ? e.code.slice(3).toLowerCase()
        : e.key.length === 1
          ? e.key.toLowerCase()
          : e.key;
      const name = [
        e.ctrlKey || e.metaKey ? 'Ctrl' : '',
        e.altKey ? 'Alt' : '',
        e.shiftKey && base.length > 1 ? 'Shift' : '',
        base,
      ]
        .filter(Boolean)
        .join('+');
      const handler = ref.current[name];
      if (!handler) return;
      const fnKey = /^F\d+$/.test(e.key) || e.key === 'Escape' || e.ctrlKey || e.metaKey;
      if (isTypingTarget(e.target) && !inInputs && !fnKey) return;
      e.preventDefault();
      handler(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inInputs, enabled]);
}

/** `true` once `ms` have passed since the value last changed (for a "copied" flash and the like). */
export function useFlash(ms = 2000): [boolean, () => void] {
  const [on, setOn] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return [
    on,
    () => {
      setOn(true);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setOn(false), ms);
    },
  ];
}
