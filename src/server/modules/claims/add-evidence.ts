import { DISPOSAL_CONFIRMABLE, type EvidenceKind } from '../../../shared/claim-rules.ts';
import { EvidenceKindSchema } from '../../../shared/contracts/claims.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { jobRow } from '../../jobs/queue.ts';
import { blobLock, deleteUnreferencedBlobs, keepLockedBlob } from '../evidence/evidence-blobs.ts';
import { type InspectedPhoto, inspectPhoto, PhotoError } from '../evidence/photo.ts';
import type { PhotoBytes } from '../evidence/photo-bytes.ts';
import { authorizeClaim } from './claim-access.ts';
import { claimEventRow } from './claim-lifecycle.ts';
import type { ClaimsDeps } from './claims-deps.ts';

export function parseEvidenceKind(value: unknown): EvidenceKind {
  const kind = EvidenceKindSchema.safeParse(value);
  if (!kind.success) throw new AppError('evidence_kind_invalid');
  return kind.data;
}

/** A file name is only recorded, never used as a path; one that tries to be a path is refused. */
export function checkFileName(name: string | undefined): string | null {
  if (!name) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a file name are refused
  if (/[/\\\u0000-\u001f]/.test(name) || name.includes('..') || name.length > 255)
    throw new AppError('photo_bad_filename');
  return name;
}

/** Photos change while the claim is a draft or waits for information; a drop-off receipt until it closes. */
function mayAddEvidence(status: string, kind: EvidenceKind): boolean {
  if (status === 'draft' || status === 'needs_info') return true;
  return kind === 'disposal' && DISPOSAL_CONFIRMABLE.has(status);
}

/**
 * Whether the bearer may upload to the claim at all, asked before the request's body is read:
 * a stranger's or a closed claim's upload is refused without receiving (or inspecting) its bytes.
 * `addEvidence` checks again, for the kind, under the claim's lock.
 */
export async function authorizeUpload(deps: ClaimsDeps, claimId: string, authorization: string | undefined) {
  const claim = await authorizeClaim(deps.db.kysely, claimId, authorization);
  // A drop-off receipt is the kind accepted longest: if not even that may come, nothing may.
  if (!mayAddEvidence(claim.status, 'disposal')) throw new AppError('claim_not_editable');
}

/**
 * Stores one photo of a draft claim (or of a claim waiting for information): a newer photo of
 * the same kind replaces the older one, which stays on record. The request checks what it can
 * without decoding (format, header, pixel cap, structure), stores the original (adopting the
 * file the upload was spooled to, when the store spools), and queues the evidence job in the
 * same transaction as the row; the job decodes the photo, makes the display copy and reads it.
 * If the original cannot be stored or the row written, the blob is removed again (unless
 * another claim's row uses the same bytes). The caller has asked `authorizeUpload` before
 * reading the photo.
 */
export async function addEvidence(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
  upload: { kind: EvidenceKind; bytes: PhotoBytes; fileName: string | null },
) {
  let photo: InspectedPhoto;
  try {
    photo = await inspectPhoto(upload.bytes, {
      maxBytes: deps.config.photoMaxBytes,
      maxPixels: deps.config.photoMaxPixels,
    });
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    throw new AppError(error.code, { max: Math.round(deps.config.photoMaxBytes / 1024 / 1024) });
  }
  const originalKey = `originals/${photo.sha256}`;
  const id = newId('evd');
  try {
    const { spooled } = upload.bytes;
    if (spooled && deps.blobs.spool) await deps.blobs.spool.adopt(spooled, originalKey);
    else await deps.blobs.put(originalKey, upload.bytes.chunks, photo.mime);
    const replaced = await deps.db.transaction(async (tx) => {
      // The claim's row lock, then the photo's blob lock, in one statement.
      const current = await authorizeClaim(tx.kysely, claimId, authorization, true, blobLock(originalKey));
      if (!mayAddEvidence(current.status, upload.kind)) throw new AppError('claim_not_editable');
      await keepLockedBlob(deps.blobs, originalKey, upload.bytes.chunks, photo.mime);
      // The older photo of the kind marked replaced, the row, its timeline line and its job in
      // one statement: an upload costs few round trips. (Every part of it reads the rows as they
      // were before it, so the update cannot touch the row it inserts.)
      const written = await tx.kysely
        .with('previous', (db) =>
          db
            .updateTable('evidence')
            .set({ replaced_at: new Date() })
            .where('claim_id', '=', claimId)
            .where('kind', '=', upload.kind)
            .where('replaced_at', 'is', null)
            .returning('id'),
        )
        .with('added', (db) =>
          db
            .insertInto('evidence')
            .values({
              id,
              claim_id: claimId,
              kind: upload.kind,
              original_key: originalKey,
              original_sha256: photo.sha256,
              display_key: null,
              state: 'processing',
              format: photo.format,
              bytes: upload.bytes.length,
              width: photo.width,
              height: photo.height,
              exif: photo.exif ? JSON.stringify(photo.exif) : null,
              file_name: upload.fileName,
            })
            .returning('id'),
        )
        .with('event', (db) =>
          db
            .insertInto('claim_event')
            .values({
              ...claimEventRow({
                claimId,
                actor: 'owner',
                type: 'evidence_added',
                detail: { kind: upload.kind, evidence: id },
              }),
              // Decided in the statement: "replaced" when it marked an older photo so.
              type: (eb) =>
                eb
                  .case()
                  .when(eb.exists(eb.selectFrom('previous').select('id')))
                  .then('evidence_replaced')
                  .else('evidence_added')
                  .end(),
            })
            .returning('id'),
        )
        .insertInto('job')
        .values(jobRow('evidence.process', { evidenceId: id }))
        .returning((eb) => eb.exists(eb.selectFrom('previous').select('id')).as('replaced'))
        .executeTakeFirstOrThrow();
      return Boolean(written.replaced);
    });
    deps.jobsQueued?.();
    return {
      id,
      kind: upload.kind,
      state: 'processing' as const,
      problem: null,
      format: photo.format,
      bytes: upload.bytes.length,
      width: photo.width,
      height: photo.height,
      replaced,
      createdAt: new Date().toISOString(),
    };
  } catch (error) {
    await deleteUnreferencedBlobs(deps.db, deps.blobs, [originalKey]);
    throw error;
  }
}
