import { type QueryCreator, sql } from 'kysely';
import { localize, pickLanguage } from '../../../shared/languages.ts';
import type { Tx } from '../../db/database.ts';
import type { ClaimStatus, Database } from '../../db/schema.ts';
import { AppError, type Outcome } from '../../errors.ts';
import { jobRow } from '../../jobs/queue.ts';
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.ts';
import { mailRows } from '../notify/outbox.ts';
import { mailBrand } from '../notify/templates.ts';
import { withEvent } from '../webhooks/webhooks.ts';
import { authorizeClaim, type ClaimRow, newAccessToken, statusUrl } from './claim-access.ts';
import { assertTransition, claimEventRow } from './claim-lifecycle.ts';
import type { ClaimsDeps } from './claims-deps.ts';
import { withIdempotency } from './idempotency.ts';
import { requiredEvidence } from './required-evidence.ts';
import { findUnitHolder, refuseDuplicateUnit } from './send-claim-link.ts';

const UNIQUE_VIOLATION = '23505';

export interface SubmittedClaim {
  id: string;
  code: string;
  status: ClaimStatus;
}

/**
 * Deletes a draft's expiry job. The state is a literal so that a generic plan can use the
 * partial index job_singleton (docs/decisions/0004-named-prepared-statements.md).
 */
export function cancelDraftExpiry(db: QueryCreator<Database>, claimId: string) {
  return db
    .deleteFrom('job')
    .where('queue', '=', 'claim.expire_draft')
    .where('singleton_key', '=', claimId)
    .where('state', '=', sql.lit('queued'))
    .returning('id');
}

/**
 * Submits a draft (or a claim the owner completed after a request for information). In one
 * transaction, in few round trips: the status, the timeline, the "claim received" e-mail and
 * the verification job. The database's unique index decides a race between two claims for one
 * unit: the loser's transaction rolls back whole, and a second one answers 409 (and mails the
 * holder a link), so a submission that wins pays for no savepoint.
 */
export async function submitClaim(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
  body: { disposalAttested?: boolean | undefined } | undefined,
  idempotencyKey: string | undefined,
): Promise<Outcome<SubmittedClaim>> {
  const snapshot = deps.catalog.current();
  const scope = `claim.submit:${claimId}`;
  const once = (work: (tx: Tx, claim: ClaimRow) => Promise<Outcome<SubmittedClaim>>) =>
    deps.db.transaction(async (tx) => {
      const claim = await authorizeClaim(tx.kysely, claimId, authorization, true);
      return withIdempotency(tx, scope, idempotencyKey, body ?? {}, () => work(tx, claim));
    });
  for (let attempt = 1; ; attempt++) {
    try {
      const submitted = await once((tx, claim) => submitDraft(deps, tx, snapshot, claim, body));
      deps.jobsQueued?.();
      return submitted;
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code !== UNIQUE_VIOLATION || constraint !== 'claim_one_per_unit') throw error;
    }
    // Another claim holds the unit: its owner gets a link, this one a 409 (kept for a retry
    // with the same key). A holder withdrawn or rejected meanwhile freed the unit: try again.
    const refused = await once(async (tx, claim) => {
      const holder =
        claim.serial === null ? undefined : await findUnitHolder(tx.kysely, claim.campaign_id, claim.serial);
      if (!holder) throw new UnitFreed();
      return refuseDuplicateUnit(tx.kysely, holder, snapshot, deps.config.publicUrl);
    }).catch((error) => {
      if (!(error instanceof UnitFreed)) throw error;
      if (attempt === 3) throw new AppError('claim_duplicate_unit'); // a unit changing hands, again and again
      return undefined;
    });
    if (refused) {
      deps.jobsQueued?.();
      return refused;
    }
  }
}

class UnitFreed extends Error {}

async function submitDraft(
  deps: ClaimsDeps,
  tx: Tx,
  snapshot: CatalogSnapshot,
  claim: ClaimRow,
  body: { disposalAttested?: boolean | undefined } | undefined,
): Promise<Outcome<SubmittedClaim>> {
  const claimId = claim.id;
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
  assertTransition(claim.status, next);
  // The status (which the unit's unique index may refuse), the timeline line, the end of the
  // draft's expiry, the verification job and, for a first submission, the "claim received"
  // e-mail with a link of its own and the partners' webhooks, in one statement.
  const effects = tx.kysely
    .with('claim_row', (db) =>
      db
        .updateTable('claim')
        .set({
          status: next,
          updated_at: new Date(),
          submitted_at: claim.submitted_at ?? new Date(),
          expires_at: null,
          ...(body?.disposalAttested ? { disposal_attested_at: new Date() } : {}),
        })
        .where('id', '=', claimId)
        .returning('id'),
    )
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
    .with('expiry_job', (db) => cancelDraftExpiry(db, claimId));
  const verifyJob = jobRow('claim.verify', { claimId });
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
        brand: mailBrand(campaign.definition),
      },
    });
    const announced = withEvent(effects, 'claim.submitted', {
      claimId,
      code: claim.code,
      campaign: campaign.slug,
      model: claim.model_code,
      remedy: claim.remedy,
      country: claim.claimant.country,
    });
    await announced
      .with('token_row', (db) => db.insertInto('claim_token').values(tokenRow).returning('claim_id'))
      .with('message_row', (db) => db.insertInto('outbox_message').values(mail.message).returning('id'))
      .insertInto('job')
      .values([mail.job, verifyJob])
      .execute();
  } else {
    await effects.insertInto('job').values(verifyJob).execute();
  }
  return { ok: true, value: { id: claimId, code: claim.code, status: next } };
}
