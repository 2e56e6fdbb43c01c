import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting Recallkit reads from the environment, validated once at start.
 * The README's configuration table documents each one; keep the two in step.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_READ_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  LOOKUP_RATE_LIMIT: z.coerce.number().int().min(0).default(120),
  CATALOG_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
  SEED_EXAMPLES: booleanFlag.optional(),
  TRUST_PROXY: booleanFlag.default(false),
  CAMPAIGNS_DIR: z.string().min(1).default('./campaigns'),
  PUBLIC_URL: z.string().url().optional(),
  STORAGE_URL: z.string().min(1).optional(),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('Recallkit <recalls@localhost>'),
  MAIL_SETTLE_SECONDS: z.coerce.number().min(0).max(600).default(10),
  DEV_OUTBOX_PAGE: booleanFlag.optional(),
  SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(100),
  METRICS_TOKEN: z.string().min(16).optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  NOTICE_RATE_PER_MINUTE: z.coerce.number().int().positive().default(600),
  NOTICE_BOUNCE_TOKEN: z.string().min(32).optional(),
  WEBHOOK_ALLOWED_HOSTS: z.string().optional(),
  PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
  PHOTO_MAX_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  DRAFT_TTL_HOURS: z.coerce.number().positive().default(72),
  CLAIM_LIMIT_WINDOW_HOURS: z.coerce.number().positive().default(24),
  CLAIM_LIMIT_PER_EMAIL: z.coerce.number().int().min(0).default(5),
  CLAIM_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(5),
  CLAIM_LIMIT_PER_CLIENT: z.coerce.number().int().min(0).default(20),
  WORKER: booleanFlag.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(2),
  WORKER_LEASE_SECONDS: z.coerce.number().int().min(2).default(60),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  SECRET_KEY: z.string().optional(),
  OCR_WORKERS: z.coerce.number().int().positive().default(1),
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(60),
  STAFF_SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  STAFF_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  STAFF_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  STAFF_LOGIN_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Name the statements sent to the database, parsed once per connection (db/prepared.ts). */
  preparedStatements: boolean;
  /** Connections this process opens to PostgreSQL at most (to each of the primary and the replica). */
  databasePoolMax: number;
  /** A read replica for dashboards, reports and lookup index builds (falls back to the primary). */
  databaseReadUrl: string | undefined;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  /** auto: readable lines and a start-up banner on a terminal, JSON lines otherwise. */
  logFormat: z.infer<typeof ConfigSchema>['LOG_FORMAT'];
  lookupRateLimit: number;
  catalogRefreshMs: number;
  seedExamples: boolean;
  trustProxy: boolean;
  campaignsDir: string;
  /** Base of links in e-mails, e.g. https://recalls.example.com */
  publicUrl: string;
  storageUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** A claim's e-mail waits this long for the claim's next moment, to go out as one e-mail. */
  mailSettleMs: number;
  devOutboxPage: boolean;
  /** Shed load while the event loop's mean delay is over this (ms; 0: never). */
  shedEventLoopDelayMs: number;
  /** Bearer token of GET /metrics on the main port (unset: 404). */
  metricsToken: string | undefined;
  /** A port of its own serving /metrics without a token (private networks). */
  metricsPort: number | undefined;
  /** Direct notices a running wave releases to the outbox per minute. */
  noticeRatePerMinute: number;
  /** Bearer token of POST /api/v1/notices/bounces (unset: the endpoint is off). */
  noticeBounceToken: string | undefined;
  /** Host names (or addresses) webhooks may reach although they are private or loopback. */
  webhookAllowedHosts: ReadonlySet<string>;
  photoMaxBytes: number;
  photoMaxPixels: number;
  draftTtlHours: number;
  /** 0 in a limit turns it off. */
  claimLimits: { windowHours: number; perEmail: number; perAddress: number; perClient: number };
  /** Run the job worker in the web process (npm start); `recallkit work` runs it alone. */
  worker: boolean;
  workerConcurrency: number;
  /** How long a job is a worker's without renewal: a dead worker's jobs run again after this. */
  workerLeaseMs: number;
  /** A closed claim's personal data and photos are erased this many days after it closed. */
  retentionDays: number;
  /** SECRET_KEY's entries (the first seals, all open); empty: the data directory's key file. */
  secretKeys: string[];
  /** Tesseract worker threads per process (each about 100 MB, one photo at a time). */
  ocrWorkers: number;
  /** Staff console sign-in: session lifetimes, lockout after wrong passwords, logins per client address per 15 minutes (0: off). */
  staffSessions: { idleMinutes: number; maxHours: number; maxFailures: number; lockoutMinutes: number };
  staffLoginRateLimit: number;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  const secretKeys = (c.SECRET_KEY ?? '').split(',').filter((key) => key.trim());
  if (env.NODE_ENV === 'production' && secretKeys.length === 0)
    throw new ConfigError(
      'Invalid configuration:\n  SECRET_KEY: required in production (gift card codes and webhook secrets are sealed with it); make one with `openssl rand -base64 32`',
    );
  if (secretKeys.some((key) => key.trim().length < 32))
    throw new ConfigError(
      'Invalid configuration:\n  SECRET_KEY: each key must be at least 32 characters (`openssl rand -base64 32`)',
    );
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    preparedStatements: c.DATABASE_PREPARED_STATEMENTS,
    databasePoolMax: c.DATABASE_POOL_MAX,
    databaseReadUrl: c.DATABASE_READ_URL,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    lookupRateLimit: c.LOOKUP_RATE_LIMIT,
    catalogRefreshMs: c.CATALOG_REFRESH_MS,
    // The example recalls are for trying Recallkit on its embedded database; a production
    // database or a PostgreSQL server gets none unless asked for.
    seedExamples: c.SEED_EXAMPLES ?? (!c.DATABASE_URL && env.NODE_ENV !== 'production'),
    trustProxy: c.TRUST_PROXY,
    campaignsDir: path.resolve(c.CAMPAIGNS_DIR),
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    storageUrl: c.STORAGE_URL,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    mailSettleMs: c.MAIL_SETTLE_SECONDS * 1000,
    // Without SMTP, mail stays in the outbox; outside production admins can read it in the
    // console. Never in production: the mail holds claim links and gift card codes.
    devOutboxPage: env.NODE_ENV !== 'production' && (c.DEV_OUTBOX_PAGE ?? !c.SMTP_URL),
    shedEventLoopDelayMs: c.SHED_EVENT_LOOP_DELAY_MS,
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    noticeRatePerMinute: c.NOTICE_RATE_PER_MINUTE,
    noticeBounceToken: c.NOTICE_BOUNCE_TOKEN,
    webhookAllowedHosts: new Set(
      (c.WEBHOOK_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((host) =>
          host
            .trim()
            .toLowerCase()
            .replace(/^\[(.*)\]$/, '$1'),
        )
        .filter(Boolean),
    ),
    photoMaxBytes: c.PHOTO_MAX_BYTES,
    photoMaxPixels: c.PHOTO_MAX_PIXELS,
    draftTtlHours: c.DRAFT_TTL_HOURS,
    claimLimits: {
      windowHours: c.CLAIM_LIMIT_WINDOW_HOURS,
      perEmail: c.CLAIM_LIMIT_PER_EMAIL,
      perAddress: c.CLAIM_LIMIT_PER_ADDRESS,
      perClient: c.CLAIM_LIMIT_PER_CLIENT,
    },
    worker: c.WORKER,
    workerConcurrency: c.WORKER_CONCURRENCY,
    workerLeaseMs: c.WORKER_LEASE_SECONDS * 1000,
    retentionDays: c.RETENTION_DAYS,
    secretKeys: (c.SECRET_KEY ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean),
    ocrWorkers: c.OCR_WORKERS,
    staffSessions: {
      idleMinutes: c.STAFF_SESSION_IDLE_MINUTES,
      maxHours: c.STAFF_SESSION_MAX_HOURS,
      maxFailures: c.STAFF_LOGIN_MAX_FAILURES,
      lockoutMinutes: c.STAFF_LOCKOUT_MINUTES,
    },
    staffLoginRateLimit: c.STAFF_LOGIN_RATE_LIMIT,
  };
}
