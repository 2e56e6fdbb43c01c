import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { CampaignDefinition } from '../../../shared/contracts/campaign-definition.ts';
import { pickLanguage } from '../../../shared/languages.ts';
import type { Tx } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import {
  type CheckResult,
  exifCheck,
  riskScore,
  type TriageOutcome,
  triage,
  worstOf,
} from '../evidence/checks.ts';
import {
  CANONICAL_CODE_SQL,
  claimCodesIn,
  cropBandBits,
  NEAR_DUPLICATE_BITS,
  type PhotoIdentity,
  sameScene,
} from '../evidence/duplicates.ts';
import type { ExifSummary } from '../evidence/photo.ts';
import {
  claimFacts,
  feedbackFor,
  feedbackMessages,
  markedMustShow,
  photoChecks,
  type StoredAnalysis,
} from '../evidence/photo-feedback.ts';
import { bandNeighbours, hashBands } from '../evidence/quality.ts';
import type { ClaimRow } from './claim-access.ts';
import { approveClaim, type ClaimHooks, transitionClaim } from './claim-lifecycle.ts';
import { mailOwner } from './mail-owner.ts';
import { secondReviewReasons } from './second-review.ts';

export interface VerifyContext {
  campaign: CampaignDefinition;
  publicUrl: string;
  hooks: ClaimHooks;
  /** Whether this automatic approval is picked for a person's quality check (default: at the campaign's rate, at random). */
  sampleQuality?: (rate: number) => boolean;
}

export const sampleAtRandom = (rate: number) => randomInt(1_000_000) < rate * 1_000_000;

/**
 * Runs every check on a submitted claim, stores the results, records the machine's decision with
 * its reasons, and moves the claim on: approved, needs_info (with what to redo, in the owner's
 * language, by e-mail and on the status page) or needs_review. All in the caller's transaction,
 * so a verification killed half-way leaves nothing and its retry records the decision once.
 */
