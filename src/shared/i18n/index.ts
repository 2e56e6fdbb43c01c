import type { Language } from '../languages.ts';
import { en, type Messages } from './en.ts';
import { es } from './es.ts';
import { zhCN } from './zh-CN.ts';

export type { Messages };
export const catalogs: Record<Language, Messages> = { en, 'zh-CN': zhCN, es };

/** The message `key` in `language` (English if missing), with {{name}} placeholders filled. */
export function translate(
  language: Language,
  key: string,
  params: Record<string, string | number> = {},
): string {
  const lookup = (catalog: Messages) =>
    key
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalog);
  const template = lookup(catalogs[language]) ?? lookup(en);
  if (typeof template !== 'string') return key;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
