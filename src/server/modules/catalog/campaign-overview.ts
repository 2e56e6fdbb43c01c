import type { Kysely } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import type { CampaignRow, SerialImport } from '../../../shared/contracts/console/campaigns.ts';
import type { Database } from '../../db/schema.ts';

/** Every campaign (drafts too) with its claim counts by status and the size of its lists: the console's list. */
export async function campaignOverview(db: Kysely<Database>): Promise<CampaignRow[]> {
  const [campaigns, claims, serials] = await Promise.all([
    db
      .selectFrom('campaign')
      .select(['id', 'slug', 'status', 'definition', 'announced_on', 'updated_at'])
      .orderBy('announced_on')
      .orderBy('slug')
      .execute(),
    db
      .selectFrom('claim')
      .select(['campaign_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(['campaign_id', 'status'])
      .execute(),
    db
      .selectFrom('serial_import')
      .select(['campaign_id', (eb) => eb.fn.sum<string>('rows_added').as('n')])
      .groupBy('campaign_id')
      .execute(),
  ]);
  return campaigns.map((campaign) => {
    const definition = campaign.definition as CampaignDefinition;
    return {
      slug: campaign.slug,
      status: campaign.status,
      title: definition.title.en,
      announcedOn: String(campaign.announced_on),
      models: definition.models.map((model) => model.code),
      serials: Number(serials.find((s) => s.campaign_id === campaign.id)?.n ?? 0),
      claims: Object.fromEntries(
        claims.filter((row) => row.campaign_id === campaign.id).map((row) => [row.status, Number(row.n)]),
      ),
      updatedAt: campaign.updated_at.toISOString(),
    };
  });
}

/** The newest imports of a campaign's eligibility list, with their counts. */
export async function serialImports(
  db: Kysely<Database>,
  campaignId: string,
  limit = 100,
): Promise<SerialImport[]> {
  const rows = await db
    .selectFrom('serial_import')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('finished_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    actor: row.actor,
    rowsTotal: row.rows_total,
    rowsAdded: row.rows_added,
    rowsUnchanged: row.rows_unchanged,
    rowsRejected: row.rows_rejected,
    rejectedSample: row.rejected_sample,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
  }));
}
