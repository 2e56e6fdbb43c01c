/**
 * Digits after the decimal point in each currency, as ISO 4217 gives them, where not 2. Not
 * Intl's (CLDR's) digits, which are those people are shown: CLDR says HUF 0 and IQD 0, while
 * amounts in minor units (payout files, gift card values) count in ISO 4217's, HUF 2, IQD 3.
 * `money.test.ts` checks this table against the standard's list (the `currency-codes` package).
 */
const ISO_4217_DIGITS: Readonly<Record<string, number>> = {
  BHD: 3,
  BIF: 0,
  CLF: 4,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  UYW: 4,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

/** Digits after the decimal point in a currency's minor unit (JPY 0, USD 2, HUF 2, KWD 3). */
export function minorDigits(currency: string): number {
  return ISO_4217_DIGITS[currency.toUpperCase()] ?? 2;
}

/** An amount in minor units (cents, fen) in the reader's language: 3000 USD -> "$30.00". */
export function formatMoney(amountMinor: number, currency: string, language: string): string {
  const format = new Intl.NumberFormat(language, { style: 'currency', currency });
  return format.format(amountMinor / 10 ** minorDigits(currency));
}
