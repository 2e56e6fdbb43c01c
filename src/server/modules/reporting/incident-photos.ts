import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { hashSecret } from '../../secrets.ts';
import { deleteUnusedIncidentBlobs } from '../evidence/incident-photo-blobs.ts';
import { derivePhoto, inspectPhoto, PhotoError, type PhotoLimits } from '../evidence/photo.ts';
import type { PhotoBytes } from '../evidence/photo-bytes.ts';

/** Photos one incident report may carry. */
export const MAX_INCIDENT_PHOTOS = 5;

/** Whether `authorization` carries the report's photo token (refused before the body is read). */
export async function authorizeIncidentPhotos(
  db: Kysely<Database>,
  incidentId: string,
  authorization: string | undefined,
): Promise<void> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  const row = await db
    .selectFrom('incident')
    .select('photo_token_sha256')
    .where('id', '=', incidentId)
    .executeTakeFirst();
  const expected = row?.photo_token_sha256;
  const given = token ? hashSecret(token) : '';
  if (
    !expected ||
    given.length !== expected.length ||
    !timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  )
    throw new AppError('unauthorized');
}

/**
 * Adds a photo to an incident report, through the claims' photo checks (format, size, pixel cap,
 * structure), then decoded once into a metadata-free display copy for staff: reports are few and
 * rate-limited, so this happens in the request. Both are stored before the row; a refused or
 * failed photo leaves nothing behind.
 */
export async function addIncidentPhoto(
  db: Kysely<Database>,
  blobs: BlobStore,
  incidentId: string,
  bytes: PhotoBytes,
  limits: PhotoLimits,
) {
  let inspected: Awaited<ReturnType<typeof inspectPhoto>>;
  let display: Awaited<ReturnType<typeof derivePhoto>>;
  try {
    inspected = await inspectPhoto(bytes, limits);
    display = await derivePhoto(Buffer.concat(bytes.chunks as Buffer[]), limits);
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    throw new AppError(error.code, { max: Math.round(limits.maxBytes / 1048576) });
  }
  const existing = await db
    .selectFrom('incident_photo')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow();
  if (Number(existing.n) >= MAX_INCIDENT_PHOTOS)
    throw new AppError('incident_photos_full', { max: MAX_INCIDENT_PHOTOS });
  const originalKey = `incidents/${inspected.sha256}`;
  const displayKey = `incidentcopies/${display.sha256}`;
  const id = newId('inp');
  await blobs.put(originalKey, bytes.chunks, inspected.mime);
  await blobs.put(displayKey, [display.data], 'image/jpeg');
  try {
    await db
      .insertInto('incident_photo')
      .values({
        id,
        incident_id: incidentId,
        original_key: originalKey,
        display_key: displayKey,
        format: inspected.format,
        bytes: bytes.length,
        width: display.width,
        height: display.height,
      })
      .execute();
  } catch (error) {
    await deleteUnusedIncidentBlobs(db, blobs, [originalKey, displayKey]);
    throw error;
  }
  return { id, width: display.width, height: display.height };
}
