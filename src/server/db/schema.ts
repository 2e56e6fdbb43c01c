import type { ColumnType, Generated } from 'kysely';
import type { StaffRole } from '../../shared/console-roles.ts';
import type { INCIDENT_KIND, INJURY } from '../../shared/incidents.ts';

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
  rejected_sample: ColumnType<string | null, string | null | undefined, string | null>;
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
export type ClaimStatus =
  | 'draft'
  | 'submitted'
  | 'verifying'
  | 'needs_review'
  | 'needs_info'
  | 'escalated'
  | 'second_review'
  | 'approved'
  | 'rejected'
  | 'fulfilling'
  | 'fulfilled'
  | 'withdrawn';

type Json<T> = ColumnType<T, string, string>;

export interface ClaimTable {
  id: string;
  code: string;
  campaign_id: string;
  serial: string | null;
  model_code: string;
  has_unit: boolean;
  remedy: string;
  status: ClaimStatus;
  claimant: Json<{ name: string; email: string; phone?: string; country: string; language: string }>;
  email_key: string;
  address: ColumnType<Record<string, string> | null, string | null, string | null>;
  address_key: string | null;
  client_address: string | null;
  order_number: string | null;
  incident_description: string | null;
  disposal_attested_at: Date | null;
  disposal_confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Date | null;
  expires_at: Date | null;
  risk_score: ColumnType<number | null, number | null | undefined, number | null>;
  review_by: ColumnType<string | null, string | null | undefined, string | null>;
  review_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  purchase_price_minor: ColumnType<string | null, number | null | undefined, number | null>;
  purchase_currency: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ClaimTokenTable {
  token_sha256: string;
  claim_id: string;
  created_at: Timestamp;
  revoked_at: Date | null;
}

export interface ClaimEventTable {
  id: Generated<string>;
  claim_id: string;
  at: Timestamp;
  actor: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type EvidenceState = 'processing' | 'ready' | 'unreadable';

export interface EvidenceTable {
  id: string;
  claim_id: string;
  kind: 'label' | 'marked' | 'receipt' | 'disposal';
  original_key: string;
  original_sha256: string;
  display_key: string | null;
  state: ColumnType<EvidenceState, EvidenceState | undefined, EvidenceState>;
  problem: string | null;
  analysis: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  phash: ColumnType<string | null, string | null | undefined, string | null>;
  phash_b0: number | null;
  phash_b1: number | null;
  phash_b2: number | null;
  phash_b3: number | null;
  centre_hash: ColumnType<string | null, string | null | undefined, string | null>;
  centre_b0: number | null;
  centre_b1: number | null;
  centre_b2: number | null;
  centre_b3: number | null;
  format: string;
  bytes: number;
  width: number;
  height: number;
  exif: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  file_name: string | null;
  created_at: Timestamp;
  replaced_at: Date | null;
}

export interface CheckResultTable {
  claim_id: string;
  check_id: string;
  outcome: 'pass' | 'fail' | 'unsure';
  score: number;
  detail: ColumnType<Record<string, unknown>, string, string>;
  evidence_id: string | null;
  checked_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DecisionTable {
  id: Generated<string>;
  claim_id: string;
  at: ColumnType<Date, Date | undefined, never>;
  actor: string;
  action: string;
  reasons: ColumnType<unknown[], string, never>;
  message: string | null;
  quality_sample: ColumnType<boolean, boolean | undefined, boolean>;
  checks: ColumnType<unknown[] | null, string | null, never>;
  reason_code: ColumnType<string | null, string | null | undefined, never>;
  state: ColumnType<DecisionState, DecisionState | undefined, DecisionState>;
  confirmed_by: ColumnType<string | null, string | null | undefined, string | null>;
  confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type DecisionState = 'final' | 'pending' | 'confirmed' | 'overturned';

export { STAFF_ROLES, type StaffRole } from '../../shared/console-roles.ts';

export interface StaffUserTable {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
  created_by: string | null;
  password_changed_at: Timestamp;
  deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deactivated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StaffSessionTable {
  token_sha256: string;
  staff_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEventTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  actor_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
  user_agent: string | null;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  /** The use case's value, when it answered. */
  response: ColumnType<unknown, string | null, string | null>;
  /** The refusal it committed instead (`{ code, params }`), when it refused. */
  refusal: ColumnType<
    { code: string; params: Record<string, string | number> } | null,
    string | null,
    string | null
  >;
  created_at: Timestamp;
}

export interface OutboxMessageTable {
  id: string;
  claim_id: string | null;
  to_address: string;
  language: string;
  template: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** The message's parts (MailContent), kept until it is sent, to merge later moments into it. */
  content: ColumnType<unknown, string | null | undefined, string | null>;
  state: ColumnType<
    'pending' | 'sent' | 'held' | 'merged',
    'pending' | 'sent' | 'held' | 'merged' | undefined,
    'pending' | 'sent' | 'held' | 'merged'
  >;
  created_at: Timestamp;
  sent_at: Date | null;
  transport_id: string | null;
  /** The message this one went out inside (state merged). */
  merged_into: string | null;
  /** Extra headers (a notice's List-Unsubscribe and List-Unsubscribe-Post). */
  headers: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  /** The order messages were queued in. */
  seq: Generated<string>;
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
  claim: ClaimTable;
  claim_event: ClaimEventTable;
  claim_token: ClaimTokenTable;
  evidence: EvidenceTable;
  check_result: CheckResultTable;
  decision: DecisionTable;
  idempotency_key: IdempotencyKeyTable;
  outbox_message: OutboxMessageTable;
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  audit_event: AuditEventTable;
  remedy: RemedyTable;
  gift_card_code: GiftCardCodeTable;
  shipment_batch: BatchTable;
  payout_batch: BatchTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_delivery: WebhookDeliveryTable;
  login_throttle: LoginThrottleTable;
  rate_limit: RateLimitTable;
  incident: IncidentTable;
  incident_photo: IncidentPhotoTable;
  lookup_count: LookupCountTable;
  progress_update: ProgressUpdateTable;
  daily_count: DailyCountTable;
  notice_recipient: NoticeRecipientTable;
  notice_import: NoticeImportTable;
  notice_wave: NoticeWaveTable;
  notice_delivery: NoticeDeliveryTable;
  rollup_state: RollupStateTable;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface RateLimitTable {
  /** `<method> <route>|<client>`. */
  key: string;
  count: number;
  window_ends: Date;
}

export interface LoginThrottleTable {
  /** `account:<lower-case e-mail>` or `client:<address>`. */
  key: string;
  failures: Generated<number>;
  blocked_until: Date | null;
  updated_at: Generated<Date>;
}

export type RemedyState =
  | 'awaiting_disposal'
  | 'awaiting_return'
  | 'pending'
  | 'issuing'
  | 'ready_to_ship'
  | 'in_batch'
  | 'shipped'
  | 'ready_to_pay'
  | 'in_payout'
  | 'issued'
  | 'paid'
  | 'failed';

export interface RemedyTable {
  id: string;
  claim_id: string;
  campaign_id: string;
  kind: 'gift_card' | 'replacement' | 'refund' | 'voucher' | 'repair';
  state: RemedyState;
  idempotency_key: string;
  provider: Nullable<string>;
  amount_minor: ColumnType<string | null, number | null | undefined, number | null>;
  currency: Nullable<string>;
  sku: Nullable<string>;
  quantity: Nullable<number>;
  code: Nullable<string>;
  external_ref: Nullable<string>;
  shipment_batch_id: Nullable<string>;
  return_bag_batch_id: Nullable<string>;
  carrier: Nullable<string>;
  tracking_number: Nullable<string>;
  tracking_url: Nullable<string>;
  payout_batch_id: Nullable<string>;
  failure_reason: Nullable<string>;
  return_received_at: Nullable<Date>;
  created_at: Timestamp;
  updated_at: Timestamp;
  issued_at: Nullable<Date>;
}

export interface GiftCardCodeTable {
  id: Generated<string>;
  campaign_id: string;
  kind: 'gift_card' | 'voucher';
  /** Sealed (secrets.ts `seal`). */
  code: string;
  code_sha256: string;
  amount_minor: ColumnType<string, number, number>;
  currency: string;
  import_id: string;
  claim_id: Nullable<string>;
  assigned_at: Nullable<Date>;
}

export interface BatchTable {
  id: string;
  created_at: Timestamp;
  created_by: string;
  lines: number;
}

export interface WebhookEndpointTable {
  id: string;
  url: string;
  events: string[];
  secret: string;
  /** The secret before the last rotation, still signing until `previous_secret_until`. */
  previous_secret: Nullable<string>;
  previous_secret_until: Nullable<Date>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  created_by: string;
}

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: ColumnType<Record<string, unknown>, string, never>;
  state: ColumnType<
    'pending' | 'delivered' | 'failed',
    'pending' | undefined,
    'pending' | 'delivered' | 'failed'
  >;
  attempts: ColumnType<number, number | undefined, number>;
  last_status: Nullable<number>;
  last_response: Nullable<string>;
  last_error: Nullable<string>;
  created_at: Timestamp;
  last_attempt_at: Nullable<Date>;
  delivered_at: Nullable<Date>;
}

export interface IncidentTable {
  id: string;
  campaign_id: string | null;
  model_code: string;
  serial: string | null;
  kind: (typeof INCIDENT_KIND)[number];
  injury: (typeof INJURY)[number];
  property_damage: Generated<boolean>;
  damage_minor: ColumnType<string | null, number | null | undefined, number | null>;
  damage_currency: string | null;
  occurred_on: string;
  country: string;
  description: string;
  contact: Json<{ name: string; email: string; phone?: string; language: string }>;
  may_contact: boolean;
  created_at: Generated<Date>;
  photo_token_sha256: string | null;
}

export interface IncidentPhotoTable {
  id: string;
  incident_id: string;
  original_key: string;
  display_key: string;
  format: string;
  bytes: number;
  width: number;
  height: number;
  created_at: Generated<Date>;
}

export interface LookupCountTable {
  campaign_id: string;
  day: string;
  country: string;
  lookups: ColumnType<string, number, string>;
  affected: ColumnType<string, number, string>;
  page_views: ColumnType<string, number | undefined, string>;
}

export interface ProgressUpdateTable {
  id: string;
  campaign_id: string;
  text: Json<Record<string, string>>;
  published_at: Generated<Date>;
  author: string;
}

export interface DailyCountTable {
  campaign_id: string;
  day: string;
  metric: string;
  key: string;
  model_code: string;
  country: string;
  currency: string;
  n: ColumnType<string, number, number>;
  amount_minor: ColumnType<string, number, number>;
}

export interface RollupStateTable {
  name: string;
  computed_through: Date;
}

export interface NoticeRecipientTable {
  id: string;
  campaign_id: string;
  email: string;
  email_key: string;
  name: string;
  language: Generated<string>;
  country: string;
  serial: string | null;
  model_code: string | null;
  order_id: string | null;
  source: Generated<string>;
  created_at: Generated<Date>;
  unsubscribed_at: Date | null;
  undeliverable_at: Date | null;
  channel: Generated<NoticeChannel>;
}

/** How a person is told: e-mail is sent by Recallkit; the others are imported to be counted. */
export type NoticeChannel = 'email' | 'mail' | 'phone' | 'other';
export type NoticeWaveState = 'scheduled' | 'running' | 'paused' | 'done';
export type NoticeDeliveryState = 'queued' | 'sent' | 'held' | 'skipped' | 'bounced';

export interface NoticeWaveTable {
  id: string;
  campaign_id: string;
  number: number;
  kind: 'notice' | 'reminder';
  source: string | null;
  follow_up_of: string | null;
  after_days: number | null;
  state: NoticeWaveState;
  run: Generated<number>;
  starts_at: Date;
  audience: Generated<number>;
  audience_by_source: ColumnType<Record<string, number>, string | undefined, string>;
  cursor: Generated<string>;
  created_by: string;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NoticeDeliveryTable {
  /** bigint: read as a string. */
  id: Generated<string>;
  wave_id: string;
  recipient_id: string;
  state: NoticeDeliveryState;
  message_id: string | null;
  created_at: Generated<Date>;
  queued_at: Date | null;
  sent_at: Date | null;
  bounced_at: Date | null;
  opened_at: Date | null;
  looked_up_at: Date | null;
}

export interface NoticeImportTable {
  id: string;
  campaign_id: string;
  file_name: string;
  actor: string;
  rows_total: number;
  rows_added: number;
  rows_merged: number;
  rows_rejected: number;
  created_at: Generated<Date>;
}
