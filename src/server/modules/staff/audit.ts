import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { toCsv } from '../../csv.ts';
import type { Database } from '../../db/schema.ts';
import type { StaffSession } from './sessions.ts';

export interface AuditActor {
  id: string | null;
  email: string | null;
  role: string | null;
  ip: string | null;
  userAgent: string | null;
}

export function actorOf(
  request: FastifyRequest,
  session: StaffSession | null = request.staffSession,
): AuditActor {
  const agent = request.headers['user-agent'];
  return {
    id: session?.staff.id ?? null,
    email: session?.staff.email ?? null,
    role: session?.staff.role ?? null,
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null,
  };
}

/** One line of the audit trail, in the caller's transaction: the record exists exactly when the action happened. */
export async function recordAudit(
  db: Kysely<Database>,
  actor: AuditActor,
  action: string,
  target: { type: string; id: string } | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      actor_id: actor.id,
      actor_email: actor.email,
      actor_role: actor.role,
      action,
      target_type: target?.type ?? null,
      target_id: target?.id ?? null,
      detail: JSON.stringify(detail),
      ip: actor.ip,
      user_agent: actor.userAgent,
    })
    .execute();
}

/**
 * Records a view unless the actor's latest line of that action says exactly the same (the same
 * filter showing the same rows): a screen that refreshes itself is not a person looking again.
 */
export async function recordAuditUnlessRepeated(
  db: Kysely<Database>,
  actor: AuditActor,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const latest = await db
    .selectFrom('audit_event')
    .select('detail')
    .where('actor_id', actor.id === null ? 'is' : '=', actor.id)
    .where('action', '=', action)
    .orderBy('at', 'desc') // audit_event_actor (actor_id, at)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest && sameJson(latest.detail, detail)) return;
  await recordAudit(db, actor, action, null, detail);
}

/** JSON equality regardless of key order (jsonb hands keys back in its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .filter(([, v]) => v !== undefined)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Rows older than this id (paging backwards in time). */
  before?: string | undefined;
  limit: number;
}

export async function listAudit(db: Kysely<Database>, filter: AuditFilter) {
  let query = db.selectFrom('audit_event').selectAll();
  if (filter.actor)
    query = query.where((eb) =>
      eb.or([eb('actor_id', '=', filter.actor as string), eb('actor_email', '=', filter.actor as string)]),
    );
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    actorRole: row.actor_role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    detail: row.detail,
    ip: row.ip,
    userAgent: row.user_agent,
  }));
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actorId',
  'actorEmail',
  'actorRole',
  'action',
  'targetType',
  'targetId',
  'ip',
  'userAgent',
  'detail',
] as const;

/** The audit trail as CSV (formula-like cells quoted, see toCsv). */
export function auditCsv(rows: Awaited<ReturnType<typeof listAudit>>): string {
  return toCsv(CSV_COLUMNS, rows);
}
