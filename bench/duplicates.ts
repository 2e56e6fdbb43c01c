// npm run bench:duplicates — the near-duplicate photo search with millions of stored photos
// (PostgreSQL; BENCH_PHOTOS, default 2,000,000): the multi-index lookup on the four 16-bit
// hash bands used by claim verification, against a scan comparing every stored hash, in the
// same run; and a marked photo's lookup, which also asks the centre hashes (quality.ts
// cropHashes) with its crops' hashes. Stored hashes are random, plus near-duplicate copies (a
// few bits flipped) of some. A query's crop hashes are those of a picture's own crops (near one
// another, as a real photo's are), each moved by one random mask, so one lands near a stored centre.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { openDatabase } from '../src/server/db/database.ts';
import { applyCampaign, readCampaignFile } from '../src/server/modules/catalog/apply-campaign.ts';
import { nearDuplicates } from '../src/server/modules/claims/verify-claim.ts';
import { NEAR_DUPLICATE_BITS } from '../src/server/modules/evidence/duplicates.ts';
import { CENTRE, cropHashes, LOOKUP_CROPS } from '../src/server/modules/evidence/quality.ts';
import { fmt, repoRoot, scratchPostgres } from './support.ts';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 2_000_000);
const QUERIES = 200;
const scratch = await scratchPostgres('duplicates');
if (!scratch) {
  console.log('PostgreSQL (DATABASE_URL, or the local server) is not reachable: skipped.');
  process.exit(0);
}
const db = await openDatabase({ databaseUrl: scratch.url, dataDir: '' });
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? 0;
try {
  await applyCampaign(db, readCampaignFile(path.join(repoRoot, 'campaigns', 'anker-2025-us-a1263.yaml')));
  const campaign = await db.kysely.selectFrom('campaign').select('id').executeTakeFirstOrThrow();
  let started = performance.now();
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO claim (id, code, campaign_id, model_code, has_unit, remedy, status, claimant, email_key)
       SELECT 'clm_b' || g, 'RK-B' || g, $1, 'A1263', true, 'gift_card', 'needs_review', '{}'::jsonb, 'e' || g
       FROM generate_series(1, $2::int / 2) g`,
      [campaign.id, PHOTOS],
    );
    // Two photos per claim; one hash in 100 is a near-duplicate (3 bits flipped) of another.
    await tx.query(
      `INSERT INTO evidence (id, claim_id, kind, original_key, original_sha256, format, bytes, width, height, state, phash)
       SELECT 'evd_b' || g, 'clm_b' || ((g + 1) / 2), CASE WHEN g % 2 = 0 THEN 'label' ELSE 'marked' END,
              'k' || g, md5(g::text), 'jpeg', 1, 1, 1, 'ready',
              (floor(random() * 4294967296)::bigint << 32) | floor(random() * 4294967296)::bigint
       FROM generate_series(1, $1::int) g`,
      [PHOTOS],
    );
    await tx.query(
      `UPDATE evidence SET phash = (SELECT phash FROM evidence o WHERE o.id = 'evd_b' || (substring(evidence.id from 6)::int + 1)) # 7
       WHERE substring(id from 6)::int % 100 = 0`,
    );
    // Marked photos keep the hash of their centre too.
    await tx.query(
      `UPDATE evidence SET centre_hash = (floor(random() * 4294967296)::bigint << 32) | floor(random() * 4294967296)::bigint
       WHERE kind = 'marked'`,
    );
    await tx.query(
      `UPDATE evidence SET phash_b0 = (phash & 65535)::int, phash_b1 = ((phash >> 16) & 65535)::int,
              phash_b2 = ((phash >> 32) & 65535)::int, phash_b3 = ((phash >> 48) & 65535)::int,
              centre_b0 = (centre_hash & 65535)::int, centre_b1 = ((centre_hash >> 16) & 65535)::int,
              centre_b2 = ((centre_hash >> 32) & 65535)::int, centre_b3 = ((centre_hash >> 48) & 65535)::int`,
    );
  });
  // What autovacuum does in production: the visibility map lets the band indexes answer alone.
  await sql`VACUUM ANALYZE evidence`.execute(db.kysely);
  console.log(
    `${PHOTOS.toLocaleString('en')} stored photo hashes in ${fmt((performance.now() - started) / 1000, 0)} s`,
  );

  const probes = (
    await sql<{
      phash: string;
    }>`SELECT phash::text AS phash FROM evidence TABLESAMPLE SYSTEM (1) LIMIT ${QUERIES}`.execute(db.kysely)
  ).rows.map((row) => BigInt(row.phash) ^ 0b1001n); // a copy two bits away from a stored photo
  const indexed: number[] = [];
  let found = 0;
  started = performance.now();
  for (const probe of probes) {
    const t = performance.now();
    found += (await nearDuplicates(db.kysely, probe, [], null)).length > 0 ? 1 : 0;
    indexed.push(performance.now() - t);
  }
  const indexedSeconds = (performance.now() - started) / 1000;
  // A cropped copy of a stored marked photo: its own hash is far off, one of its crops is near the centre.
  const centres = (
    await sql<{
      centre: string;
    }>`SELECT centre_hash::text AS centre FROM evidence TABLESAMPLE SYSTEM (1) WHERE centre_hash IS NOT NULL LIMIT ${QUERIES}`.execute(
      db.kysely,
    )
  ).rows.map((row) => BigInt(row.centre));
  const random64 = () =>
    BigInt.asIntN(64, BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) |
    BigInt(Math.floor(Math.random() * 2 ** 32));
  // Smooth pictures (random greys 20 x 15, enlarged and softened) and their crops' hashes.
  const pictures = await Promise.all(
    Array.from({ length: 10 }, async () =>
      cropHashes(
        await sharp(randomBytes(20 * 15), { raw: { width: 20, height: 15, channels: 1 } })
          .resize(1000, 750, { kernel: 'cubic' })
          .blur(8)
          .jpeg()
          .toBuffer(),
      ),
    ),
  );
  const centreIndex = LOOKUP_CROPS.indexOf(CENTRE);
  const withCrops: number[] = [];
  let foundByCentre = 0;
  for (const [k, centre] of centres.entries()) {
    const own = pictures[k % pictures.length] as bigint[];
    const mask = centre ^ 0b1001n ^ (own[centreIndex] as bigint);
    const crops = own.map((crop) => BigInt.asIntN(64, crop ^ mask));
    const t = performance.now();
    foundByCentre += (await nearDuplicates(db.kysely, random64(), crops, null)).length > 0 ? 1 : 0;
    withCrops.push(performance.now() - t);
  }
  const scanned: number[] = [];
  started = performance.now();
  for (const probe of probes.slice(0, 20)) {
    const t = performance.now();
    await sql`SELECT id FROM evidence WHERE bit_count((phash # ${probe.toString()}::bigint)::bit(64)) <= ${NEAR_DUPLICATE_BITS} LIMIT 20`.execute(
      db.kysely,
    );
    scanned.push(performance.now() - t);
  }
  console.log(
    `band lookup (4 x 137 values), ${probes.length} queries: p50 ${fmt(percentile(indexed, 50), 1)} ms, p95 ${fmt(percentile(indexed, 95), 1)} ms, ${fmt(probes.length / indexedSeconds, 0)} queries/s; found the planted copy ${found}/${probes.length}`,
  );
  console.log(
    `marked photo: own hash and ${LOOKUP_CROPS.length} crops against the centres, ${centres.length} queries: p50 ${fmt(percentile(withCrops, 50), 1)} ms, p95 ${fmt(percentile(withCrops, 95), 1)} ms; found the cropped copy ${foundByCentre}/${centres.length}`,
  );
  console.log(
    `full scan, ${scanned.length} queries: p50 ${fmt(percentile(scanned, 50), 1)} ms, p95 ${fmt(percentile(scanned, 95), 1)} ms`,
  );
  console.log(
    `\nratio scan/band lookup (p50): ${fmt(percentile(scanned, 50) / percentile(indexed, 50), 1)}x`,
  );
} finally {
  await db.close();
  await scratch.drop();
}
