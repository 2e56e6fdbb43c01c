import {
  type CheckResult,
  type ClaimFacts,
  exifCheck,
  type TriageOutcome,
  triage,
  worstOf,
} from './checks.ts';
import type { DateWindow } from './dates.ts';
import { analysePhoto } from './evidence-jobs.ts';
import { derivePhoto, inspectPhoto, type PhotoLimits } from './photo.ts';
import { photoChecks } from './photo-feedback.ts';
import type { Lattice } from './spotting.ts';

const DEFAULT_LIMITS: PhotoLimits = { maxBytes: 30 * 1024 * 1024, maxPixels: 50_000_000 };

/** What upload and the evidence job do to one photo, in one call: check it, decode it, read it. */
export async function readPhoto(
  kind: 'label' | 'marked',
  data: Buffer,
  limits: PhotoLimits = DEFAULT_LIMITS,
  serialNeverContains: readonly string[] = [],
) {
  const inspected = await inspectPhoto(data, limits);
  const display = await derivePhoto(data, limits);
  return {
    kind,
    inspected,
    analysis: await analysePhoto(kind, display.data, inspected, serialNeverContains),
  };
}

/**
 * The checks that need nothing but the two photos and what the claim says: what
 * `recallkit verify`, the evaluation and the benchmark run. (A stored claim adds photo_unique
 * and the fraud signals, which need the database.)
 */
export async function verifyPhotos(input: {
  label: Buffer;
  marked: Buffer;
  facts: Omit<ClaimFacts, 'code'> & { code: string | null };
  window: DateWindow;
  recallAnnounced?: Date | null;
  limits?: PhotoLimits;
  /** The campaign's serial rule: characters its serials never contain (sharpens the label's reading). */
  serialNeverContains?: readonly string[];
}): Promise<{
  checks: CheckResult[];
  verdict: TriageOutcome['verdict'];
  reasons: string[];
  /** What was read in each photo, for callers that compare photos across claims. */
  photos: {
    kind: 'label' | 'marked';
    sha256: string;
    phash: bigint;
    lines: string[];
    scene?: string;
    crops?: bigint[];
    /** The handwriting recogniser's lattices of the marked photo (guided reading, spotting.ts). */
    lattices?: Lattice[];
  }[];
}> {
  const facts = {
    ...input.facts,
    code: input.facts.code ?? '',
    recallAnnounced: input.recallAnnounced ?? null,
  };
  const checks: CheckResult[] = [];
  const photos = await Promise.all([
    readPhoto('label', input.label, input.limits, input.serialNeverContains),
    readPhoto('marked', input.marked, input.limits),
  ]);
  for (const { kind, analysis } of photos)
    checks.push(
      ...photoChecks(kind, analysis, facts, { dateWindow: input.window }).filter(
        (check) => input.facts.code !== null || check.id !== 'claim_code_present',
      ),
    );
  for (const { inspected } of photos) checks.push(exifCheck(inspected.exif, facts.recallAnnounced, facts.at));
  const merged = worstOf(checks);
  const outcome = triage(merged, { autoApprove: true });
  return {
    checks: merged,
    verdict: outcome.verdict,
    reasons: outcome.reasons,
    photos: photos.map(({ kind, inspected, analysis }) => ({
      kind,
      sha256: inspected.sha256,
      phash: analysis.phash,
      lines: analysis.ocr?.lines ?? [],
      ...(analysis.scene ? { scene: analysis.scene } : {}),
      ...(analysis.crops ? { crops: analysis.crops } : {}),
      ...(analysis.ocr?.lattices ? { lattices: analysis.ocr.lattices } : {}),
    })),
  };
}
