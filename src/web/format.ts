export function countryName(code: string, language: string, everywhereElse: string): string {
  if (code === '*') return everywhereElse;
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A calendar date ('2025-06-12') in the reader's language. */
export function formatDate(isoDate: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}

/** The visitor's country from the browser's language (en-US: US), if it names one. */
export function visitorCountry(): string | undefined {
  return /-([A-Z]{2})\b/.exec(navigator.language ?? '')?.[1];
}
