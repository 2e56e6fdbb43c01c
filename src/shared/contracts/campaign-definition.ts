import { z } from 'zod';
import { pickJurisdiction } from '../claim-rules.ts';
import { LANGUAGES, type LocalizedText } from '../languages.ts';

/**
 * The shape of a campaign file in `campaigns/` (YAML or JSON) and of `campaign.definition`.
 * `recallkit campaign apply` validates a file against this before anything is written.
 */
const LocalizedTextSchema = z
  .object({ en: z.string().min(1) })
  .extend(
    Object.fromEntries(LANGUAGES.filter((l) => l !== 'en').map((l) => [l, z.string().min(1).optional()])),
  )
  .strict() as unknown as z.ZodType<LocalizedText>;

/** The 27 member states, for the GPSR's remedy rules. */
const EU_COUNTRIES = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '),
);

const CountryCode = z
  .string()
  .regex(/^([A-Z]{2}|\*)$/, 'an ISO 3166-1 alpha-2 code in capitals, or * for everywhere else');
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');

export const RemedyKind = z.enum(['replacement', 'gift_card', 'refund', 'voucher', 'repair']);
export type RemedyKind = z.infer<typeof RemedyKind>;

const MoneySchema = z.object({
  amountMinor: z.number().int().nonnegative(),
  currency: Currency,
});

/**
 * Where a gift card or voucher code comes from: a pool imported from the store platform
 * (`recallkit giftcards import`), generated here (random, with a check character), or an HTTP
 * provider that issues it (the remedy's idempotency key travels as `Idempotency-Key`).
 */
const CodeProviderSchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('code_pool'), lowPoolThreshold: z.number().int().nonnegative().default(100) })
    .strict(),
  z
    .object({
      type: z.literal('generated'),
      prefix: z
        .string()
        .regex(/^[A-Z0-9]{0,6}$/)
        .default(''),
    })
    .strict(),
  z.object({ type: z.literal('http'), url: z.string().url() }).strict(),
]);
export type CodeProvider = z.infer<typeof CodeProviderSchema>;

const RemedyOptionSchema = z
  .object({
    kind: RemedyKind,
    label: LocalizedTextSchema,
    /** Replacement product (SKU / model code). */
    sku: z.string().min(1).optional(),
    /** Fixed value (gift card, voucher); for a refund, the default price when the owner states none. */
    value: MoneySchema.optional(),
    /** Paid on top of a refund (same currency). */
    compensation: MoneySchema.optional(),
    /** Gift cards and vouchers: where the code comes from (default: generated). */
    provider: CodeProviderSchema.optional(),
  })
  .strict();

const JurisdictionSchema = z
  .object({
    country: CountryCode,
    regulator: z.string().min(1).optional(),
    remedies: z.array(RemedyOptionSchema).min(1),
    /** The unit must be sent back (e.g. in a protective bag mailed to the owner) before the remedy. */
    returnRequired: z.boolean().default(false),
    disposal: z
      .object({
        method: z.enum(['hazardous_waste_drop_off', 'return_to_manufacturer']),
        dropOffFinderUrl: z.string().url().optional(),
        confirmBeforeRemedy: z.boolean().default(false),
      })
      .strict(),
  })
  .strict();

const ModelSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'upper-case letters, digits and dashes'),
    name: z.string().min(1),
    /** Units distributed, per jurisdiction (country code or *). */
    units: z.record(CountryCode, z.number().int().nonnegative()).default({}),
    /** Every unit of the model is recalled: lookup by model answers without a serial list. */
    recalledAsWhole: z.boolean().default(false),
  })
  .strict();

