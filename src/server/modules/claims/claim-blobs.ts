import type { Kysely } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Database } from '../../db/schema.ts';

/**
 * Deletes blobs that no evidence row refers to any more. Blobs are content-addressed, so the
 * same photo uploaded to two claims is one blob: it goes only when neither needs it.
 */
export async function deleteUnreferencedBlobs(
  db: Kysely<Database>,
  blobs: BlobStore,
  keys: string[],
): Promise<void> {
  for (const key of new Set(keys)) {
    const used = await db
      .selectFrom('evidence')
      .select('id')
      .where((eb) => eb.or([eb('original_key', '=', key), eb('display_key', '=', key)]))
      .executeTakeFirst();
    if (!used) await blobs.delete(key);
  }
}
