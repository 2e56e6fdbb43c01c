import type { Kysely } from 'kysely';
import { toCsv } from '../../csv.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { BAG, BAG_SKU, BATCH_MAX, newBatch } from './batches.ts';

/** The warehouse's file: one line per parcel. */
const SHIPMENT_COLUMNS = [
  'order_id',
  'sku',
  'quantity',
  'name',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'phone',
  'email',
  'claim_code',
] as const;

/** One parcel of a batch: the remedy with its claim's owner and address (joined). */
function shipmentLine(
  row: {
    id: string;
    sku: string | null;
    quantity: number | null;
    code: string;
    claimant: { name: string; email: string; phone?: string };
    address: Record<string, string> | null;
  },
  bag: boolean,
) {
  const address = row.address ?? {};
  return {
    order_id: bag ? `${row.id}${BAG}` : row.id,
    sku: bag ? BAG_SKU : row.sku,
    quantity: bag ? 1 : (row.quantity ?? 1),
    name: row.claimant.name,
    address_line1: address.line1,
    address_line2: address.line2,
    city: address.city,
    region: address.region,
    postal_code: address.postalCode,
    country: address.country,
    phone: row.claimant.phone,
    email: row.claimant.email,
    claim_code: row.code,
  };
}

/**
 * The next shipment batch for the warehouse: every replacement ready to ship and every return
 * bag not yet sent, taken under row locks (SKIP LOCKED: two exports at once split the work, they
 * never both ship a parcel). Null when there is nothing to ship.
 */
export async function exportShipments(
  db: Db,
  actor: string,
): Promise<{ batchId: string; lines: number; csv: string } | null> {
  return db.transaction(async (tx) => {
    const k = tx.kysely;
    const parcels = await k
      .selectFrom('remedy')
      .select(['id', 'claim_id', 'sku', 'quantity', 'state'])
      .where((eb) =>
        eb.or([
          eb('state', '=', 'ready_to_ship'),
          eb.and([eb('state', '=', 'awaiting_return'), eb('return_bag_batch_id', 'is', null)]),
        ]),
      )
      .orderBy('created_at')
      .limit(BATCH_MAX)
      .forUpdate()
      .skipLocked()
      .execute();
    if (parcels.length === 0) return null;
    const batchId = await newBatch(k, 'shipment_batch', actor, parcels.length);
    const bags = parcels.filter((p) => p.state === 'awaiting_return').map((p) => p.id);
    const replacements = parcels.filter((p) => p.state === 'ready_to_ship').map((p) => p.id);
    if (replacements.length)
      await k
        .updateTable('remedy')
        .set({ state: 'in_batch', shipment_batch_id: batchId, updated_at: new Date() })
        .where('id', 'in', replacements)
        .execute();
    if (bags.length)
      await k
        .updateTable('remedy')
        .set({ return_bag_batch_id: batchId, updated_at: new Date() })
        .where('id', 'in', bags)
        .execute();
    return { batchId, lines: parcels.length, csv: await shipmentBatchCsvIn(k, batchId) };
  });
}

/** A batch's file again (the warehouse lost it, or the console downloads it later). */
export async function shipmentBatchCsv(db: Kysely<Database>, batchId: string): Promise<string> {
  const exists = await db
    .selectFrom('shipment_batch')
    .select('id')
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!exists) throw new AppError('not_found');
  return shipmentBatchCsvIn(db, batchId);
}

async function shipmentBatchCsvIn(db: Kysely<Database>, batchId: string): Promise<string> {
  const rows = await db
    .selectFrom('remedy as r')
    .innerJoin('claim as c', 'c.id', 'r.claim_id')
    .select(['r.id', 'r.sku', 'r.quantity', 'r.return_bag_batch_id', 'c.code', 'c.claimant', 'c.address'])
    .where((eb) =>
      eb.or([eb('r.shipment_batch_id', '=', batchId), eb('r.return_bag_batch_id', '=', batchId)]),
    )
    .orderBy('r.created_at')
    .execute();
  const lines = rows.map((row) => shipmentLine(row, row.return_bag_batch_id === batchId));
  return toCsv(SHIPMENT_COLUMNS, lines);
}
