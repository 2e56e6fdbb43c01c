import type { ClaimsDeps } from './claims-deps.ts';
import { sendClaimLink } from './send-claim-link.ts';
import { emailKey } from './velocity.ts';

/**
 * "I lost my link": every claim on that e-mail address, drafts included (the link brings the owner
 * back to the same draft and code), gets a fresh link by e-mail.
 * The answer is the same whether or not there are claims, so nobody learns who has claimed.
 */
export async function recoverClaimLinks(deps: ClaimsDeps, email: string): Promise<void> {
  const snapshot = deps.catalog.current();
  await deps.db.transaction(async (tx) => {
    const claims = await tx.kysely
      .selectFrom('claim')
      .selectAll()
      .where('email_key', '=', emailKey(email))
      .limit(20)
      .execute();
    for (const claim of claims)
      await sendClaimLink(tx.kysely, claim, snapshot, deps.config.publicUrl, 'owner_request');
  });
  deps.jobsQueued?.();
}
