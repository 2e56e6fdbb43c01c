import { useQuery } from '@tanstack/react-query';
import type { ReviewCheck } from './console-api.ts';

/**
 * The console's words for the platform's internal names: statuses, checks, remedies, timeline
 * events and audit actions, as staff say them. An unknown name shows as itself, readably.
 */
const STATUS: Record<string, string> = {
  draft: 'Draft (not sent)',
  submitted: 'Sent, waiting for checks',
  verifying: 'Being checked',
  needs_review: 'Needs review',
  needs_info: 'Waiting for the owner',
  escalated: 'Escalated to a supervisor',
  second_review: 'Waiting for a second review',
  approved: 'Approved',
  rejected: 'Rejected',
  fulfilling: 'Remedy on its way',
  fulfilled: 'Remedy received',
  withdrawn: 'Withdrawn',
};

const CHECK: Record<string, string> = {
  serial_matches: 'Serial on the label',
  model_matches: 'Model on the label',
  word_recalled: 'RECALLED written on the unit',
  date_current: 'Today’s date written on the unit',
  name_present: 'Owner’s name written on the unit',
  claim_code_present: 'Claim code written on the unit',
  photo_unique: 'Photos not used before',
  image_quality: 'Photo quality',
  exif_plausible: 'Photo taken after the recall',
  proof_of_purchase: 'Proof of purchase',
};

const REMEDY: Record<string, string> = {
  replacement: 'Replacement',
  gift_card: 'Gift card',
  refund: 'Refund',
  voucher: 'Voucher',
  repair: 'Repair',
};

const EVENT: Record<string, string> = {
  created: 'Claim started',
  evidence_added: 'Photo added',
  submitted: 'Claim sent',
  resubmitted: 'Sent again',
  status_changed: 'Status changed',
  link_sent: 'Link e-mailed to the owner',
  disposal_confirmed: 'Owner confirmed the drop-off',
};

const ACTION: Record<string, string> = {
  'audit.exported': 'Exported the audit trail',
  'campaign.created': 'Created a campaign',
  'campaign.list_imported': 'Imported an eligibility list',
  'campaign.status_changed': 'Changed a campaign’s status',
  'campaign.updated': 'Edited a campaign',
  'claim.decided': 'Decided a claim',
  'claim.photo_viewed': 'Looked at a claim’s photo',
  'claim.viewed': 'Opened a claim',
  'claims.exported': 'Exported claims as CSV',
  'claims.listed': 'Looked at the review queue',
  'claims.searched': 'Searched for claims',
  'giftcards.imported': 'Imported gift card codes',
  'notices.imported': 'Imported people to notify',
  'notices.wave_started': 'Started a notice wave',
  'notices.reminder_scheduled': 'Scheduled a reminder wave',
  'notices.wave_paused': 'Paused a notice wave',
  'notices.wave_resumed': 'Resumed a notice wave',
  'notices.bounces_imported': 'Imported bounces and complaints',
  'incidents.listed': 'Looked at incident reports',
  'incident.photo_viewed': 'Looked at an incident photo',
  'progress.published': 'Published a progress update',
  'report.generated': 'Made a regulator report',
  'payouts.exported': 'Exported a payout file',
  'payouts.results_imported': 'Imported payout results',
  'privacy.erased': 'Erased a person’s data',
  'privacy.exported': 'Exported a person’s data',
  'returns.received': 'Recorded returned units',
  'session.login': 'Signed in',
  'session.login_failed': 'Failed to sign in',
  'session.logout': 'Signed out',
  'shipments.downloaded': 'Downloaded a shipment file',
  'shipments.exported': 'Exported a shipment file',
  'shipments.tracking_imported': 'Imported tracking numbers',
  'staff.created': 'Added a staff member',
  'staff.deactivated': 'Deactivated a staff member',
  'staff.reactivated': 'Reactivated a staff member',
  'staff.password_changed': 'Changed a password',
  'webhook.created': 'Added a webhook',
  'webhook.deactivated': 'Turned a webhook off',
  'webhook.resent': 'Sent a webhook again',
  'webhook.secret_rotated': 'Rotated a webhook secret',
};

const CHECK_MORE: Record<string, string> = {
  refund_amount: 'a refund above the campaign’s amount',
  risk_score: 'a high risk score',
  quality_sample: 'the quality sample',
  second_review_confirmed: 'confirmed by a second reviewer',
  second_review_overturned: 'overturned by a second reviewer',
};

