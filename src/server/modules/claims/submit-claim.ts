import { HOLDING_STATUSES } from '../../../shared/claim-rules.ts';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import { AppError } from '../../http/errors.ts';
import { jobRow } from '../../jobs/queue.ts';
import { mailRows } from '../notify/outbox.ts';
import { emitEvent } from '../webhooks/webhooks.ts';
import { authorizeClaim, newAccessToken } from './claim-access.ts';
import { claimEventRow } from './claim-events.ts';
import { type ClaimsDeps, statusUrl } from './claims-deps.ts';
import { EXPIRE_DRAFT_QUEUE } from './create-claim.ts';
import { type StoredResponse, withIdempotency } from './idempotency.ts';
import { requiredEvidence } from './required-evidence.ts';
import { sendClaimLink } from './send-claim-link.ts';

export const VERIFY_CLAIM_QUEUE = 'claim.verify';
const UNIQUE_VIOLATION = '23505';

/**
 * Submits a draft (or a claim the owner completed after a request for information). In one
 * transaction, in few round trips: the status, the timeline, the "claim received" e-mail and
 * the verification job. The database's unique index decides a race between two claims for one
 * unit.
 */
export async function submitClaim(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
  body: { disposalAttested?: boolean | undefined } | undefined,
  idempotencyKey: string | undefined,
): Promise<StoredResponse> {
  const snapshot = deps.catalog.current();
  const result = await deps.db.transaction(async (tx) => {
    const claim = await authorizeClaim(tx.kysely, claimId, authorization, true);
    return withIdempotency(tx, `claim.submit:${claimId}`, idempotencyKey, body ?? {}, async () => {
      if (claim.status !== 'draft' && claim.status !== 'needs_info') throw new AppError('claim_not_editable');
      const campaign = snapshot.campaignById(claim.campaign_id);
      if (!campaign) throw new AppError('claims_closed');
      const photos = await tx.kysely
        .selectFrom('evidence')
        .select(['kind', 'state'])
        .where('claim_id', '=', claimId)
        .where('replaced_at', 'is', null)
        .execute();
      const present = new Set(photos.map((row) => row.kind));
      const missing = requiredEvidence(campaign.definition, claim).filter((kind) => !present.has(kind));
      if (missing.length > 0) {
        if (!claim.has_unit) throw new AppError('proof_of_purchase_required');
        throw new AppError('evidence_missing', { missing: missing.join(', ') });
      }
      const unreadable = photos.filter((row) => row.state === 'unreadable').map((row) => row.kind);
      if (unreadable.length > 0) throw new AppError('evidence_unreadable', { kinds: unreadable.join(', ') });

      const next = claim.status === 'draft' ? 'submitted' : 'verifying';
      await tx.query('SAVEPOINT submit');
      try {
        await tx.kysely
          .updateTable('claim')
          .set({
            status: next,
            updated_at: new Date(),
            submitted_at: claim.submitted_at ?? new Date(),
            expires_at: null,
            ...(body?.disposalAttested ? { disposal_attested_at: new Date() } : {}),
          })
          .where('id', '=', claimId)
          .execute();
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT submit');
        const holder = await tx.kysely
          .selectFrom('claim')
          .selectAll()
          .where('campaign_id', '=', claim.campaign_id)
          .where('serial', '=', claim.serial)
          .where('status', 'in', [...HOLDING_STATUSES])
          .executeTakeFirstOrThrow();
        await sendClaimLink(tx.kysely, holder, snapshot, deps.config.publicUrl, 'duplicate_attempt');
        return { statusCode: 409, body: { error: { code: 'claim_duplicate_unit' } } };
      }
      // The timeline line, the end of the draft's expiry, the verification job and, for a first
      // submission, the "claim received" e-mail with a link of its own, in one statement.
      const effects = tx.kysely
        .with('event_row', (db) =>
          db
            .insertInto('claim_event')
            .values(
              claimEventRow({
                claimId,
                actor: 'owner',
                type: claim.status === 'draft' ? 'submitted' : 'resubmitted',
                from: claim.status,
                to: next,
                detail: body?.disposalAttested ? { disposalAttested: true } : {},
              }),
            )
            .returning('id'),
        )
        // A submitted claim no longer expires.
        .with('expiry_job', (db) =>
          db
            .deleteFrom('job')
            .where('queue', '=', EXPIRE_DRAFT_QUEUE)
            .where('singleton_key', '=', claimId)
            .where('state', '=', 'queued')
            .returning('id'),
        );
      const verifyJob = jobRow(VERIFY_CLAIM_QUEUE, { claimId });
      if (claim.status === 'draft') {
        // The mailed link carries a secret of its own; the browser's stays valid alongside it.
        const { token, row: tokenRow } = newAccessToken(claimId);
        const language = pickLanguage(claim.claimant.language);
        const mail = mailRows({
          claimId,
          to: claim.claimant.email,
          language,
          template: 'claim_received',
          params: {
            name: claim.claimant.name,
            code: claim.code,
            statusUrl: statusUrl(deps.config.publicUrl, claimId, token),
            recall: localize(campaign.definition.title, language),
          },
        });
        await effects
          .with('token_row', (db) => db.insertInto('claim_token').values(tokenRow).returning('claim_id'))
          .with('message_row', (db) => db.insertInto('outbox_message').values(mail.message).returning('id'))
          .insertInto('job')
          .values([mail.job, verifyJob])
          .execute();
        await emitEvent(tx.kysely, 'claim.submitted', {
          claimId,
          code: claim.code,
          campaign: campaign.slug,
          model: claim.model_code,
          remedy: claim.remedy,
          country: claim.claimant.country,
        });
      } else {
        await effects.insertInto('job').values(verifyJob).execute();
      }
      return { statusCode: 200, body: { id: claimId, code: claim.code, status: next } };
    });
  });
  deps.jobsQueued?.();
  return result;
}
