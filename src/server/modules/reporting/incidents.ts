import type { Kysely, Selectable } from 'kysely';
import type { Incident, IncidentBody } from '../../../shared/contracts/reporting.ts';
import { translate } from '../../../shared/i18n/index.ts';
import type { Language } from '../../../shared/languages.ts';
import type { Database, IncidentTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { newBearerSecret } from '../../secrets.ts';
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.ts';
import { normaliseModelCode, normaliseSerial } from '../catalog/serial.ts';

/**
 * An owner's report of what happened to a unit. The serial (or, failing that, the model) is looked
 * up so the report is linked to its recall; an unlisted unit is still recorded (the next recall is
 * found that way).
 */
export async function reportIncident(
  db: Kysely<Database>,
  snapshot: CatalogSnapshot,
  body: IncidentBody,
  language: Language,
): Promise<{ id: string; campaign: string | null; message: string; photoToken: string }> {
  const model = normaliseModelCode(body.model);
  if (!model) throw new AppError('model_invalid');
  let serial: string | null = null;
  if (body.serial && body.serial.trim() !== '') {
    const normalised = normaliseSerial(body.serial);
    if (!normalised.ok) throw new AppError(normalised.problem);
    serial = normalised.serial;
  }
  if (body.propertyDamage === false && body.damageCost)
    throw new AppError('invalid_request', { details: 'damageCost: only with propertyDamage' });
  const hit =
    snapshot.find(serial, model).find((h) => h.matchedBy === 'serial') ??
    snapshot.find(null, model)[0] ??
    (() => {
      const [named] = snapshot.modelsCoded(model);
      return named ? { campaign: named.campaign, serial: null } : undefined;
    })();
  const id = newId('inc');
  const photoToken = newBearerSecret();
  await db
    .insertInto('incident')
    .values({
      id,
      campaign_id: hit?.campaign.id ?? null,
      model_code: model,
      serial: hit?.serial ?? serial,
      kind: body.kind,
      injury: body.injury,
      property_damage: body.propertyDamage,
      damage_minor: body.damageCost?.amountMinor ?? null,
      damage_currency: body.damageCost?.currency ?? null,
      occurred_on: body.occurredOn,
      country: body.country,
      description: body.description,
      contact: JSON.stringify(body.contact),
      may_contact: body.mayContact,
      photo_token_sha256: photoToken.sha256,
    })
    .execute();
  return {
    id,
    campaign: hit?.campaign.slug ?? null,
    message: translate(language, hit ? 'incident.received_recalled' : 'incident.received'),
    photoToken: photoToken.secret,
  };
}

export interface IncidentFilter {
  campaign?: string | undefined;
  when?: 'before' | 'after' | undefined;
  limit: number;
}

/** The incidents for staff, newest first, each with the claims for the same unit. */
export async function listIncidents(db: Kysely<Database>, filter: IncidentFilter): Promise<Incident[]> {
  let query = db
    .selectFrom('incident as i')
    .leftJoin('campaign as c', 'c.id', 'i.campaign_id')
    .selectAll('i')
    .select(['c.slug', 'c.announced_on'])
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(filter.limit);
  if (filter.campaign) query = query.where('c.slug', '=', filter.campaign);
  if (filter.when === 'before') query = query.whereRef('i.occurred_on', '<', 'c.announced_on');
  if (filter.when === 'after') query = query.whereRef('i.occurred_on', '>=', 'c.announced_on');
  const rows = await query.execute();
  const serials = [...new Set(rows.map((row) => row.serial).filter((s): s is string => s !== null))];
  const claims = serials.length
    ? await db
        .selectFrom('claim')
        .select(['id', 'code', 'status', 'serial', 'campaign_id'])
        .where('serial', 'in', serials)
        .where('status', '!=', 'draft')
        .execute()
    : [];
  const photos = rows.length
    ? await db
        .selectFrom('incident_photo')
        .select(['id', 'incident_id', 'width', 'height'])
        .where(
          'incident_id',
          'in',
          rows.map((row) => row.id),
        )
        .orderBy('created_at')
        .execute()
    : [];
  return rows.map((row) => ({
    ...presentIncident(
      row,
      row.slug,
      row.announced_on,
      claims.filter((claim) => claim.serial === row.serial && claim.campaign_id === row.campaign_id),
    ),
    photos: photos
      .filter((photo) => photo.incident_id === row.id)
      .map((photo) => ({ id: photo.id, width: photo.width, height: photo.height })),
  }));
}

function presentIncident(
  row: Selectable<IncidentTable>,
  slug: string | null,
  announcedOn: string | null,
  claims: { id: string; code: string; status: string }[],
): Omit<Incident, 'photos'> {
  return {
    id: row.id,
    campaign: slug,
    model: row.model_code,
    serial: row.serial,
    kind: row.kind,
    injury: row.injury,
    propertyDamage: row.property_damage,
    damageCost:
      row.damage_minor !== null && row.damage_currency
        ? { amountMinor: Number(row.damage_minor), currency: row.damage_currency }
        : null,
    occurredOn: row.occurred_on,
    beforeRecall: announcedOn ? row.occurred_on < announcedOn : null,
    country: row.country,
    description: row.description,
    contact: row.contact,
    mayContact: row.may_contact,
    createdAt: row.created_at.toISOString(),
    claims: claims.map((claim) => ({ id: claim.id, code: claim.code, status: claim.status })),
  };
}
