/** What an incident report says happened, and to whom (no zod here: the owner's pages import it). */
export const INCIDENT_KIND = ['overheating', 'swelling', 'smoke', 'melting', 'fire', 'explosion'] as const;
export const INJURY = ['none', 'minor_burn', 'medical_treatment', 'hospital', 'death'] as const;
