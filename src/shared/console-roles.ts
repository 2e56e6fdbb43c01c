/**
 * Staff roles and who may use each part of the console: the server's route rules and the
 * console's pages and navigation read the same lists. `admin` may do everything.
 */
export const STAFF_ROLES = ['admin', 'manager', 'supervisor', 'reviewer', 'fulfilment', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const CONSOLE_RULES = {
  /** The review queue, claims, their photos and decisions. */
  review: ['reviewer', 'supervisor'],
  /** Finding any sent claim by code, e-mail, serial, order number or name, and its CSV. */
  findClaims: ['reviewer', 'supervisor', 'fulfilment'],
  /** Campaign figures and definitions, read-only. */
  campaignsRead: ['manager', 'analyst', 'supervisor'],
  /** Editing campaigns and importing eligibility lists. */
  campaignsEdit: ['manager'],
  /** Shipment and payout files, tracking, returns. */
  fulfilment: ['fulfilment'],
  /** What waits for fulfilment, and gift card pools (managers buy the codes). */
  fulfilmentOverview: ['fulfilment', 'manager'],
  webhooks: ['manager'],
  /** Notice lists (personal data), waves, bounces: managers (and admins). */
  notices: ['manager'],
  /** Incident reports and the regulator's reports. */
  reports: ['manager', 'analyst', 'supervisor'],
  /** Staff accounts and the audit trail. */
  admin: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export function mayUse(role: StaffRole, rule: readonly StaffRole[]): boolean {
  return role === 'admin' || rule.includes(role);
}
