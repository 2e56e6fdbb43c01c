import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';

const SETTLE_MS = 1500;

describe.each(await testDatabases())('one e-mail per moment on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let reviewer: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db, { config: { mailSettleMs: SETTLE_MS } });
    reviewer = await signIn(harness.app, db, 'supervisor');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const outbox = (claimId: string) =>
    db.kysely
      .selectFrom('outbox_message')
      .selectAll()
      .where('claim_id', '=', claimId)
      .orderBy('seq')
      .execute();

  it('sends received, approved and the gift card, seconds apart, as one branded e-mail', async () => {
    const claim = await harness.inReview({ remedy: 'gift_card', language: 'en', name: 'Jordan Lee' });
    const decided = await reviewer.post(`/api/v1/console/claims/${claim.id}/decision`, { action: 'approve' });
    expect(decided.json().status).toBe('approved');
    await harness.worker.drain(); // issues the gift card at once
    // Nothing has gone yet: each moment waits to see whether another follows.
    expect((await outbox(claim.id)).map((m) => m.state)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    await harness.worker.drain();
    const messages = await outbox(claim.id);
    expect(messages.map((m) => [m.template, m.state])).toEqual([
      ['claim_started', 'merged'],
      ['claim_received', 'merged'],
      ['approved', 'merged'],
      ['remedy_sent', 'held'],
    ]);
    const [, , , mail] = messages;
    expect(messages.slice(0, 3).every((m) => m.merged_into === mail?.id)).toBe(true);
    const code = (await harness.status(claim)).json().fulfilment.code as string;
    const text = mail?.text_body ?? '';
    // Every moment in order, once; the stale "finish your claim" is left out; one link.
    expect(text).toMatch(/^Hello Jordan Lee,/);
    expect(text.indexOf('We received your claim')).toBeLessThan(text.indexOf('is approved'));
    expect(text.indexOf('is approved')).toBeLessThan(text.indexOf('Your gift card code'));
    expect(text).toContain(`Your gift card code is ${code} (worth $30.00). Use it at checkout at Anker.com.`);
    expect(text).not.toContain('Finish your claim');
    expect(text.match(/\/c\/clm_/g)).toHaveLength(1);
    expect(text).toContain('The Anker recall team');
    expect(text).toContain('Questions? Contact Anker: support@anker.com');
    // The HTML part says the same, under the brand's band, with the link as a button.
    const html = mail?.html_body ?? '';
    expect(html).toContain('background:#00a7e1;color:#000000');
    expect(html).toContain('>ANKER<');
    expect(html).toContain(`Your gift card code is ${code}`);
    expect(html).toMatch(/<a href="http:\/\/recalls\.test\/c\/clm_[^"]+#t=[^"]+"[^>]*>Open your claim<\/a>/);
    // The merged ones keep no link secret.
    for (const merged of messages.slice(0, 3)) expect(merged.text_body).not.toMatch(/#t=(?!\(removed)/);
  });

  it('drops the draft’s “finish your claim” when the claim was sent within the window', async () => {
    const claim = await harness.inReview({ language: 'es' });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    await harness.worker.drain();
    const messages = await outbox(claim.id);
    // Started and received came within the window (a claim sent by API at once): one e-mail, received.
    expect(messages.map((m) => [m.template, m.state])).toEqual([
      ['claim_started', 'merged'],
      ['claim_received', 'held'],
    ]);
    expect(messages[1]?.subject).toBe(`Hemos recibido su reclamación ${claim.code}`);
  });
});
