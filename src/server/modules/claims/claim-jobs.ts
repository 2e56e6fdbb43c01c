import type { BlobStore } from '../../blobs/blob-store.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { deleteUnreferencedBlobs } from './claim-blobs.ts';
import { transitionClaim } from './claim-events.ts';
import { EXPIRE_DRAFT_QUEUE } from './create-claim.ts';
import { VERIFY_CLAIM_QUEUE } from './submit-claim.ts';

/**
 * The claim jobs.
 *
 * `claim.verify` moves a submitted claim on. No automated evidence check is configured yet, so
 * every claim goes to a person (`needs_review`), with the reason on its timeline; the evidence
 * checks will decide here instead. A claim is never rejected by the machine.
 *
 * `claim.expire_draft` deletes a draft nobody submitted in time, with its photos (a photo that
 * another claim also uses stays).
 */
export function claimJobHandlers(blobs: BlobStore): JobHandlers {
  return {
    [VERIFY_CLAIM_QUEUE]: async (job, { db }) => {
      const claimId = String(job.payload.claimId);
      await db.transaction(async (tx) => {
        const claim = await tx.kysely
          .selectFrom('claim')
          .select(['status', 'has_unit'])
          .where('id', '=', claimId)
          .forUpdate()
          .executeTakeFirst();
        if (!claim) return;
        const decoding = await tx.kysely
          .selectFrom('evidence')
          .select('id')
          .where('claim_id', '=', claimId)
          .where('replaced_at', 'is', null)
          .where('state', '=', 'processing')
          .executeTakeFirst();
        // A photo is still being decoded: its job queues this one again when it is done.
        if (decoding) return;
        if (claim.status === 'submitted')
          await transitionClaim(tx.kysely, claimId, 'submitted', 'verifying', 'system');
        if (claim.status === 'submitted' || claim.status === 'verifying') {
          const reason = claim.has_unit ? 'no_automated_checks' : 'no_unit_always_reviewed';
          await transitionClaim(tx.kysely, claimId, 'verifying', 'needs_review', 'system', { reason });
        }
      });
    },
    [EXPIRE_DRAFT_QUEUE]: async (job, { db, logger }) => {
      const claimId = String(job.payload.claimId);
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
        return photos.flatMap((photo) => [photo.original_key, photo.display_key ?? []].flat());
      });
      if (keys.length > 0) {
        await deleteUnreferencedBlobs(db.kysely, blobs, keys);
        logger.info({ claim: claimId, blobs: keys.length }, 'expired draft deleted');
      }
    },
  };
}
