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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOOKUP_RATE_LIMIT: z.coerce.number().int().min(0).default(120),
  CATALOG_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
  SEED_EXAMPLES: booleanFlag.default(true),
  TRUST_PROXY: booleanFlag.default(false),
  CAMPAIGNS_DIR: z.string().min(1).default('./campaigns'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  lookupRateLimit: number;
  catalogRefreshMs: number;
  seedExamples: boolean;
  trustProxy: boolean;
  campaignsDir: string;
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
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    logLevel: c.LOG_LEVEL,
    lookupRateLimit: c.LOOKUP_RATE_LIMIT,
    catalogRefreshMs: c.CATALOG_REFRESH_MS,
    seedExamples: c.SEED_EXAMPLES,
    trustProxy: c.TRUST_PROXY,
    campaignsDir: path.resolve(c.CAMPAIGNS_DIR),
  };
}
