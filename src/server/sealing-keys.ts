import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { configureSealing } from './secrets.ts';

/**
 * Configures the keys secrets are sealed with: SECRET_KEY when set (required in production);
 * otherwise a key generated once into the data directory (`secret.key`, readable by its owner
 * only), so `npm start` needs no setting and keeps its secrets readable across restarts.
 */
export function configureSealingKeys(config: Pick<Config, 'secretKeys' | 'dataDir'>): void {
  configureSealing(sealingKeyEntries(config));
}

function sealingKeyEntries(config: Pick<Config, 'secretKeys' | 'dataDir'>): string[] {
  if (config.secretKeys.length > 0) return config.secretKeys;
  if (config.dataDir.startsWith('memory://')) return [randomBytes(32).toString('base64')];
  const file = path.join(config.dataDir, 'secret.key');
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return [fs.readFileSync(file, 'utf8').trim()];
}

/**
 * Said at start by a process on a shared PostgreSQL database without SECRET_KEY: its key is its
 * own (in its DATA_DIR), so codes it seals cannot be opened by the others, nor theirs by it.
 */
export const OWN_KEY_WARNING =
  'SECRET_KEY is not set: this process seals gift card codes and webhook secrets with a key of its own (DATA_DIR/secret.key); every process on this database must have the same key: set SECRET_KEY on all of them';
