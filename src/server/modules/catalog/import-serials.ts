import fs from 'node:fs';
import type { Db, Tx } from '../../db/database.ts';
import { newId } from '../../ids.ts';
import { bumpCatalogRevision, findCampaign, type StoredCampaign } from './catalog.queries.ts';
import {
  csvLine,
  ImportRefusedError,
  type ImportSerialsOptions,
  type ParseOutcome,
  parseRows,
  ROW_PROBLEM_TEXT,
} from './serial-list-csv.ts';

export interface ImportSerialsResult {
  id: string;
  campaign: string;
  fileSha256: string;
  rowsTotal: number;
  rowsAdded: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejectsFile: string | null;
}

const UNIQUE_VIOLATION = '23505';

const REJECTS_HEADER = 'line,serial,model,code,reason\n';

/** Rejected rows kept with the import record for the console; the file has them all. */
const REJECTED_SAMPLE_ROWS = 1000;

/**
 * Imports an eligibility list (CSV: serial,model[,market][,lot]) into a campaign in one
 * transaction. Valid rows are added, rows already listed are left as they are (re-importing a
 * file changes nothing), invalid rows are written with their line number and reason to the
 * rejects file. A file that is not a readable CSV with the right header imports nothing.
 */
export async function importSerials(db: Db, options: ImportSerialsOptions): Promise<ImportSerialsResult> {
  const { result, rejects } = await db.transaction((tx) => importSerialsInTx(tx, options));
  if (result.rejectsFile) {
    fs.writeFileSync(result.rejectsFile, `${REJECTS_HEADER}${rejects.join('')}`);
  } else {
    fs.rmSync(rejectsFileOf(options), { force: true });
  }
  return result;
}

function rejectsFileOf(options: ImportSerialsOptions): string {
  return options.rejectsFile ?? `${options.file}.rejected.csv`;
}

/**
 * The import inside the caller's transaction; returns the rejected rows as CSV lines for the
 * caller to write once the transaction has committed.
 */
export async function importSerialsInTx(
  tx: Tx,
  options: ImportSerialsOptions,
): Promise<{ result: ImportSerialsResult; rejects: string[] }> {
  const campaign = await findCampaign(tx.kysely, options.campaignSlug);
  if (!campaign) {
    throw new ImportRefusedError('campaign_not_found', `There is no campaign "${options.campaignSlug}".`);
  }
  if (!fs.existsSync(options.file) || !fs.statSync(options.file).isFile()) {
    throw new ImportRefusedError('file_not_found', `Cannot read ${options.file}.`);
  }
  const startedAt = new Date();
  const importId = newId('imp');
  const loaded =
    (await loadDirectly(tx, campaign, importId, options)) ??
    (await loadThroughStaging(tx, campaign, importId, options));
  const rowsRejected = loaded.parsed.rejected + loaded.conflicts;
  const rejects = loaded.rejects.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const result: ImportSerialsResult = {
    id: importId,
    campaign: campaign.slug,
    fileSha256: loaded.parsed.sha256,
    rowsTotal: loaded.parsed.rows,
    rowsAdded: loaded.rowsAdded,
    rowsUnchanged: loaded.parsed.accepted - loaded.rowsAdded - loaded.conflicts,
    rowsRejected,
    rejectsFile: rowsRejected > 0 ? rejectsFileOf(options) : null,
  };
  await tx.kysely
    .insertInto('serial_import')
    .values({
      id: importId,
      campaign_id: campaign.id,
      file_name: options.file.split(/[\\/]/).pop() ?? options.file,
      file_sha256: result.fileSha256,
      actor: options.actor,
      rows_total: result.rowsTotal,
      rows_added: result.rowsAdded,
      rows_unchanged: result.rowsUnchanged,
      rows_rejected: result.rowsRejected,
      rejects_file: result.rejectsFile,
      rejected_sample:
        rejects.length > 0 ? `${REJECTS_HEADER}${rejects.slice(0, REJECTED_SAMPLE_ROWS).join('')}` : null,
      started_at: startedAt,
    })
    .execute();
  if (result.rowsAdded > 0) {
    // Summarise the new rows' block ranges now, so that every process finds this list's rows
    // through the BRIN index without reading the others' (migration 0022).
    await tx.query("SELECT brin_summarize_new_values('affected_unit_import')");
    await bumpCatalogRevision(tx);
  }
  return { result, rejects };
}