const ACTION_WORD: Record<string, string> = {
  approve: 'approve',
  reject: 'reject',
  request_info: 'ask the owner for more',
  escalate: 'escalate',
};

const readable = (name: string) => {
  const words = name.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const statusLabel = (status: string) => STATUS[status] ?? readable(status);
export const checkLabel = (check: string) => CHECK[check] ?? CHECK_MORE[check] ?? readable(check);
export const actionWord = (action: string) => ACTION_WORD[action] ?? readable(action).toLowerCase();

/** Who did it: a staff member by name, the owner, or the automatic checks. */
export function actorLabel(actor: string, people: Record<string, string> = {}): string {
  if (people[actor]) return people[actor] as string;
  if (actor === 'owner') return 'The owner';
  if (actor === 'system') return 'Automatic checks';
  return actor.startsWith('staff:') ? 'A staff member' : actor;
}

/** The public titles of the campaigns, by slug, for filters that list slugs. */
export function useCampaignTitles(): Record<string, string> {
  const campaigns = useQuery({
    queryKey: ['console', 'campaign-titles'],
    queryFn: async () => {
      const response = await fetch('/api/v1/campaigns?lang=en');
      const body = (await response.json()) as { campaigns: { slug: string; title: string }[] };
      return Object.fromEntries(body.campaigns.map((campaign) => [campaign.slug, campaign.title]));
    },
    staleTime: 5 * 60_000,
  });
  return campaigns.data ?? {};
}
export const remedyLabel = (remedy: string) => REMEDY[remedy] ?? readable(remedy);
export const eventLabel = (type: string) => EVENT[type] ?? readable(type);
export const actionLabel = (action: string) => ACTION[action] ?? readable(action);

/** An audit line's detail as short sentences: "filter: campaign anker-…; shown: 12 claims". */
export function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || value === '') continue;
    if (key === 'shown' && Array.isArray(value)) parts.push(`${value.length} claims shown`);
    else if (key === 'filter' && value && typeof value === 'object') {
      const filters = Object.entries(value as Record<string, unknown>)
        .filter(([name, v]) => v !== undefined && v !== '' && name !== 'limit' && name !== 'offset')
        .map(([name, v]) => `${name} ${name === 'status' ? statusLabel(String(v)) : String(v)}`);
      parts.push(filters.length ? `filtered by ${filters.join(', ')}` : 'no filter');
    } else if (key === 'from' || key === 'to') parts.push(`${key} ${statusLabel(String(value))}`);
    else if (Array.isArray(value))
      parts.push(`${readable(key).toLowerCase()}: ${value.map(String).join(', ')}`);
    else if (typeof value === 'object')
      parts.push(`${readable(key).toLowerCase()}: ${describeDetail(value as Record<string, unknown>)}`);
    else parts.push(`${readable(key).toLowerCase()}: ${String(value)}`);
  }
  return parts.join('; ');
}

/** What a check read and why it came out so, for the reviewer: "read: 2026-11-21 · the handwriting could as well be 2025-11-21, an older day". */
export function describeCheck(check: ReviewCheck): string {
  const d = check.detail;
  const parts: string[] = [];
  if (d.found !== undefined)
    parts.push(`read: ${Array.isArray(d.found) ? d.found.join(', ') : String(d.found ?? 'nothing')}`);
  if (typeof d.distance === 'number') parts.push(`${d.distance} character${d.distance === 1 ? '' : 's'} off`);
  if (d.guided && typeof d.guided === 'object' && 'cost' in d.guided)
    parts.push(
      `found by looking for what the claim expects (${String(d.guided.cost)} nats against the plain reading)`,
    );
  if (typeof d.rival === 'string') parts.push(`the handwriting could as well be ${d.rival}, an older day`);
  if (Array.isArray(d.problems) && d.problems.length) parts.push(`problems: ${d.problems.join(', ')}`);
  if (typeof d.reason === 'string') parts.push(d.reason.replaceAll('_', ' '));
  if (typeof d.software === 'string') parts.push(`software: ${d.software}`);
  if (typeof d.takenAt === 'string') parts.push(`taken ${d.takenAt}`);
  if (Array.isArray(d.matches))
    parts.push(d.matches.length ? `${d.matches.length} match(es) in other claims` : 'no match');
  return parts.join(' · ') || '—';
}
