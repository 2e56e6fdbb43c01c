import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { sql } from 'kysely';
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Db } from '../../db/database.ts';
import { deleteIncidentPhotos } from '../evidence/incident-photo-blobs.ts';
import { type AuditActor, recordAudit } from '../staff/audit.ts';
import { erasePersonalData } from './erase-personal-data.ts';
import { emailKey } from './velocity.ts';

/** The claims an e-mail address made (however it was written: case, +tags). */
async function claimIdsOf(db: Db, email: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('claim')
    .select('id')
    .where('email_key', '=', emailKey(email))
    .execute();
  return rows.map((row) => row.id);
}

/** The incident reports a person sent, found by the contact address they gave (case aside). */
const incidentsOf = (db: Db, email: string) =>
  db.kysely
    .selectFrom('incident')
    .selectAll()
    .where(sql`lower(contact->>'email')`, '=', email.trim().toLowerCase());

/** What an erased incident keeps: what happened to which unit, when and where; not who said so. */
export const ERASED_INCIDENT = {
  contact: JSON.stringify({ name: '', email: '', language: 'en' }),
  description: '(erased)',
  may_contact: false,
  photo_token_sha256: null,
};

/** A stable, non-reversible name for a person in the audit trail (never the address itself). */
export const personRef = (email: string) =>
  `person:${createHash('sha256').update(emailKey(email)).digest('hex').slice(0, 16)}`;

/**
 * Everything held about the person behind an e-mail address (the right of access): each claim
 * with its timeline, checks, decisions and remedy as JSON, its photos as files, and the e-mails
 * sent to them, in one zip. Returns the zip and how many claims it covers.
 */
export async function exportPersonalData(
  db: Db,
  blobs: BlobStore,
  email: string,
  actor: AuditActor,
): Promise<{ zip: Uint8Array; claims: number; photos: number }> {
  const ids = await claimIdsOf(db, email);
  const k = db.kysely;
  const files: Record<string, Uint8Array> = {};
  const claims = [];
  let photos = 0;
  for (const id of ids) {
    const claim = await k.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const [events, evidence, checks, decisions, remedy, emails] = await Promise.all([
      k.selectFrom('claim_event').selectAll().where('claim_id', '=', id).orderBy('at').execute(),
      k.selectFrom('evidence').selectAll().where('claim_id', '=', id).orderBy('created_at').execute(),
      k.selectFrom('check_result').selectAll().where('claim_id', '=', id).execute(),
      k.selectFrom('decision').selectAll().where('claim_id', '=', id).execute(),
      k.selectFrom('remedy').selectAll().where('claim_id', '=', id).executeTakeFirst(),
      k
        .selectFrom('outbox_message')
        .select(['id', 'to_address', 'language', 'subject', 'text_body', 'state', 'created_at', 'sent_at'])
        .where('claim_id', '=', id)
        .orderBy('created_at')
        .execute(),
    ]);
    for (const photo of evidence) {
      const bytes = await blobs.get(photo.original_key);
      if (!bytes) continue;
      files[`photos/${claim.code}-${photo.kind}-${photo.id}.${photo.format}`] = new Uint8Array(bytes);
      photos++;
    }
    claims.push({
      claim: { ...claim, review_by: undefined, review_until: undefined, risk_score: undefined },
      timeline: events,
      photos: evidence.map(
        ({ phash_b0, phash_b1, phash_b2, phash_b3, centre_b0, centre_b1, centre_b2, centre_b3, ...photo }) =>
          photo,
      ),
      checks,
      decisions,
      remedy: remedy ?? null,
      emails,
    });
  }
  files['claims.json'] = strToU8(JSON.stringify({ exportedAt: new Date().toISOString(), claims }, null, 2));
  const incidents = await incidentsOf(db, email).orderBy('created_at').execute();
  if (incidents.length > 0) {
    const incidentPhotos = await k
      .selectFrom('incident_photo')
      .selectAll()
      .where(
        'incident_id',
        'in',
        incidents.map((incident) => incident.id),
      )
      .execute();
    for (const photo of incidentPhotos) {
      const bytes = await blobs.get(photo.original_key);
      if (bytes)
        files[`incident-photos/${photo.incident_id}-${photo.id}.${photo.format}`] = new Uint8Array(bytes);
    }
    files['incidents.json'] = strToU8(
      JSON.stringify(
        { incidents: incidents.map(({ photo_token_sha256, ...incident }) => incident) },
        null,
        2,
      ),
    );
  }
  const notices = await k
    .selectFrom('notice_recipient')
    .selectAll()
    .where('email_key', '=', emailKey(email))
    .execute();
  if (notices.length > 0) {
    // With each list entry, the notices sent to it: when, and whether the link was followed.
    const deliveries = await k
      .selectFrom('notice_delivery as d')
      .innerJoin('notice_wave as w', 'w.id', 'd.wave_id')
      .select([
        'd.recipient_id',
        'w.number as wave',
        'w.kind',
        'd.state',
        'd.queued_at',
        'd.sent_at',
        'd.bounced_at',
        'd.opened_at',
        'd.looked_up_at',
      ])
      .where(
        'd.recipient_id',
        'in',
        notices.map((notice) => notice.id),
      )
      .orderBy('d.id')
      .execute();
    const withDeliveries = notices.map((notice) => ({
      ...notice,
      notices: deliveries.filter((d) => d.recipient_id === notice.id).map(({ recipient_id, ...d }) => d),
    }));
    files['notices.json'] = strToU8(JSON.stringify({ notices: withDeliveries }, null, 2));
  }
  files['README.txt'] = strToU8(
    'Everything Recallkit holds about the claims made with this e-mail address: claims.json (each claim, its timeline, the checks of its photos, decisions, remedy and the e-mails sent), the photos themselves under photos/, incidents.json (incident reports sent with this address) and notices.json (the recall notice lists that name it), if any.\n',
  );
  await recordAudit(
    db.kysely,
    actor,
    'privacy.exported',
    { type: 'person', id: personRef(email) },
    {
      claims: ids.length,
      photos,
      incidents: incidents.length,
    },
  );
  return { zip: zipSync(files), claims: ids.length, photos };
}

/**
 * Removes the personal data of every claim an e-mail address made (the right to erasure);
 * decisions, remedies and counts stay (erase-personal-data.ts). Export and erasure are each
 * recorded in the audit trail, naming the person by a hash, never the address.
 */
export async function erasePerson(db: Db, blobs: BlobStore, email: string, actor: AuditActor) {
  const by = actor.id ? `staff:${actor.id}` : (actor.email ?? 'unknown');
  const erased = await erasePersonalData(
    db,
    blobs,
    await claimIdsOf(db, email),
    'erasure requested by the person',
    by,
  );
  const incidents = await db.kysely
    .updateTable('incident')
    .set(ERASED_INCIDENT)
    .where(sql`lower(contact->>'email')`, '=', email.trim().toLowerCase())
    .returning('id')
    .execute();
  const incidentPhotos = await deleteIncidentPhotos(
    db.kysely,
    blobs,
    incidents.map((incident) => incident.id),
  );
  const notices = await db.kysely
    .deleteFrom('notice_recipient')
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  const done = {
    ...erased,
    incidents: incidents.length,
    incidentPhotos,
    noticeLists: Number(notices.numDeletedRows),
  };
  await recordAudit(db.kysely, actor, 'privacy.erased', { type: 'person', id: personRef(email) }, done);
  return done;
}
