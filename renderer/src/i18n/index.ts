/**
 * i18n: a small typed dictionary per language instead of i18next. Two languages and a few hundred strings; with the
 * keys as a TypeScript type a missing or misspelt translation is a compile error (en.ts must have every key of ru.ts),
 * which i18next gives only with extra typing glue, and it would add ~40 kB for features (namespaces, lazy backends,
 * ICU) the console does not need. Plurals are the one thing needed beyond `{name}` interpolation: `plural()` below.
 */
import { useCallback } from 'react';
import { create } from 'zustand';
import type { Lang } from '../lib/format.ts';
import { pluralRu } from '../lib/format.ts';
import { en } from './en.ts';
import { ru, type MessageKey } from './ru.ts';

export type { MessageKey } from './ru.ts';
export type { Lang } from '../lib/format.ts';

const dictionaries: Record<Lang, Record<MessageKey, string>> = { ru, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ru, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? ru[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** `plural('ru', 5, 'заказ', 'заказа', 'заказов', 'order', 'orders')`. */
export function plural(
  lang: Lang,
  n: number,
  one: string,
  few: string,
  many: string,
  enOne: string,
  enMany: string,
): string {
  return lang === 'ru' ? pluralRu(n, one, few, many) : n === 1 ? enOne : enMany;
}

const STORAGE_KEY = 'paydesk.lang';

function initialLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'ru' || saved === 'en') return saved;
  } catch {
    // storage unavailable: default
  }
  return 'ru';
}

interface LangState {
  lang: Lang;
  setLang(lang: Lang): void;
}

/** The UI language. Russian by default; the saved setting replaces it once settings load. */
export const useLang = create<LangState>()((set) => ({
  lang: initialLang(),
  setLang(lang) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lang);
    } catch {
      // not persisted: fine
    }
    document.documentElement.lang = lang;
    set({ lang });
  },
}));

export type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The translate function of the current language; the same function object until the language changes. */
export function useT(): T {
  const lang = useLang((s) => s.lang);
  return useCallback<T>((key, params) => translate(lang, key, params), [lang]);
}