export async function verifyClaim(
  tx: Tx,
  claimId: string,
  context: VerifyContext,
): Promise<TriageOutcome | undefined> {
  const db = tx.kysely;
  const claim = await db
    .selectFrom('claim')
    .selectAll()
    .where('id', '=', claimId)
    .forUpdate()
    .executeTakeFirst();
  if (!claim || (claim.status !== 'submitted' && claim.status !== 'verifying')) return undefined;
  const photos = await db
    .selectFrom('evidence')
    .select(['id', 'kind', 'state', 'analysis', 'exif', 'phash', 'original_sha256'])
    .where('claim_id', '=', claimId)
    .where('replaced_at', 'is', null)
    .execute();
  if (photos.some((photo) => photo.state === 'processing')) return undefined; // its job queues this again
  if (claim.status === 'submitted') await transitionClaim(db, claimId, 'submitted', 'verifying', 'system');

  const policy = { ...context.campaign.triage, mustShow: markedMustShow(context.campaign) };
  // Now, not the first submission: after a request for information the owner writes a new date.
  const at = new Date();
  const facts = claimFacts(claim, at, context.campaign.announcedOn);
  let checks: (CheckResult & { evidenceId?: string })[] = [];
  const checked = photos.filter((photo) => photo.kind === 'label' || photo.kind === 'marked');
  if (claim.has_unit) {
    for (const photo of checked) {
      if (!photo.analysis) continue;
      for (const check of photoChecks(photo.kind, photo.analysis as unknown as StoredAnalysis, facts, policy))
        checks.push({ ...check, evidenceId: photo.id });
    }
    for (const photo of checked)
      checks.push({
        ...exifCheck(photo.exif as ExifSummary | null, facts.recallAnnounced ?? null, at),
        evidenceId: photo.id,
      });
    checks.push(await uniquenessCheck(db, claimId, { serial: claim.serial, code: claim.code }, checked));
  }
  // One quality and one EXIF result per claim: the worse of the photos'.
  checks = worstOf(checks);
  const signals = await fraudSignals(db, claim);
  const outcome = triage(checks, policy, {
    hasUnit: claim.has_unit,
    signals: signals.filter((s) => s.forcesReview).map((s) => s.kind),
  });

  await db.deleteFrom('check_result').where('claim_id', '=', claimId).execute();
  if (checks.length > 0)
    await db
      .insertInto('check_result')
      .values(
        checks.map((check) => ({
          claim_id: claimId,
          check_id: check.id,
          outcome: check.outcome,
          score: check.score,
          detail: JSON.stringify(check.detail),
          evidence_id: check.evidenceId ?? null,
        })),
      )
      .execute();

  const risk = riskScore(
    checks,
    signals.map((signal) => signal.kind),
  );
  await db.updateTable('claim').set({ risk_score: risk }).where('id', '=', claimId).execute();
  const mail = (template: 'info_needed', message: string) =>
    mailOwner(db, claim, context.campaign, context.publicUrl, template, message);
  const summary = checks.map(({ id, outcome, score }) => ({ id, outcome, score }));
  const detail = { reasons: outcome.reasons, signals, riskScore: risk };
  if (outcome.verdict === 'approve') {
    const sampled = (context.sampleQuality ?? sampleAtRandom)(policy.qualitySampleRate);
    const waitFor = secondReviewReasons(
      context.campaign,
      { ...claim, risk_score: risk },
      { qualitySample: sampled },
    );
    await decide(db, claimId, 'approve', outcome.reasons, null, summary, sampled, waitFor.length > 0);
    if (waitFor.length > 0) {
      // The approval takes effect when a supervisor confirms it.
      await transitionClaim(db, claimId, 'verifying', 'second_review', 'system', {
        ...detail,
        secondReview: waitFor,
      });
    } else {
      await approveClaim(db, context, claim, context.campaign, {
        from: 'verifying',
        actor: 'system',
        detail,
      });
    }
  } else if (outcome.verdict === 'request_info') {
    const language = pickLanguage(claim.claimant.language);
    const items = feedbackFor(checks.filter((check) => outcome.reasons.includes(check.id)));
    const message = feedbackMessages(items, language, claim.code).join('\n');
    await decide(db, claimId, 'request_info', outcome.reasons, message, summary, false);
    await transitionClaim(db, claimId, 'verifying', 'needs_info', 'system', { ...detail, message });
    await mail('info_needed', message);
  } else {
    await decide(db, claimId, 'review', outcome.reasons, null, summary, false);
    await transitionClaim(db, claimId, 'verifying', 'needs_review', 'system', detail);
  }
  return outcome;
}

async function decide(
  db: Kysely<Database>,
  claimId: string,
  action: string,
  reasons: string[],
  message: string | null,
  checks: unknown[],
  qualitySample: boolean,
  pending = false,
) {
  await db
    .insertInto('decision')
    .values({
      claim_id: claimId,
      actor: 'system',
      action,
      reasons: JSON.stringify(reasons),
      message,
      quality_sample: qualitySample,
      checks: JSON.stringify(checks),
      state: pending ? 'pending' : 'final',
    })
    .execute();
}

type StoredPhoto = {
  id: string;
  kind: string;
  phash: string | null;
  original_sha256: string;
  analysis: Record<string, unknown> | null;
};

const linesOf = (analysis: unknown): string[] =>
  ((analysis as StoredAnalysis | null)?.ocr?.lines as string[] | undefined) ?? [];
const sceneOf = (analysis: unknown): string | undefined =>
  (analysis as { scene?: string } | null)?.scene ?? undefined;
const cropsOf = (analysis: unknown): bigint[] =>
  ((analysis as { crops?: string[] } | null)?.crops ?? []).map((hash) => BigInt(hash));

/**
 * photo_unique fails when a photo of this claim was already used in another: the same bytes;
 * a near-duplicate (perceptual hash within NEAR_DUPLICATE_BITS, confirmed by the text read in
 * both, see sameScene); or a marked photo showing another claim's code.
 */
