import { z } from 'zod';

/** Public catalog contracts: the server validates its answers against these, the web reads their types. */
export const MoneySchema = z.object({
  amountMinor: z.number().int().describe('Integer minor units (cents)'),
  currency: z.string().describe('ISO 4217 code'),
});

export const RemedySchema = z.object({
  kind: z.enum(['replacement', 'gift_card', 'refund', 'voucher', 'repair']),
  label: z.string(),
  sku: z.string().optional(),
  value: MoneySchema.optional(),
});

export const CampaignRefSchema = z.object({
  slug: z.string(),
  title: z.string(),
  hazard: z.string(),
  status: z.enum(['active', 'closed']),
  announcedOn: z.string(),
  url: z.string().describe('Path of the public recall page'),
});

export const LookupMatchSchema = z.object({
  campaign: CampaignRefSchema,
  model: z.object({ code: z.string(), name: z.string() }),
  matchedBy: z.enum(['serial', 'model']).describe('Listed by serial, or the whole model is recalled'),
  market: z.string().nullable().describe('Market the unit was sold in, when the list says'),
  country: z.string().describe('Jurisdiction whose remedies apply (ISO code, or * for everywhere else)'),
  remedies: z.array(RemedySchema),
  returnRequired: z.boolean(),
  disposal: z.object({
    method: z.enum(['hazardous_waste_drop_off', 'return_to_manufacturer']),
    dropOffFinderUrl: z.string().optional(),
  }),
  claimsOpen: z.boolean(),
  nextSteps: z.array(z.string()),
});

export const LookupSuggestionSchema = z.object({
  serial: z.string(),
  campaign: z.string(),
  model: z.string(),
});

export const LookupResultSchema = z.object({
  affected: z.boolean(),
  recognised: z
    .boolean()
    .describe(
      'False when the input cannot settle the question: not a complete serial of any recalled product (too short or too long, characters its serials never use, or a model number), or a model of which only some units are recalled. Then affected: false does NOT mean the unit is safe; ask for the whole serial.',
    ),
  normalizedSerial: z.string().nullable(),
  model: z.string().nullable(),
  matches: z.array(LookupMatchSchema),
  suggestions: z
    .array(LookupSuggestionSchema)
    .describe('Recalled serials one or two look-alike characters away'),
  modelNumber: z
    .object({
      code: z.string(),
      name: z.string(),
      campaign: z.string().describe('Slug of the recall that names this model'),
      recalledAsWhole: z.boolean(),
    })
    .nullable()
    .describe('The input is the number of a model a recall names (a model number typed for a serial)'),
  serialHelp: z
    .string()
    .nullable()
    .describe('Where the serial number is printed, when the input was not recognised'),
  message: z.string(),
});

export const LookupQuerySchema = z.object({
  serial: z.string().optional().describe('Serial number as printed; spaces, dashes and case do not matter'),
  model: z.string().optional().describe('Model number, e.g. A1263; answers whole-model recalls'),
  country: z.string().optional().describe('Two-letter country code, to pick the remedies offered there'),
  lang: z.string().optional().describe('Language of the texts (en, zh-CN, es); default from Accept-Language'),
});

export const BATCH_MAX = 1000;
export const BatchLookupBodySchema = z.object({
  serials: z.array(z.string().max(100)).describe(`Up to ${BATCH_MAX} serial numbers`),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as US')
    .optional(),
});

export const BatchLookupItemSchema = z.union([
  LookupResultSchema.extend({ serial: z.string() }),
  z.object({ serial: z.string(), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export const BatchLookupResultSchema = z.object({
  results: z.array(BatchLookupItemSchema),
  affectedCount: z.number().int(),
  unrecognisedCount: z
    .number()
    .int()
    .describe('Items answered recognised: false: not complete serials, so not known to be safe'),
});

export const CampaignSummarySchema = CampaignRefSchema.extend({
  summary: z.string().nullable(),
  serialLength: z
    .object({ min: z.number().int(), max: z.number().int() })
    .nullable()
    .describe('Shortest and longest serial the recall lists, without spaces (null when it lists none)'),
  models: z.array(z.object({ code: z.string(), name: z.string(), recalledAsWhole: z.boolean() })),
  units: z.number().int(),
});

export const BrandViewSchema = z.object({
  name: z.string(),
  logoText: z.string(),
  colour: z.string().describe('An accent colour (#rrggbb) for borders and stripes'),
  storeName: z.string().nullable(),
  support: z.object({
    email: z.string().nullable(),
    phone: z.string().nullable(),
    url: z.string().nullable(),
    hours: z.string().nullable(),
  }),
});
export type BrandView = z.infer<typeof BrandViewSchema>;

export const CampaignDetailSchema = CampaignSummarySchema.extend({
  brand: BrandViewSchema.nullable().describe('Whose recall this is, and how to reach its support'),
  closedInstructions: z.string().nullable().describe('What owners should do now that claims are closed'),
  regulator: z.object({
    authority: z.string(),
    reference: z.string().optional(),
    url: z.string().optional(),
  }),
  incidents: z.string().nullable(),
  soldAt: z.string().nullable(),
  claimsOpen: z.boolean(),
  instructions: z.array(z.string()),
  serialHelp: z.object({
    description: z.string().nullable(),
    whereToFind: z.string().nullable(),
    example: z.string().nullable(),
  }),
  jurisdictions: z.array(
    z.object({
      country: z.string(),
      regulator: z.string().nullable(),
      remedies: z.array(RemedySchema),
      returnRequired: z.boolean(),
      disposal: LookupMatchSchema.shape.disposal,
    }),
  ),
  evidence: z.object({
    proofOfPurchaseAlternative: z.boolean(),
    photos: z.array(
      z.object({
        kind: z.enum(['label', 'marked', 'receipt', 'disposal']),
        required: z.boolean(),
        instructions: z.string(),
        mustShow: z
          .array(z.enum(['name', 'date', 'word_recalled', 'claim_code']))
          .describe('What the owner writes on the unit for a marked photo (empty for other photos)'),
      }),
    ),
  }),
});

export type LookupResult = z.infer<typeof LookupResultSchema>;
export type LookupMatch = z.infer<typeof LookupMatchSchema>;
export type BatchLookupResult = z.infer<typeof BatchLookupResultSchema>;
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;
export type Remedy = z.infer<typeof RemedySchema>;
