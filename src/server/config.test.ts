import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig: production-safe defaults', () => {
  it('loads the example recalls only on the embedded database outside production', () => {
    expect(loadConfig({}).seedExamples).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/recalls' }).seedExamples).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).seedExamples).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SEED_EXAMPLES: 'true' }).seedExamples).toBe(true);
  });

  it('never shows the outbox in production, even when asked', () => {
    expect(loadConfig({}).devOutboxPage).toBe(true);
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example:25' }).devOutboxPage).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).devOutboxPage).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEV_OUTBOX_PAGE: 'true' }).devOutboxPage).toBe(false);
  });
});
