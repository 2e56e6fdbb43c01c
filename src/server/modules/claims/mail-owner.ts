import type { Kysely } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import type { Database } from '../../db/schema.ts';
import { queueMail } from '../notify/outbox.ts';
import { type MailTemplate, mailBrand } from '../notify/templates.ts';
import { type ClaimRow, issueAccessToken, statusUrl } from './claim-access.ts';

/** E-mails the owner about their claim, in their language, with a fresh link to its status page. */
export async function mailOwner(
  db: Kysely<Database>,
  claim: Pick<ClaimRow, 'id' | 'code' | 'claimant'>,
  campaign: Pick<CampaignDefinition, 'title' | 'brand'>,
  publicUrl: string,
  template: MailTemplate,
  message?: string,
): Promise<void> {
  const language = pickLanguage(claim.claimant.language);
  const token = await issueAccessToken(db, claim.id);
  await queueMail(db, {
    claimId: claim.id,
    to: claim.claimant.email,
    language,
    template,
    params: {
      name: claim.claimant.name,
      code: claim.code,
      statusUrl: statusUrl(publicUrl, claim.id, token),
      recall: localize(campaign.title, language),
      brand: mailBrand(campaign),
      ...(message ? { message } : {}),
    },
  });
}