export async function uniquenessCheck(
  db: Kysely<Database>,
  claimId: string,
  identity: PhotoIdentity,
  photos: readonly StoredPhoto[],
): Promise<CheckResult & { evidenceId?: string }> {
  const matches: {
    evidence: string;
    otherClaim: string;
    otherEvidence: string | null;
    distance: number | null;
    reason: string;
  }[] = [];
  const add = (match: (typeof matches)[number]) => {
    if (!matches.some((m) => m.evidence === match.evidence && m.otherClaim === match.otherClaim))
      matches.push(match);
  };
  for (const photo of photos) {
    const exact = await db
      .selectFrom('evidence')
      .select(['id', 'claim_id'])
      .where('original_sha256', '=', photo.original_sha256)
      .where('claim_id', '!=', claimId)
      .limit(5)
      .execute();
    for (const row of exact)
      add({
        evidence: photo.id,
        otherClaim: row.claim_id,
        otherEvidence: row.id,
        distance: 0,
        reason: 'same_file',
      });
    const lines = linesOf(photo.analysis);
    if (photo.phash !== null)
      for (const near of await nearDuplicates(db, BigInt(photo.phash), cropsOf(photo.analysis), claimId))
        if (
          sameScene(
            near.distance,
            { kind: photo.kind, lines, identity, scene: sceneOf(photo.analysis) },
            {
              kind: near.kind,
              lines: linesOf(near.analysis),
              identity: { serial: near.serial, code: near.code },
              scene: sceneOf(near.analysis),
            },
          )
        )
          add({
            evidence: photo.id,
            otherClaim: near.claimId,
            otherEvidence: near.id,
            distance: near.distance,
            reason: 'near_duplicate',
          });
    if (photo.kind === 'marked') {
      const codes = claimCodesIn(lines);
      if (codes.length > 0)
        for (const other of await db
          .selectFrom('claim')
          .select('id')
          .where(sql.raw(CANONICAL_CODE_SQL), 'in', codes)
          .where('id', '!=', claimId)
          .execute())
          add({
            evidence: photo.id,
            otherClaim: other.id,
            otherEvidence: null,
            distance: null,
            reason: 'other_claim_code',
          });
    }
  }
  if (matches.length === 0) return { id: 'photo_unique', outcome: 'pass', score: 1, detail: { matches: [] } };
  return {
    id: 'photo_unique',
    outcome: 'fail',
    score: 0,
    detail: { matches: matches.slice(0, 10) },
    evidenceId: matches[0]?.evidence,
  };
}

/**
 * The photos in other claims nearest `hash`, within NEAR_DUPLICATE_BITS: by their own hash, or
 * (marked photos) by their centre's hash against any of `crops`, the new photo's crop hashes
 * (quality.ts cropHashes), so a cropped copy is found both ways. `distance` is the nearer of the two.
 */
export async function nearDuplicates(
  db: Kysely<Database>,
  hash: bigint,
  crops: readonly bigint[],
  excludeClaimId: string | null,
  limit = 20,
): Promise<
  {
    id: string;
    claimId: string;
    kind: string;
    distance: number;
    analysis: unknown;
    serial: string | null;
    code: string;
  }[]
