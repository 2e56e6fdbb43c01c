import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsHarness, type InReviewOptions } from '../../../../test/support/claims.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';

const US = 'anker-2025-us-a1263';
const GLOBAL = 'anker-2025-global-5-models';

type Owner = { id: string; code: string; accessToken: string };

describe.each(await testDatabases())('reviewing claims on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof claimsHarness>>;
  let reviewer: ConsoleClient;
  let otherReviewer: ConsoleClient;
  let supervisor: ConsoleClient;
  let admin: ConsoleClient;
  let manager: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await claimsHarness(db);
    reviewer = await signIn(harness.app, db, 'reviewer', 'Riley Reviewer');
    otherReviewer = await signIn(harness.app, db, 'reviewer', 'Olive Other');
    supervisor = await signIn(harness.app, db, 'supervisor', 'Sam Supervisor');
    admin = await signIn(harness.app, db, 'admin');
    manager = await signIn(harness.app, db, 'manager');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  async function claimInReview(options: InReviewOptions = {}): Promise<Owner> {
    const claim = await harness.inReview({
      ...options,
      ...(options.campaign === GLOBAL ? { country: options.country ?? 'DE' } : {}),
    });
    expect((await harness.status(claim)).json().status).toBe('needs_review');
    return claim;
  }

  const view = async (client: ConsoleClient, claim: Owner) => {
    const response = await client.get(`/api/v1/console/claims/${claim.id}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const decide = async (client: ConsoleClient, claim: Owner, body: object) =>
    client.post(`/api/v1/console/claims/${claim.id}/decision`, body);
  const mails = (claim: Owner) =>
    db.kysely
      .selectFrom('outbox_message')
      .select(['template', 'language', 'subject', 'text_body'])
      .where('claim_id', '=', claim.id)
      .orderBy('created_at')
      .execute();

  it('lists the queue longest-waiting first, with counts per filter value', async () => {
    const first = await claimInReview();
    const second = await claimInReview({ country: 'US' });
    const queue = (await reviewer.get(`/api/v1/console/claims?campaign=${US}&limit=200`)).json();
    const ids = queue.claims.map((c: { id: string }) => c.id);
    expect(ids).toContain(first.id);
    expect(ids).toContain(second.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect(queue.counts.status.needs_review).toBeGreaterThanOrEqual(2);
    expect(queue.counts.campaign[US]).toBe(queue.total);
    expect(queue.claims[0]).toMatchObject({
      campaign: US,
      status: 'needs_review',
      country: 'US',
      hasUnit: false,
    });
    const none = (await reviewer.get('/api/v1/console/claims?country=FR')).json();
    expect(none.total).toBe(0);
    expect(none.counts.country.US).toBeGreaterThanOrEqual(2); // what the other countries would give
  });

  it('audits what a person was shown, not each refresh of the same queue', async () => {
    const listed = async () =>
      (
        await db.kysely
          .selectFrom('audit_event')
          .select('id')
          .where('actor_id', '=', reviewer.staffId)
          .where('action', '=', 'claims.listed')
          .execute()
      ).length;
    const before = await listed();
    // The queue's 30-second polling: the same filter showing the same claims, three times.
    for (let i = 0; i < 3; i++) await reviewer.get(`/api/v1/console/claims?campaign=${US}&limit=100`);
    expect(await listed()).toBe(before + 1);
    // Another filter is another view; a new claim in the list is something new shown.
    await reviewer.get(`/api/v1/console/claims?campaign=${US}&limit=100&country=US`);
    expect(await listed()).toBe(before + 2);
    await claimInReview();
    await reviewer.get(`/api/v1/console/claims?campaign=${US}&limit=100&country=US`);
    expect(await listed()).toBe(before + 3);
  });

  it('approves: the owner’s status and e-mail say so, and the decision and the view are audited', async () => {
    const claim = await claimInReview({ language: 'es' });
    const detail = await view(reviewer, claim);
    expect(detail.allowedActions).toEqual(['approve', 'reject', 'request_info', 'escalate']);
    expect(detail.reviewer).toMatchObject({ name: 'Riley Reviewer', you: true });
    expect(detail.claim.incidentDescription).toContain('caught fire');
    expect(detail.timeline.map((e: { type: string }) => e.type)).toContain('submitted');
    const decided = await decide(reviewer, claim, { action: 'approve', version: detail.version });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'approved', awaitingSecondReview: false });
    // Approved: the gift card is on its way, then with the owner.
    expect((await harness.status(claim)).json().status).toBe('fulfilling');
    expect((await mails(claim)).map((m) => [m.template, m.language])).toContainEqual(['approved', 'es']);
    await harness.worker.drain();
    const owner = (await harness.status(claim)).json();
    expect(owner.status).toBe('fulfilled');
    const sent = (await mails(claim)).find((m) => m.template === 'remedy_sent');
    expect(sent?.text_body).toContain(`Su código de tarjeta regalo es ${owner.fulfilment.code}`);
    expect(sent?.text_body).toContain('30,00');

    const audit = (await admin.get(`/api/v1/console/audit?targetId=${claim.id}`)).json().events;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['claim.decided', 'claim.viewed']);
    expect(audit[0]).toMatchObject({ actorEmail: reviewer.email, actorRole: 'reviewer', ip: '127.0.0.1' });
    expect(audit[0].detail).toMatchObject({ action: 'approve', from: 'needs_review', to: 'approved' });
    const decisions = (await view(supervisor, claim)).decisions;
    expect(decisions.at(-1)).toMatchObject({
      actor: `staff:${reviewer.staffId}`,
      action: 'approve',
      state: 'final',
    });
  });

  it('rejects with one of the campaign’s reasons, told to the owner in their language', async () => {
    const claim = await claimInReview({ language: 'es' });
    const detail = await view(reviewer, claim);
    expect(detail.rejectReasons.map((r: { code: string }) => r.code)).toContain('not_affected');
    const noReason = await decide(reviewer, claim, { action: 'reject', version: detail.version });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.code).toBe('reason_required');
    const unknown = await decide(reviewer, claim, { action: 'reject', reason: 'looks_odd' });
    expect(unknown.json().error.code).toBe('reason_unknown');
    expect((await harness.status(claim)).json().status).toBe('needs_review'); // nothing half-done

    const rejected = await decide(reviewer, claim, {
      action: 'reject',
      reason: 'not_affected',
      message: 'Serial AB12 no está en la lista.',
      version: detail.version,
    });
    expect(rejected.json().status).toBe('rejected');
    const mail = (await mails(claim)).find((m) => m.template === 'rejected');
    expect(mail?.language).toBe('es');
    expect(mail?.text_body).toContain('La unidad de las fotos no es una de las unidades retiradas.');
    expect(mail?.text_body).toContain('Serial AB12 no está en la lista.');
    const status = (await harness.status(claim)).json();
    expect(status.next).toBe('none');
    expect(status.timeline.at(-1).note).toContain(
      'La unidad de las fotos no es una de las unidades retiradas.',
    );
  });

  it('asks the owner for information, in their language, and takes the claim back when they answer', async () => {
    const claim = await claimInReview({ language: 'zh-CN' });
    const detail = await view(reviewer, claim);
    const asked = await decide(reviewer, claim, {
      action: 'request_info',
      reason: 'proof_of_purchase',
      version: detail.version,
    });
    expect(asked.json().status).toBe('needs_info');
    const mail = (await mails(claim)).find((m) => m.template === 'info_needed');
    expect(mail?.text_body).toContain('请发送收据或订单确认的照片');
    expect((await harness.status(claim)).json().next).toBe('provide_info');
    expect((await harness.submit(claim)).statusCode).toBe(200);
    await harness.worker.drain();
    expect((await harness.status(claim)).json().status).toBe('needs_review');
  });

  it('escalates to a supervisor, whom a reviewer cannot stand in for', async () => {
    const claim = await claimInReview();
    const detail = await view(reviewer, claim);
    expect(
      (
        await decide(reviewer, claim, {
          action: 'escalate',
          message: 'Order number looks made up',
          version: detail.version,
        })
      ).json().status,
    ).toBe('escalated');
    expect((await mails(claim)).map((m) => m.template)).not.toContain('approved');
    const byReviewer = await decide(otherReviewer, claim, { action: 'approve' });
    expect(byReviewer.statusCode).toBe(403);
    const queue = (await supervisor.get('/api/v1/console/claims?status=escalated')).json();
    expect(queue.claims.map((c: { id: string }) => c.id)).toContain(claim.id);
    const supervisorView = await view(supervisor, claim);
    expect(supervisorView.allowedActions).toEqual(['approve', 'reject', 'request_info']);
    expect(
      (await decide(supervisor, claim, { action: 'approve', version: supervisorView.version })).json().status,
    ).toBe('approved');
  });

  it('shows who has a claim open and refuses a second person’s decision or a stale one with a conflict', async () => {
    const claim = await claimInReview();
    const mine = await view(reviewer, claim);
    const theirs = await view(otherReviewer, claim);
    expect(theirs.reviewer).toMatchObject({ name: 'Riley Reviewer', you: false });
    expect(theirs.allowedActions).toEqual([]);
    const queue = (await otherReviewer.get(`/api/v1/console/claims?campaign=${US}&limit=200`)).json();
    expect(queue.claims.find((c: { id: string }) => c.id === claim.id).reviewer).toBe('Riley Reviewer');
    const blocked = await decide(otherReviewer, claim, { action: 'approve' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toMatchObject({ code: 'claim_in_review' });
    expect(blocked.json().error.message).toContain('Riley Reviewer');

    // The owner confirms the drop-off meanwhile: the reviewer's picture of the claim is stale.
    expect((await harness.confirmDisposal(claim)).statusCode).toBe(200);
    const stale = await decide(reviewer, claim, { action: 'approve', version: mine.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('claim_changed');
    expect((await harness.status(claim)).json().status).toBe('needs_review');

    // Letting go hands it over.
    expect((await reviewer.post(`/api/v1/console/claims/${claim.id}/release`)).statusCode).toBe(204);
    const fresh = await view(otherReviewer, claim);
    expect(
      (await decide(otherReviewer, claim, { action: 'approve', version: fresh.version })).statusCode,
    ).toBe(200);
  });

  it('lets only one of two simultaneous decisions through', async () => {
    const claim = await claimInReview();
    const [a, b] = await Promise.all([
      decide(supervisor, claim, { action: 'approve' }),
      decide(admin, claim, { action: 'reject', reason: 'duplicate_claim' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const decisions = await db.kysely
      .selectFrom('decision')
      .select('actor')
      .where('claim_id', '=', claim.id)
      .where('actor', 'like', 'staff:%')
      .execute();
    expect(decisions).toHaveLength(1);
    const templates = (await mails(claim)).map((m) => m.template);
    expect(templates.filter((t) => t === 'approved' || t === 'rejected')).toHaveLength(1);
  });

  it('holds a refund above the campaign’s amount for a supervisor’s second review, by someone else', async () => {
    const campaign = (await manager.get(`/api/v1/console/campaigns/${GLOBAL}`)).json().definition;
    const edited = await manager.put(`/api/v1/console/campaigns/${GLOBAL}`, {
      definition: {
        ...campaign,
        triage: { ...campaign.triage, secondReview: { riskScoreAbove: 60, refundAboveMinor: 0 } },
      },
    });
    expect(edited.json()).toMatchObject({ outcome: 'updated' });

    const claim = await claimInReview({ campaign: GLOBAL, remedy: 'refund', language: 'en' });
    const first = await view(supervisor, claim);
    const approved = await decide(supervisor, claim, { action: 'approve', version: first.version });
    expect(approved.json()).toMatchObject({ status: 'second_review', awaitingSecondReview: true });
    expect((await harness.status(claim)).json()).toMatchObject({ status: 'second_review', next: 'wait' });
    expect((await mails(claim)).map((m) => m.template)).not.toContain('approved');

    // The first reviewer looks at the claim again (their screen refreshes): it is not theirs to
    // act on, so they take no lease and the second reviewer is not kept out.
    const again = await view(supervisor, claim);
    expect(again.allowedActions).toEqual([]);
    expect(again.reviewer).toBeNull();
    const self = await decide(supervisor, claim, { action: 'approve' });
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('second_review_same_person');
    expect((await decide(reviewer, claim, { action: 'approve' })).statusCode).toBe(403);

    const second = await view(admin, claim);
    expect(second.reviewer).toMatchObject({ id: admin.staffId, you: true });
    expect(second.pendingDecision).toMatchObject({
      action: 'approve',
      actor: `staff:${supervisor.staffId}`,
      reasons: ['refund_amount'],
    });
    const confirmed = await decide(admin, claim, { action: 'approve', version: second.version });
    expect(confirmed.json()).toMatchObject({ status: 'approved', awaitingSecondReview: false });
    expect((await mails(claim)).map((m) => m.template)).toContain('approved');
    const decisions = (await view(admin, claim)).decisions.filter(
      (d: { actor: string }) => d.actor !== 'system',
    );
    expect(
      decisions.map((d: { state: string; confirmedBy: string | null }) => [d.state, d.confirmedBy]),
    ).toEqual([
      ['confirmed', `staff:${admin.staffId}`],
      ['final', null],
    ]);

    // A supervisor may also overturn the first decision.
    const other = await claimInReview({ campaign: GLOBAL, remedy: 'refund', language: 'en' });
    await decide(reviewer, other, { action: 'approve' });
    const overturned = await decide(supervisor, other, { action: 'reject', reason: 'not_affected' });
    expect(overturned.json().status).toBe('rejected');
    expect(
      (await view(admin, other)).decisions.find((d: { state: string }) => d.state === 'overturned'),
    ).toBeTruthy();
  });

  it('exports the audit trail as CSV with the filters, and records the export', async () => {
    const csv = await admin.get(
      `/api/v1/console/audit/export?actor=${encodeURIComponent(reviewer.email)}&action=claim.`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="recallkit-audit-/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,at,actorId,actorEmail,actorRole,action,targetType,targetId,ip,userAgent,detail',
    );
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.slice(1).every((line) => line.includes(reviewer.email))).toBe(true);
    const exported = (await admin.get('/api/v1/console/audit?action=audit.exported')).json().events;
    expect(exported[0]).toMatchObject({ actorEmail: admin.email });
    expect((await reviewer.get('/api/v1/console/audit')).statusCode).toBe(403);
  });
});
