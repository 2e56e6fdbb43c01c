import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const KEY = 'k'.repeat(44);

describe('loadConfig: production-safe defaults', () => {
  it('loads the example recalls only on the embedded database outside production', () => {
    expect(loadConfig({}).seedExamples).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/recalls' }).seedExamples).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SECRET_KEY: KEY }).seedExamples).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SEED_EXAMPLES: 'true', SECRET_KEY: KEY }).seedExamples).toBe(
      true,
    );
  });

  it('never shows the outbox in production, even when asked', () => {
    expect(loadConfig({}).devOutboxPage).toBe(true);
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example:25' }).devOutboxPage).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SECRET_KEY: KEY }).devOutboxPage).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', DEV_OUTBOX_PAGE: 'true', SECRET_KEY: KEY }).devOutboxPage,
    ).toBe(false);
  });

  it('requires SECRET_KEY in production, of at least 32 characters', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'short' })).toThrow(
      /at least 32 characters/,
    );
    const keys = loadConfig({
      NODE_ENV: 'production',
      SECRET_KEY: `${'a'.repeat(32)}, ${'b'.repeat(32)}`,
    }).secretKeys;
    expect(keys).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
  });
});
