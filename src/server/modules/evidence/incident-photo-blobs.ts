import type { Kysely } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Database } from '../../db/schema.ts';

/** Deletes the blobs of these keys that no incident photo row uses (content-addressed: two photos may share one). */
export async function deleteUnusedIncidentBlobs(
  db: Kysely<Database>,
  blobs: BlobStore,
  keys: readonly string[],
) {
  for (const key of new Set(keys)) {
    const used = await db
      .selectFrom('incident_photo')
      .select('id')
      .where((eb) => eb.or([eb('original_key', '=', key), eb('display_key', '=', key)]))
      .executeTakeFirst();
    if (!used) await blobs.delete(key);
  }
}

/** Removes the photos of these incident reports (erasure): their rows, then blobs nothing else uses. */
export async function deleteIncidentPhotos(
  db: Kysely<Database>,
  blobs: BlobStore,
  incidentIds: readonly string[],
) {
  if (incidentIds.length === 0) return 0;
  const photos = await db
    .deleteFrom('incident_photo')
    .where('incident_id', 'in', incidentIds)
    .returning(['original_key', 'display_key'])
    .execute();
  await deleteUnusedIncidentBlobs(
    db,
    blobs,
    photos.flatMap((photo) => [photo.original_key, photo.display_key]),
  );
  return photos.length;
}
