import { formatMoney, minorDigits } from '../../shared/money.ts';

/**
 * The "new campaign" form as a manager fills it in (English texts; other languages are added in
 * the YAML), and the campaign definition it makes: the same shape as a campaign file, which the
 * server validates (`recallkit campaign apply` reads the same).
 */
export interface CampaignForm {
  title: string;
  hazard: string;
  summary: string;
  slug: string;
  announcedOn: string;
  regulator: string;
  regulatorUrl: string;
  units: string;
  brandName: string;
  brandColour: string;
  storeName: string;
  supportEmail: string;
  supportPhone: string;
  models: { code: string; name: string; recalledAsWhole: boolean }[];
  serialLength: string;
  serialsSkipOAndI: boolean;
  serialExample: string;
  whereToFind: string;
  opensOn: string;
  closesOn: string;
  jurisdictions: {
    country: string;
    replacementSku: string;
    giftCardAmount: string;
    refund: boolean;
    currency: string;
    returnRequired: boolean;
    dropOffFinderUrl: string;
  }[];
  instructions: string;
  markedPhoto: boolean;
  receiptPhoto: boolean;
  autoApprove: boolean;
}

export function emptyCampaignForm(today = new Date().toISOString().slice(0, 10)): CampaignForm {
  return {
    title: '',
    hazard: '',
    summary: '',
    slug: '',
    announcedOn: today,
    regulator: 'CPSC',
    regulatorUrl: '',
    units: '',
    brandName: '',
    brandColour: '#b42318',
    storeName: '',
    supportEmail: '',
    supportPhone: '',
    models: [{ code: '', name: '', recalledAsWhole: false }],
    serialLength: '16',
    serialsSkipOAndI: true,
    serialExample: '',
    whereToFind: '',
    opensOn: today,
    closesOn: '',
    jurisdictions: [
      {
        country: 'US',
        replacementSku: '',
        giftCardAmount: '',
        refund: false,
        currency: 'USD',
        returnRequired: false,
        dropOffFinderUrl: '',
      },
    ],
    instructions:
      'Stop using the product now.\nStart a claim: photograph the label, then the unit marked as shown.\nTake the product to a battery drop-off point.',
    markedPhoto: true,
    receiptPhoto: true,
    autoApprove: false,
  };
}

/** lower-case words joined by dashes, as campaign slugs are. */
export function slugFrom(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

const en = (text: string) => ({ en: text.trim() });
const optional = <K extends string, V>(key: K, value: V | undefined | '' | null) =>
  value === undefined || value === '' || value === null ? {} : ({ [key]: value } as Record<K, V>);

/** The campaign definition the form describes, as a draft. */
export function definitionFromForm(form: CampaignForm): Record<string, unknown> {
  const length = Number(form.serialLength);
  const alphabet = form.serialsSkipOAndI ? 'A-HJ-NP-Z0-9' : 'A-Z0-9';
  return {
    slug: form.slug || slugFrom(form.title),
    status: 'draft',
    title: en(form.title),
    hazard: en(form.hazard),
    ...optional('summary', form.summary.trim() && en(form.summary)),
    ...(form.brandName.trim()
      ? {
          brand: {
            name: form.brandName.trim(),
            colour: form.brandColour,
            ...optional('storeName', form.storeName.trim()),
            support: {
              ...optional('email', form.supportEmail.trim()),
              ...optional('phone', form.supportPhone.trim()),
            },
          },
        }
      : {}),
    announcedOn: form.announcedOn,
    regulator: { authority: form.regulator.trim(), ...optional('url', form.regulatorUrl.trim()) },
    units: Number(form.units || 0),
    claimWindow: { opensOn: form.opensOn || form.announcedOn, ...optional('closesOn', form.closesOn) },
    models: form.models
      .filter((model) => model.code.trim() !== '')
      .map((model) => ({
        code: model.code.trim().toUpperCase(),
        name: model.name.trim() || model.code.trim().toUpperCase(),
        ...(model.recalledAsWhole ? { recalledAsWhole: true } : {}),
      })),
    serialRules: {
      description: en(
        `${length} letters and digits${form.serialsSkipOAndI ? '. Serials never contain the letters O or I' : ''}.`,
      ),
      neverContains: form.serialsSkipOAndI ? ['O', 'I'] : [],
      lookAlikes: form.serialsSkipOAndI ? { O: '0', I: '1' } : {},
      ...(Number.isInteger(length) && length > 0 ? { pattern: `^[${alphabet}]{${length}}$` } : {}),
      ...optional('example', form.serialExample.trim()),
      ...optional('whereToFind', form.whereToFind.trim() && en(form.whereToFind)),
    },
    jurisdictions: form.jurisdictions.map((j) => jurisdiction(j)),
    instructions: form.instructions
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map(en),
    evidence: {
      proofOfPurchaseAlternative: true,
      photos: [
        {
          kind: 'label',
          required: true,
          instructions: en('A sharp photo of the label showing the model and serial number.'),
        },
        ...(form.markedPhoto
          ? [
              {
                kind: 'marked',
                required: true,
                mustShow: ['name', 'date', 'word_recalled', 'claim_code'],
                instructions: en(
                  'The unit with your name, today’s date, the word RECALLED and your claim code written on it in permanent marker.',
                ),
              },
            ]
          : []),
        ...(form.receiptPhoto
          ? [
              {
                kind: 'receipt',
                required: false,
                instructions: en('Your receipt or order confirmation, if you have it.'),
              },
            ]
          : []),
      ],
    },
    triage: { autoApprove: form.autoApprove },
  };
}

function jurisdiction(j: CampaignForm['jurisdictions'][number]) {
  const currency = j.currency.trim().toUpperCase();
  const remedies: Record<string, unknown>[] = [];
  if (j.replacementSku.trim())
    remedies.push({
      kind: 'replacement',
      sku: j.replacementSku.trim(),
      label: en(`A free replacement (${j.replacementSku.trim()})`),
    });
  if (j.giftCardAmount.trim()) {
    const amountMinor = Math.round(Number(j.giftCardAmount) * 10 ** minorDigits(currency));
    remedies.push({
      kind: 'gift_card',
      value: { amountMinor, currency },
      label: en(`A ${formatMoney(amountMinor, currency, 'en')} gift card`),
    });
  }
  if (j.refund) remedies.push({ kind: 'refund', label: en('A full refund') });
  return {
    country: j.country.trim().toUpperCase(),
    remedies,
    returnRequired: j.returnRequired,
    disposal: {
      method: j.returnRequired ? 'return_to_manufacturer' : 'hazardous_waste_drop_off',
      ...optional('dropOffFinderUrl', j.dropOffFinderUrl.trim()),
    },
  };
}