interface Loaded {
  parsed: ParseOutcome;
  rowsAdded: number;
  conflicts: number;
  rejects: string[];
}

/**
 * The first list of a campaign (the big one) is copied straight into `affected_unit`: half the
 * work of copying to a staging table and merging. If the file repeats a serial, or another
 * process listed one meanwhile, the unique index says so and the staging path takes over.
 */
async function loadDirectly(
  tx: Tx,
  campaign: StoredCampaign,
  importId: string,
  options: ImportSerialsOptions,
): Promise<Loaded | undefined> {
  const listed = await tx.query('SELECT 1 FROM affected_unit WHERE campaign_id = $1 LIMIT 1', [campaign.id]);
  if ((listed.rowCount ?? 0) > 0) return undefined;
  await tx.query('SAVEPOINT direct_load');
  const rejects: string[] = [];
  try {
    const parsed = await parseRows(campaign.definition, options, rejects, {
      table: 'affected_unit',
      columns: ['campaign_id', 'serial', 'model_code', 'market', 'lot', 'import_id'],
      row: (_line, serial, model, market, lot) =>
        `${campaign.id},${serial},${model},${market},${lot},${importId}\n`,
      copy: (table, columns, rows) => tx.copyCsv(table, columns, rows),
    });
    await tx.query('RELEASE SAVEPOINT direct_load');
    return { parsed, rowsAdded: parsed.accepted, conflicts: 0, rejects };
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT direct_load');
    return undefined;
  }
}

/** Any list: copied into a staging table, merged without touching rows already listed. */
async function loadThroughStaging(
  tx: Tx,
  campaign: StoredCampaign,
  importId: string,
  options: ImportSerialsOptions,
): Promise<Loaded> {
  await tx.query(
    'CREATE TEMP TABLE import_staging (line integer NOT NULL, serial text NOT NULL, model_code text NOT NULL, market text, lot text) ON COMMIT DROP',
  );
  const rejects: string[] = [];
  const parsed = await parseRows(campaign.definition, options, rejects, {
    table: 'import_staging',
    columns: ['line', 'serial', 'model_code', 'market', 'lot'],
    row: (line, serial, model, market, lot) => `${line},${serial},${model},${market},${lot}\n`,
    copy: (table, columns, rows) => tx.copyCsv(table, columns, rows),
  });
  // A fresh temp table is read back in the order it was written, so where one file lists a
  // serial twice with different models, the first line wins and the later one is rejected.
  const inserted = await tx.query(
    `INSERT INTO affected_unit (campaign_id, serial, model_code, market, lot, import_id)
     SELECT $1, serial, model_code, market, lot, $2 FROM import_staging
     ON CONFLICT (campaign_id, serial) DO NOTHING`,
    [campaign.id, importId],
  );
  const rowsAdded = inserted.rowCount ?? 0;
  let conflicts = 0;
  if (rowsAdded < parsed.accepted) {
    const clashing = await tx.query(
      `SELECT s.line, s.serial, s.model_code, u.model_code AS listed_model
         FROM import_staging s
         JOIN affected_unit u ON u.campaign_id = $1 AND u.serial = s.serial
        WHERE u.model_code <> s.model_code
        ORDER BY s.line`,
      [campaign.id],
    );
    conflicts = clashing.rows.length;
    for (const row of clashing.rows) {
      const reason = `${ROW_PROBLEM_TEXT.serial_conflict} (${row.listed_model})`;
      rejects.push(csvLine([row.line, row.serial, row.model_code, 'serial_conflict', reason]));
    }
  }
  await tx.query('DROP TABLE import_staging');
  return { parsed, rowsAdded, conflicts, rejects };
}
