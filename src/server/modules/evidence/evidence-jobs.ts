import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Config } from '../../config.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobHandlers } from '../../jobs/worker.ts';
import { campaignDefinitionById } from '../catalog/catalog.queries.ts';
import { deleteUnreferencedBlobs, keepBlob } from './evidence-blobs.ts';
import { type OcrResult, type RecognizeOptions, sharedOcr } from './ocr.ts';
import { derivePhoto, PhotoError } from './photo.ts';
import {
  centreOf,
  cropHashes,
  hashBands,
  type ImageQuality,
  measureQuality,
  perceptualHash,
} from './quality.ts';
import { sceneSignature } from './scene.ts';

export interface PhotoAnalysis {
  /** Label and marked photos only: the other kinds are for people. */
  ocr: OcrResult | null;
  quality: ImageQuality;
  phash: bigint;
  /** Marked photos only: their scene signature (scene.ts), to tell a reused photo without its text. */
  scene?: string;
  /** Marked photos only: the hashes of their crops (quality.ts LOOKUP_CROPS), to find a cropped copy. */
  crops?: bigint[];
}

/**
 * What the checks need from one photo: its text (OCR), its quality and its perceptual hash.
 * `serialNeverContains` is the campaign's serial rule, which sharpens the reading of a label.
 */
export async function analysePhoto(
  kind: string,
  photo: Buffer,
  size: { width: number; height: number },
  serialNeverContains: readonly string[] = [],
): Promise<PhotoAnalysis> {
  const reading: RecognizeOptions =
    kind === 'label' ? { neverContains: serialNeverContains } : { lattices: true, handwritten: true };
  const [ocr, quality, phash, scene, crops] = await Promise.all([
    kind === 'label' || kind === 'marked'
      ? sharedOcr().then((engine) => engine.recognize(photo, reading))
      : null,
    measureQuality(photo, size.width, size.height),
    perceptualHash(photo),
    kind === 'marked' ? sceneSignature(photo) : undefined,
    kind === 'marked' ? cropHashes(photo) : undefined,
  ]);
  return { ocr, quality, phash, ...(scene ? { scene } : {}), ...(crops ? { crops } : {}) };
}

/** The hash columns of a photo's row: its perceptual hash and, for a marked photo, its centre's. */
function hashColumns(analysis: PhotoAnalysis) {
  const [phash_b0, phash_b1, phash_b2, phash_b3] = hashBands(analysis.phash);
  const centre = analysis.crops && centreOf(analysis.crops);
  const [centre_b0, centre_b1, centre_b2, centre_b3] = centre === undefined ? [] : hashBands(centre);
  return {
    phash: analysis.phash.toString(),
    phash_b0,
    phash_b1,
    phash_b2,
    phash_b3,
    centre_hash: centre?.toString() ?? null,
    centre_b0: centre_b0 ?? null,
    centre_b1: centre_b1 ?? null,
    centre_b2: centre_b2 ?? null,
    centre_b3: centre_b3 ?? null,
  };
}

/**
 * `evidence.process` decodes an uploaded photo, makes its display copy (oriented, resized,
 * metadata stripped) and reads it: OCR, image quality, perceptual hash. The owner's form shows
 * what could be read within seconds; the claim's verification uses it after submission. A photo whose pixels turn out damaged becomes `unreadable` with the
 * reason, which the owner sees on the form and replaces. Safe to run again: the display copy is
 * content-addressed and the row update is guarded by the row's state.
 */
export function evidenceJobHandlers(
  config: Pick<Config, 'photoMaxBytes' | 'photoMaxPixels'>,
  blobs: BlobStore,
): JobHandlers {
  const limits = { maxBytes: config.photoMaxBytes, maxPixels: config.photoMaxPixels };
  return {
    'evidence.process': async (job, { db, logger }) => {
      const evidenceId = job.payload.evidenceId;
      const row = await db.kysely
        .selectFrom('evidence')
        .innerJoin('claim', 'claim.id', 'evidence.claim_id')
        .select([
          'evidence.original_key',
          'evidence.state',
          'evidence.kind',
          'evidence.width',
          'evidence.height',
          'claim.campaign_id',
        ])
        .where('evidence.id', '=', evidenceId)
        .executeTakeFirst();
      if (row?.state !== 'processing') return; // the draft expired, or already done
      const original = await blobs.get(row.original_key);
      if (!original) throw new Error(`blob ${row.original_key} is missing`);

      let outcome:
        | { state: 'ready'; displayKey: string; display: Buffer; analysis: PhotoAnalysis }
        | { state: 'unreadable'; problem: string };
      try {
        const display = await derivePhoto(original, limits);
        const displayKey = `display/${display.sha256}`;
        await blobs.put(displayKey, display.data, 'image/jpeg');
        const serialRules =
          row.kind === 'label'
            ? (await campaignDefinitionById(db.kysely, row.campaign_id)).serialRules
            : null;
        outcome = {
          state: 'ready',
          displayKey,
          display: display.data,
          analysis: await analysePhoto(row.kind, display.data, row, serialRules?.neverContains),
        };
      } catch (error) {
        if (!(error instanceof PhotoError)) throw error;
        logger.info({ evidence: evidenceId, problem: error.code, detail: error.message }, 'photo unreadable');
        outcome = { state: 'unreadable', problem: error.code };
      }
      const updated = await db.transaction(async (tx) => {
        // The claim's lock orders this with its submission and its verification: whichever
        // commits last sees the other, so a submitted claim is verified once its photos are done.
        const claim = await tx.kysely
          .selectFrom('evidence')
          .innerJoin('claim', 'claim.id', 'evidence.claim_id')
          .select(['claim.id', 'claim.status'])
          .where('evidence.id', '=', evidenceId)
          .forUpdate('claim')
          .executeTakeFirst();
        if (!claim) return false;
        if (outcome.state === 'ready')
          await keepBlob(tx.kysely, blobs, outcome.displayKey, outcome.display, 'image/jpeg');
        const changed = await tx.kysely
          .updateTable('evidence')
          .set(
            outcome.state === 'ready'
              ? {
                  state: 'ready',
                  display_key: outcome.displayKey,
                  analysis: JSON.stringify({
                    ocr: outcome.analysis.ocr,
                    quality: outcome.analysis.quality,
                    scene: outcome.analysis.scene,
                    crops: outcome.analysis.crops?.map(String),
                  }),
                  ...hashColumns(outcome.analysis),
                }
              : { state: 'unreadable', problem: outcome.problem },
          )
          .where('id', '=', evidenceId)
          .where('state', '=', 'processing')
          .executeTakeFirst();
        if (changed.numUpdatedRows === 0n) return false;
        if (claim.status === 'submitted' || claim.status === 'verifying') {
          const waiting = await tx.kysely
            .selectFrom('evidence')
            .select('id')
            .where('claim_id', '=', claim.id)
            .where('replaced_at', 'is', null)
            .where('state', '=', 'processing')
            .executeTakeFirst();
          if (!waiting)
            await enqueue(tx.kysely, 'claim.verify', { claimId: claim.id }, { singletonKey: claim.id });
        }
        return true;
      });
      // The claim (and its row) went while the photo was decoded: its display copy goes too.
      if (!updated && outcome.state === 'ready')
        await deleteUnreferencedBlobs(db, blobs, [outcome.displayKey]);
    },
  };
}
