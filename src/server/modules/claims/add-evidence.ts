import type { EvidenceKind } from '../../../shared/claim-rules.ts';
import { EvidenceKindSchema } from '../../../shared/contracts/claims.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../ids.ts';
import { PhotoError, processPhoto } from '../evidence/photo.ts';
import { authorizeClaim } from './claim-access.ts';
import { deleteUnreferencedBlobs } from './claim-blobs.ts';
import { recordClaimEvent } from './claim-events.ts';
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

/**
 * Stores one photo of a draft claim (or of a claim waiting for information): a newer photo of
 * the same kind replaces the older one, which stays on record. The photo is checked and its
 * blobs are written before the row; if the row cannot be written, the blobs are removed again.
 */
export async function addEvidence(
  deps: ClaimsDeps,
  claimId: string,
  authorization: string | undefined,
  upload: { kind: EvidenceKind; data: Buffer; fileName: string | null },
) {
  const claim = await authorizeClaim(deps.db.kysely, claimId, authorization);
  if (claim.status !== 'draft' && claim.status !== 'needs_info') throw new AppError('claim_not_editable');

  let photo: Awaited<ReturnType<typeof processPhoto>>;
  try {
    photo = await processPhoto(upload.data, {
      maxBytes: deps.config.photoMaxBytes,
      maxPixels: deps.config.photoMaxPixels,
    });
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    throw new AppError(error.code, { max: Math.round(deps.config.photoMaxBytes / 1024 / 1024) });
  }
  const originalKey = `originals/${photo.original.sha256}`;
  const displayKey = `display/${photo.display.sha256}`;
  await deps.blobs.put(originalKey, photo.original.data, photo.original.mime);
  await deps.blobs.put(displayKey, photo.display.data, 'image/jpeg');

  const id = newId('evd');
  try {
    const replaced = await deps.db.transaction(async (tx) => {
      const current = await authorizeClaim(tx.kysely, claimId, authorization, true);
      if (current.status !== 'draft' && current.status !== 'needs_info')
        throw new AppError('claim_not_editable');
      const previous = await tx.kysely
        .updateTable('evidence')
        .set({ replaced_at: new Date() })
        .where('claim_id', '=', claimId)
        .where('kind', '=', upload.kind)
        .where('replaced_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      await tx.kysely
        .insertInto('evidence')
        .values({
          id,
          claim_id: claimId,
          kind: upload.kind,
          original_key: originalKey,
          original_sha256: photo.original.sha256,
          display_key: displayKey,
          format: photo.format,
          bytes: photo.original.data.length,
          width: photo.width,
          height: photo.height,
          exif: photo.exif ? JSON.stringify(photo.exif) : null,
          file_name: upload.fileName,
        })
        .execute();
      await recordClaimEvent(tx.kysely, {
        claimId,
        actor: 'owner',
        type: previous ? 'evidence_replaced' : 'evidence_added',
        detail: { kind: upload.kind, evidence: id },
      });
      return previous !== undefined;
    });
    return {
      id,
      kind: upload.kind,
      format: photo.format,
      bytes: photo.original.data.length,
      width: photo.width,
      height: photo.height,
      replaced,
      createdAt: new Date().toISOString(),
    };
  } catch (error) {
    await deleteUnreferencedBlobs(deps.db.kysely, deps.blobs, [originalKey, displayKey]);
    throw error;
  }
}
