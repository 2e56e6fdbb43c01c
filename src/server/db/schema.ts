import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types for Kysely, kept by hand in step with `migrations/*.sql`. */
/** A timestamptz the database fills in by default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CampaignTable {
  id: string;
  slug: string;
  status: 'draft' | 'active' | 'closed';
  announced_on: ColumnType<string, string, string>;
  definition: ColumnType<unknown, string, string>;
  definition_sha256: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductModelTable {
  campaign_id: string;
  code: string;
  name: string;
  recalled_as_whole: boolean;
  units: ColumnType<Record<string, number>, string, string>;
}

export interface SerialImportTable {
  id: string;
  campaign_id: string;
  file_name: string;
  file_sha256: string;
  actor: string;
  rows_total: number;
  rows_added: number;
  rows_unchanged: number;
  rows_rejected: number;
  rejects_file: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface AffectedUnitTable {
  campaign_id: string;
  serial: string;
  model_code: string;
  market: string | null;
  lot: string | null;
  import_id: string;
}

export interface CatalogRevisionTable {
  singleton: Generated<boolean>;
  revision: ColumnType<string, string | number, string | number>;
  changed_at: Timestamp;
}

export interface JobTable {
  id: Generated<string>;
  queue: string;
  payload: ColumnType<unknown, string | undefined, string>;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  run_at: Timestamp;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  singleton_key: string | null;
  created_at: Timestamp;
  finished_at: Date | null;
}
export type JobState = 'queued' | 'active' | 'done' | 'dead';

export interface SchemaMigrationTable {
  version: string;
  applied_at: Timestamp;
}

export interface Database {
  campaign: CampaignTable;
  product_model: ProductModelTable;
  serial_import: SerialImportTable;
  affected_unit: AffectedUnitTable;
  catalog_revision: CatalogRevisionTable;
  schema_migration: SchemaMigrationTable;
  job: JobTable;
}

export type SerialImportRow = Selectable<SerialImportTable>;
