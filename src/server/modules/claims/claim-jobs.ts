import type { BlobStore } from '../../blobs/blob-store.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { machineDecisionsTotal, verificationSeconds } from '../../metrics.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import { blobKeysOf, deleteUnreferencedBlobs } from '../evidence/evidence-blobs.ts';
import { type VerifyContext, verifyClaim } from './verify-claim.ts';

/**
 * The claim jobs.
 *
 * `claim.verify` runs the evidence checks on a submitted claim once its photos are read, and
 * moves it on by the campaign's triage policy (see verifyClaim). A claim is never rejected by
 * the machine.
 *
 * `claim.expire_draft` deletes a draft nobody submitted in time, with its photos (a photo that
 * another claim also uses stays).
 */
export function claimJobHandlers(blobs: BlobStore, context: Omit<VerifyContext, 'campaign'>): JobHandlers {
  return {
    'claim.verify': async (job, { db }) => {
      const claimId = job.payload.claimId;
      const verified = await db.transaction(async (tx) => {
        const claim = await tx.kysely
          .selectFrom('claim')
          .select(['campaign_id', 'submitted_at'])
          .where('id', '=', claimId)
          .executeTakeFirst();
        if (!claim) return undefined;
        const outcome = await verifyClaim(tx, claimId, {
          campaign: await campaignDefinitionById(tx.kysely, claim.campaign_id),
          ...context,
        });
        return outcome && { verdict: outcome.verdict, submittedAt: claim.submitted_at };
      });
      // Counted once committed: a verification rolled back and run again is one verdict.
      if (verified) {
        machineDecisionsTotal.inc({ verdict: verified.verdict });
        if (verified.submittedAt)
          verificationSeconds.observe((Date.now() - verified.submittedAt.getTime()) / 1000);
      }
    },
    'claim.expire_draft': async (job, { db, logger }) => {
      const claimId = job.payload.claimId;
      const keys = await db.transaction(async (tx) => {
        const claim = await tx.kysely
          .selectFrom('claim')
          .select(['status', 'expires_at'])
          .where('id', '=', claimId)
          .forUpdate()
          .executeTakeFirst();
        if (claim?.status !== 'draft' || !claim.expires_at || claim.expires_at > new Date()) return [];
        const photos = await tx.kysely
          .selectFrom('evidence')
          .select(['original_key', 'display_key'])
          .where('claim_id', '=', claimId)
          .execute();
        await tx.kysely.deleteFrom('claim').where('id', '=', claimId).execute();
        return blobKeysOf(photos);
      });
      if (keys.length > 0) {
        await deleteUnreferencedBlobs(db, blobs, keys);
        logger.info({ claim: claimId, blobs: keys.length }, 'expired draft deleted');
      }
    },
  };
}
