import { sql } from 'kysely';
import { localize } from '../../../shared/languages.ts';
import type { Db, Tx } from '../../db/database.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import { presentEvidence } from '../claims/claim-status.ts';
import { fraudSignals } from '../claims/verify-claim.ts';
import type { StoredAnalysis } from '../evidence/photo-feedback.ts';
import { type AuditActor, recordAudit } from '../staff/audit.ts';
import type { StaffRow } from '../staff/staff-accounts.ts';
import {
  allowedActions,
  claimVersion,
  INFO_REASONS,
  inQueue,
  lockClaim,
  pendingDecision,
  REVIEW_LEASE_MS,
} from './review-claim.ts';

/**
 * Everything a reviewer needs to decide one claim, side by side: the claim and claimant, each
 * photo with what the machine read in it (text boxes, quality), every check, fraud signals, the
 * claimant's other claims, photos it duplicates, the timeline and the decisions. Opening a
 * claim in the queue marks it as the viewer's for REVIEW_LEASE_MS, unless someone else has it
 * open or the viewer has no action on it; the view is recorded in the audit trail.
 */
export async function claimForReview(database: Db, staff: StaffRow, actor: AuditActor, claimId: string) {
  const now = new Date();
  const { claim, heldByOther } = await database.transaction(async (tx) => {
    const locked = await lockClaim(tx.kysely, claimId);
    const heldByOther =
      locked.review_by !== null && locked.review_by !== staff.id && (locked.review_until ?? now) > now;
    await recordAudit(tx.kysely, actor, 'claim.viewed', { type: 'claim', id: claimId });
    // Only someone who can act on the claim takes it: a reviewer looking at the second review of
    // their own approval must not keep the supervisor out (issue 23).
    const pendingNow =
      locked.status === 'second_review' ? await pendingDecision(tx.kysely, claimId) : undefined;
    const canAct = allowedActions(locked, staff, pendingNow).length > 0;
    if (!inQueue(locked.status) || heldByOther || !canAct) return { claim: locked, heldByOther };
    const leased = await tx.kysely
      .updateTable('claim')
      .set({ review_by: staff.id, review_until: new Date(now.getTime() + REVIEW_LEASE_MS) })
      .where('id', '=', claimId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { claim: leased, heldByOther };
  });
  // Read after the commit, in parallel on the pool.
  const db = database.kysely;
  const campaign = await campaignDefinitionById(db, claim.campaign_id);
  const [evidence, checks, events, decisions, otherClaims, signals, pending, reviewer, version] =
    await Promise.all([
      db
        .selectFrom('evidence')
        .select([
          'id',
          'kind',
          'state',
          'problem',
          'format',
          'bytes',
          'width',
          'height',
          'exif',
          'analysis',
          'created_at',
          'replaced_at',
        ])
        .where('claim_id', '=', claimId)
        .orderBy('created_at')
        .execute(),
      db.selectFrom('check_result').selectAll().where('claim_id', '=', claimId).orderBy('check_id').execute(),
      db
        .selectFrom('claim_event as e')
        .leftJoin('staff_user as s', (join) => join.on(sql<boolean>`e.actor = 'staff:' || s.id`))
        .select([
          'e.id',
          'e.at',
          'e.actor',
          'e.type',
          'e.from_status',
          'e.to_status',
          'e.detail',
          's.name as staff_name',
        ])
        .where('e.claim_id', '=', claimId)
        .orderBy('e.id')
        .execute(),
      db.selectFrom('decision').selectAll().where('claim_id', '=', claimId).orderBy('id').execute(),
      db
        .selectFrom('claim')
        .select(['id', 'code', 'status', 'serial', 'model_code', 'created_at'])
        .where('email_key', '=', claim.email_key)
        .where('id', '!=', claimId)
        .where('status', '!=', 'draft')
        .orderBy('created_at', 'desc')
        .limit(20)
        .execute(),
      fraudSignals(db, claim),
      pendingDecision(db, claimId),
      claim.review_by
        ? db
            .selectFrom('staff_user')
            .select(['id', 'name'])
            .where('id', '=', claim.review_by)
            .executeTakeFirst()
        : undefined,
      claimVersion(db, claimId),
    ]);
  const unique = checks.find((check) => check.check_id === 'photo_unique');
  const matches =
    (unique?.detail.matches as
      | {
          evidence: string;
          otherClaim: string;
          otherEvidence: string | null;
          distance: number | null;
          reason: string;
        }[]
      | undefined) ?? [];
  const duplicateClaims = matches.length
    ? await db
        .selectFrom('claim')
        .select(['id', 'code', 'status'])
        .where('id', 'in', [...new Set(matches.map((m) => m.otherClaim))])
        .execute()
    : [];
  const leaseActive = claim.review_until !== null && claim.review_until > now;
  // Decisions name their staff as staff:<id>: the console shows people by name.
  const staffActors = [
    ...new Set(
      [...decisions.flatMap((d) => [d.actor, d.confirmed_by]), pending?.actor].filter(
        (actor): actor is string => typeof actor === 'string' && actor.startsWith('staff:'),
      ),
    ),
  ];
  const named = staffActors.length
    ? await db
        .selectFrom('staff_user')
        .select(['id', 'name', 'email'])
        .where(
          'id',
          'in',
          staffActors.map((actor) => actor.slice('staff:'.length)),
        )
        .execute()
    : [];
  const people = Object.fromEntries(
    named.map((person) => [`staff:${person.id}`, person.name || person.email]),
  );
  return {
    version,
    reviewer:
      reviewer && leaseActive
        ? {
            id: reviewer.id,
            name: reviewer.name,
            until: claim.review_until?.toISOString() ?? null,
            you: reviewer.id === staff.id,
          }
        : null,
    people,
    allowedActions: heldByOther ? [] : allowedActions(claim, staff, pending),
    pendingDecision: pending
      ? {
          action: pending.action,
          actor: pending.actor,
          at: pending.at.toISOString(),
          reasons: pending.reasons as string[],
          qualitySample: pending.quality_sample,
        }
      : null,
    rejectReasons: campaign.rejectReasons.map((reason) => ({ code: reason.code, label: reason.label.en })),
    infoReasons: [...INFO_REASONS],
    claim: {
      id: claim.id,
      code: claim.code,
      status: claim.status,
      campaign: { slug: campaign.slug, title: localize(campaign.title, 'en') },
      model: claim.model_code,
      serial: claim.serial,
      remedy: claim.remedy,
      hasUnit: claim.has_unit,
      claimant: claim.claimant,
      address: claim.address,
      orderNumber: claim.order_number,
      incidentDescription: claim.incident_description,
      riskScore: claim.risk_score,
      createdAt: claim.created_at.toISOString(),
      submittedAt: claim.submitted_at?.toISOString() ?? null,
      updatedAt: claim.updated_at.toISOString(),
      disposalAttestedAt: claim.disposal_attested_at?.toISOString() ?? null,
      disposalConfirmedAt: claim.disposal_confirmed_at?.toISOString() ?? null,
    },
    evidence: evidence.map((e) => {
      const ocr = (e.analysis as StoredAnalysis | null)?.ocr;
      return {
        ...presentEvidence(e),
        exif: e.exif,
        current: e.replaced_at === null,
        ocr: ocr ? { lines: ocr.lines, words: ocr.words, angle: ocr.angle } : null,
        quality: (e.analysis as StoredAnalysis | null)?.quality ?? null,
      };
    }),
    checks: checks.map((check) => ({
      id: check.check_id,
      outcome: check.outcome,
      score: check.score,
      detail: check.detail,
      evidenceId: check.evidence_id,
      checkedAt: check.checked_at.toISOString(),
    })),
    signals,
    otherClaims: otherClaims.map((other) => ({
      id: other.id,
      code: other.code,
      status: other.status,
      serial: other.serial,
      model: other.model_code,
      createdAt: other.created_at.toISOString(),
    })),
    duplicates: matches.map((match) => {
      const other = duplicateClaims.find((c) => c.id === match.otherClaim);
      return { ...match, otherCode: other?.code ?? null, otherStatus: other?.status ?? null };
    }),
    timeline: events.map((event) => ({
      id: String(event.id),
      at: event.at.toISOString(),
      actor: event.staff_name ?? event.actor,
      type: event.type,
      from: event.from_status,
      to: event.to_status,
      detail: event.detail,
    })),
    decisions: decisions.map((d) => ({
      id: String(d.id),
      at: d.at.toISOString(),
      actor: d.actor,
      action: d.action,
      reasonCode: d.reason_code,
      reasons: d.reasons as string[],
      message: d.message,
      state: d.state,
      qualitySample: d.quality_sample,
      confirmedBy: d.confirmed_by,
      confirmedAt: d.confirmed_at?.toISOString() ?? null,
    })),
  };
}

/** The display copy of a photo of any claim, for a reviewer; the view is audited. */
export async function photoForReview(tx: Tx, actor: AuditActor, claimId: string, evidenceId: string) {
  const row = await tx.kysely
    .selectFrom('evidence')
    .select('display_key')
    .where('id', '=', evidenceId)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  if (row)
    await recordAudit(
      tx.kysely,
      actor,
      'claim.photo_viewed',
      { type: 'evidence', id: evidenceId },
      { claim: claimId },
    );
  return row?.display_key ?? null;
}
