import { type Kysely, sql } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

/*
 * A blob is written before the row that refers to it commits, and deleted when no row refers
 * to it. Blobs are content-addressed, so one blob can be on its way into a new row (the same
 * photo uploaded to another claim) while a cleanup finds no committed row for it and deletes
 * it. Both sides therefore hold the key's lock (an advisory lock for the rest of the
 * transaction): the cleanup looks for rows and deletes under it, so it sees every row that
 * committed before; the writer, under it, checks that the blob is still there and writes it
 * again if a cleanup got in between its write and its row.
 */

/** The key's lock (for the rest of the transaction), for a statement that takes it with more. */
export function blobLock(key: string) {
  return sql`pg_advisory_xact_lock(hashtextextended(${`recallkit:blob:${key}`}, 0))`;
}

async function lockBlobKey(db: Kysely<Database>, key: string): Promise<void> {
  await sql`select ${blobLock(key)}`.execute(db);
}

/**
 * In the transaction that writes a row referring to `key`, after `put`: the blob is there when
 * the row commits (written again if a cleanup deleted it meanwhile), and no cleanup can delete
 * it before then.
 */
export async function keepBlob(
  tx: Kysely<Database>,
  blobs: BlobStore,
  key: string,
  data: Buffer | readonly Buffer[],
  contentType: string,
): Promise<void> {
  await lockBlobKey(tx, key);
  await keepLockedBlob(blobs, key, data, contentType);
}

/** `keepBlob` for a transaction that already took the key's lock (`blobLock`) in a statement of its own. */
export async function keepLockedBlob(
  blobs: BlobStore,
  key: string,
  data: Buffer | readonly Buffer[],
  contentType: string,
): Promise<void> {
  if (!(await blobs.exists(key))) await blobs.put(key, data, contentType);
}

/** The blob keys of photo rows: each original, and its display copy once made. */
export function blobKeysOf(
  photos: readonly { original_key: string; display_key: string | null }[],
): string[] {
  return photos.flatMap((photo) =>
    photo.display_key ? [photo.original_key, photo.display_key] : [photo.original_key],
  );
}

/**
 * Deletes blobs that no evidence row refers to any more. The same photo uploaded to two claims
 * is one blob: it goes only when neither needs it, and not while a row for it is being written.
 * Call it outside a transaction: each key is looked at in one of its own.
 */
export async function deleteUnreferencedBlobs(db: Db, blobs: BlobStore, keys: string[]): Promise<void> {
  for (const key of new Set(keys)) {
    await db.transaction(async (tx) => {
      await lockBlobKey(tx.kysely, key);
      const used = await tx.kysely
        .selectFrom('evidence')
        .select('id')
        .where((eb) => eb.or([eb('original_key', '=', key), eb('display_key', '=', key)]))
        .executeTakeFirst();
      if (!used) await blobs.delete(key);
    });
  }
}