> {
  const [b0, b1, b2, b3] = hashBands(hash).map((band) => bandNeighbours(band)) as [
    number[],
    number[],
    number[],
    number[],
  ];
  const h = hash.toString();
  const cropList = crops.map(String);
  // The crops' band neighbours in one array per band: four index lookups whatever the crops.
  const [c0, c1, c2, c3] = [0, 1, 2, 3].map((band) => [
    ...new Set(
      crops.flatMap((crop, index) => bandNeighbours(hashBands(crop)[band] as number, cropBandBits(index))),
    ),
  ]) as [number[], number[], number[], number[]];
  const toCrops = (centre: string) =>
    sql`(SELECT min(bit_count((${sql.ref(centre)} # v)::bit(64))) FROM unnest(${cropList}::bigint[]) v)`;
  const centreDistance = toCrops('centre_hash');
  const byCentre =
    crops.length === 0
      ? sql``
      : sql`
      UNION SELECT id FROM evidence WHERE centre_b0 = ANY(${c0}::int[]) AND ${centreDistance} <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE centre_b1 = ANY(${c1}::int[]) AND ${centreDistance} <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE centre_b2 = ANY(${c2}::int[]) AND ${centreDistance} <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE centre_b3 = ANY(${c3}::int[]) AND ${centreDistance} <= ${NEAR_DUPLICATE_BITS}`;
  const rows = await sql<{
    id: string;
    claim_id: string;
    kind: string;
    distance: number;
    analysis: unknown;
    serial: string | null;
    code: string;
  }>`
    WITH near AS (
      SELECT id FROM evidence WHERE phash_b0 = ANY(${b0}::int[]) AND bit_count((phash # ${h}::bigint)::bit(64)) <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE phash_b1 = ANY(${b1}::int[]) AND bit_count((phash # ${h}::bigint)::bit(64)) <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE phash_b2 = ANY(${b2}::int[]) AND bit_count((phash # ${h}::bigint)::bit(64)) <= ${NEAR_DUPLICATE_BITS}
      UNION SELECT id FROM evidence WHERE phash_b3 = ANY(${b3}::int[]) AND bit_count((phash # ${h}::bigint)::bit(64)) <= ${NEAR_DUPLICATE_BITS}
      ${byCentre}
    )
    SELECT e.id, e.claim_id, e.kind, e.analysis, c.serial, c.code,
      LEAST(bit_count((e.phash # ${h}::bigint)::bit(64)), ${crops.length === 0 ? sql`NULL` : toCrops('e.centre_hash')})::int AS distance
    FROM near JOIN evidence e ON e.id = near.id JOIN claim c ON c.id = e.claim_id
    ${excludeClaimId ? sql`WHERE e.claim_id <> ${excludeClaimId}` : sql``}
    ORDER BY distance, e.id
    LIMIT ${limit}`.execute(db);
  return rows.rows.map((row) => ({
    id: row.id,
    claimId: row.claim_id,
    distance: Number(row.distance),
    kind: row.kind,
    analysis: row.analysis,
    serial: row.serial,
    code: row.code,
  }));
}

export interface Signal {
  kind: string;
  claims: string[];
  /** Sends the claim to a person whatever the checks say. */
  forcesReview: boolean;
}

/** Other claims sharing this one's e-mail, postal address, phone or client address, and earlier claims for the serial. */
export async function fraudSignals(db: Kysely<Database>, claim: ClaimRow): Promise<Signal[]> {
  const others = db
    .selectFrom('claim')
    .select(['id', 'email_key', 'address_key', 'client_address', 'claimant', 'serial', 'status'])
    .where('id', '!=', claim.id)
    .where('status', '!=', 'draft');
  const signals: Signal[] = [];
  const add = (kind: string, rows: { id: string }[], forcesReview: boolean) => {
    if (rows.length > 0) signals.push({ kind, claims: rows.slice(0, 20).map((r) => r.id), forcesReview });
  };
  const sameEmail = await others.where('email_key', '=', claim.email_key).limit(21).execute();
  add('same_email', sameEmail, false);
  if (claim.address_key)
    add('same_address', await others.where('address_key', '=', claim.address_key).limit(21).execute(), false);
  if (claim.claimant.phone)
    add(
      'same_phone',
      await others.where(sql`claimant->>'phone'`, '=', claim.claimant.phone).limit(21).execute(),
      false,
    );
  // Shared client addresses are common (mobile carriers' NAT, a call centre, a partner's app):
  // shown to reviewers, not a reason on their own to hold a claim.
  if (claim.client_address)
    add(
      'same_client_address',
      await others.where('client_address', '=', claim.client_address).limit(21).execute(),
      false,
    );
  if (claim.serial) {
    const before = await others
      .where('campaign_id', '=', claim.campaign_id)
      .where('serial', '=', claim.serial)
      .limit(21)
      .execute();
    add('serial_claimed_before', before, true);
  }
  return signals;
}
