import { z } from 'zod';

export const CAMPAIGN_STATUSES = ['draft', 'active', 'closed'] as const;

export const CampaignRowSchema = z.object({
  slug: z.string(),
  status: z.string(),
  title: z.string(),
  announcedOn: z.string(),
  models: z.array(z.string()),
  serials: z.number(),
  claims: z.record(z.string(), z.number()),
  updatedAt: z.string(),
});
export type CampaignRow = z.infer<typeof CampaignRowSchema>;
export const CampaignListSchema = z.object({ campaigns: z.array(CampaignRowSchema) });
export type CampaignList = z.infer<typeof CampaignListSchema>;

export const SerialImportSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  actor: z.string(),
  rowsTotal: z.number(),
  rowsAdded: z.number(),
  rowsUnchanged: z.number(),
  rowsRejected: z.number(),
  rejectedSample: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type SerialImport = z.infer<typeof SerialImportSchema>;

/** A campaign file's content (campaigns/*.yaml), checked by the server's campaign schema. */
const DefinitionSchema = z.record(z.string(), z.unknown());

export const CampaignDetailSchema = z.object({
  definition: DefinitionSchema,
  imports: z.array(SerialImportSchema),
});
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;

export const CampaignDefinitionBodySchema = z.object({ definition: DefinitionSchema });
export const CampaignCreatedSchema = z.object({ slug: z.string(), status: z.string() });
export const CampaignUpdatedSchema = z.object({ slug: z.string(), outcome: z.string() });
export type CampaignUpdated = z.infer<typeof CampaignUpdatedSchema>;
export const CampaignStatusBodySchema = z.object({ status: z.enum(CAMPAIGN_STATUSES) });
export const CampaignStatusSchema = z.object({ slug: z.string(), status: z.string() });