const SerialRulesSchema = z
  .object({
    description: LocalizedTextSchema.optional(),
    /** Letters the campaign's serials never contain, e.g. O and I. */
    neverContains: z.array(z.string().regex(/^[A-Z0-9]$/)).default([]),
    /** What each never-used character was meant to be, e.g. O -> 0, I -> 1. */
    lookAlikes: z.record(z.string().regex(/^[A-Z0-9]$/), z.string().regex(/^[A-Z0-9]$/)).default({}),
    /** Regular expression the canonical serial matches, checked on import. */
    pattern: z
      .string()
      .refine((value) => {
        try {
          new RegExp(value);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    /** A made-up example shown to owners. */
    example: z.string().optional(),
    whereToFind: LocalizedTextSchema.optional(),
  })
  .strict()
  .superRefine((rules, ctx) => {
    for (const char of Object.keys(rules.lookAlikes)) {
      if (!rules.neverContains.includes(char)) {
        ctx.addIssue({
          code: 'custom',
          path: ['lookAlikes', char],
          message: `only characters listed in neverContains can be mapped (${char} is not)`,
        });
      }
    }
  });

const EvidenceSchema = z
  .object({
    photos: z
      .array(
        z
          .object({
            kind: z.enum(['label', 'marked', 'receipt', 'disposal']),
            required: z.boolean(),
            instructions: LocalizedTextSchema,
            /** What must be legible in a marked photo. */
            mustShow: z.array(z.enum(['name', 'date', 'word_recalled', 'claim_code'])).optional(),
          })
          .strict(),
      )
      .default([]),
    /** Owners who no longer have the unit may claim with proof of purchase instead. */
    proofOfPurchaseAlternative: z.boolean().default(true),
  })
  .strict();

const DEFAULT_REJECT_REASONS = [
  {
    code: 'not_affected',
    label: {
      en: 'The unit in the photos is not one of the recalled units.',
      es: 'La unidad de las fotos no es una de las unidades retiradas.',
      'zh-CN': '照片中的产品不在本次召回范围内。',
    },
  },
  {
    code: 'unit_not_marked',
    label: {
      en: 'The photos do not show the unit marked as asked: your name, the date, RECALLED and the claim code.',
      es: 'Las fotos no muestran la unidad marcada como se pidió: su nombre, la fecha, RECALLED y el código de reclamación.',
      'zh-CN': '照片未按要求显示产品上的标记：您的姓名、日期、RECALLED 和申请编号。',
    },
  },
  {
    code: 'evidence_not_genuine',
    label: {
      en: 'The photos were used in another claim or were altered.',
      es: 'Las fotos se usaron en otra reclamación o fueron alteradas.',
      'zh-CN': '这些照片已用于其他申请或经过修改。',
    },
  },
  {
    code: 'duplicate_claim',
    label: {
      en: 'This unit has been claimed already.',
      es: 'Esta unidad ya fue reclamada.',
      'zh-CN': '该产品已被申请过。',
    },
  },
  {
    code: 'outside_claim_window',
    label: {
      en: 'The claim arrived after the end of the claim period.',
      es: 'La reclamación llegó después del final del plazo.',
      'zh-CN': '申请提交时已超过申请期限。',
    },
  },
];

/** How the machine's checks turn into the next step for a claim. */
export const TriagePolicySchema = z
  .object({
    /** Approve without a person when every required check passes. Never reject without one. */
    autoApprove: z.boolean().default(false),
    /** Share (0-1) of automatic approvals still picked for a person's quality check. */
    qualitySampleRate: z.number().min(0).max(1).default(0.05),
    /** The date on the marked photo must fall in this window around submission. */
    dateWindow: z
      .object({
        daysBefore: z.number().int().min(0).default(14),
        daysAfter: z.number().int().min(0).default(1),
      })
      .strict()
      .default({ daysBefore: 14, daysAfter: 1 }),
    /**
     * Approvals that wait for a supervisor's confirmation (four eyes) before they take effect:
     * besides the quality sample of automatic approvals, claims whose risk score is above
     * `riskScoreAbove`, and refunds above `refundAboveMinor` (minor units of the country's
     * currency; a refund whose amount is not known yet counts as above).
     */
    secondReview: z
      .object({
        riskScoreAbove: z.number().int().min(0).max(100).default(60),
        refundAboveMinor: z.number().int().nonnegative().optional(),
      })
      .strict()
      .default({ riskScoreAbove: 60 }),
  })
  .strict();
export type TriagePolicy = z.infer<typeof TriagePolicySchema>;

/**
 * Whose recall this is, as owners see it on the recall pages, the claim flow and every e-mail:
 * the brand's name and text logo, its colour (an accent: borders and stripes, never text), the
 * store its gift cards are spent in, and how to reach its support.
 */
const BrandSchema = z
  .object({
    name: z.string().min(1).max(80),
    /** Shown as the logo, in the brand's colour band (no image needed). Defaults to the name. */
    logoText: z.string().min(1).max(40).optional(),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #00a7e1')
      .default('#b42318'),
    /** Where gift cards and vouchers are spent, e.g. Anker.com. */
    storeName: z.string().min(1).max(80).optional(),
    support: z
      .object({
        email: z.email().optional(),
        phone: z.string().min(3).max(40).optional(),
        url: z.string().url().optional(),
        hours: LocalizedTextSchema.optional(),
      })
      .strict()
      .refine((support) => support.email || support.phone || support.url, 'an e-mail, a phone or a URL'),
  })
  .strict();
export type Brand = z.infer<typeof BrandSchema>;

export const CampaignDefinitionSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by dashes')
      .max(80),
    status: z.enum(['draft', 'active', 'closed']),
    title: LocalizedTextSchema,
    hazard: LocalizedTextSchema,
    brand: BrandSchema.optional(),
    /** What owners should do once claims are closed (shown instead of the claim steps). */
    closedInstructions: LocalizedTextSchema.optional(),
    summary: LocalizedTextSchema.optional(),
    announcedOn: z.iso.date(),
    regulator: z
      .object({
        authority: z.string().min(1),
        reference: z.string().optional(),
        url: z.string().url().optional(),
      })
      .strict(),
    /** Units affected in total, as announced. */
    units: z.number().int().nonnegative(),
    incidents: z.string().optional(),
    soldAt: z.string().optional(),
    claimWindow: z.object({ opensOn: z.iso.date(), closesOn: z.iso.date().optional() }).strict().optional(),
    models: z.array(ModelSchema).min(1),
    serialRules: SerialRulesSchema.default({ neverContains: [], lookAlikes: {} }),
    jurisdictions: z.array(JurisdictionSchema).min(1),
    /** What every owner should do now, in order. */
    instructions: z.array(LocalizedTextSchema).min(1),
    evidence: EvidenceSchema,
    triage: TriagePolicySchema.default({
      autoApprove: false,
      qualitySampleRate: 0.05,
      dateWindow: { daysBefore: 14, daysAfter: 1 },
      secondReview: { riskScoreAbove: 60 },
    }),
    /** Reasons a reviewer may reject a claim for; the owner reads the label in their language. */
    rejectReasons: z
      .array(
        z
          .object({
            code: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'lower_snake_case'),
            label: LocalizedTextSchema,
          })
          .strict(),
      )
      .min(1)
      .default(DEFAULT_REJECT_REASONS),
    /** A CSV (serial,model[,market,lot]) next to the file, imported as the demo eligibility list. */
    demoSerials: z.string().optional(),
    /** A CSV of gift card codes next to the file (header `code`), loaded as the demo pool. */
    demoGiftCards: z.string().optional(),
  })
  .strict()
  .superRefine((campaign, ctx) => {
    const codes = campaign.models.map((model) => model.code);
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'code'],
          message: `model ${code} is listed twice`,
        });
    });
    // GPSR (EU 2023/988) Art. 37: owners in the EU choose between at least two remedies, one of
    // them a refund. `*` stands for any country without its own entry, so it is held to it too.
    campaign.jurisdictions.forEach((jurisdiction, i) => {
      if (!EU_COUNTRIES.has(jurisdiction.country) && jurisdiction.country !== '*') return;
      const kinds = new Set(jurisdiction.remedies.map((remedy) => remedy.kind));
      const where = jurisdiction.country === '*' ? '* (which covers EU countries)' : jurisdiction.country;
      if (kinds.size < 2)
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions', i, 'remedies'],
          message: `${where}: the EU's GPSR (Art. 37) requires at least two remedies to choose from`,
        });
      if (!kinds.has('refund'))
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions', i, 'remedies'],
          message: `${where}: the EU's GPSR (Art. 37) requires a refund among the remedies`,
        });
    });
    const countries = campaign.jurisdictions.map((j) => j.country);
    countries.forEach((country, i) => {
      if (countries.indexOf(country) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['jurisdictions', i, 'country'],
          message: `${country} is listed twice`,
        });
      }
    });
  });

export type CampaignDefinition = z.infer<typeof CampaignDefinitionSchema>;
export type Jurisdiction = CampaignDefinition['jurisdictions'][number];

export class InvalidCampaignError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source} is not a valid campaign definition:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export function parseCampaignDefinition(input: unknown, source = 'The campaign'): CampaignDefinition {
  const parsed = CampaignDefinitionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidCampaignError(
    source,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`),
  );
}

/** The jurisdiction whose rules apply in `country`, falling back to the `*` entry. */
export function jurisdictionFor(campaign: CampaignDefinition, country: string | null | undefined) {
  return pickJurisdiction(campaign.jurisdictions, country);
}
