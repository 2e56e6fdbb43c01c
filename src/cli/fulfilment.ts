import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../server/config.ts';
import { findCampaign } from '../server/modules/catalog/catalog.queries.ts';
import { exportPayouts } from '../server/modules/remedies/export-payouts.ts';
import { exportShipments } from '../server/modules/remedies/export-shipments.ts';
import { importGiftCardPool } from '../server/modules/remedies/import-gift-card-pool.ts';
import { importPayoutResults } from '../server/modules/remedies/import-payout-results.ts';
import { importTracking } from '../server/modules/remedies/import-tracking.ts';
import { receiveReturn } from '../server/modules/remedies/receive-return.ts';
import { cliActor, withDatabase } from './context.ts';

/** Writes a batch's CSV to --out, or to standard output. */
function writeBatch(
  batch: { batchId: string; lines: number; csv: string } | null,
  out: string | undefined,
  what: string,
) {
  if (!batch) {
    console.error(`Nothing to ${what}.`);
    return;
  }
  if (out) {
    fs.writeFileSync(out, batch.csv);
    console.error(`${batch.batchId}: ${batch.lines} lines written to ${out}`);
  } else {
    process.stdout.write(batch.csv);
    console.error(`${batch.batchId}: ${batch.lines} lines`);
  }
}

function printRejected(rejected: { line: number; reason: string }[]) {
  for (const row of rejected) console.error(`line ${row.line}: ${row.reason}`);
  if (rejected.length > 0) process.exitCode = 1;
}

export function registerFulfilmentCommands(program: Command) {
  program
    .command('giftcards')
    .description('Gift card and voucher code pools')
    .command('import')
    .argument('<file>', 'CSV with the header code, optionally amount (e.g. 30.00) and currency')
    .requiredOption('--campaign <slug>', 'the campaign whose pool gets the codes')
    .option('--voucher', 'the codes are vouchers, not gift cards')
    .description('Add codes to a campaign’s pool; codes already there are skipped')
    .action(async (file: string, options: { campaign: string; voucher?: boolean }) => {
      const result = await withDatabase(async (db) => {
        const campaign = await findCampaign(db.kysely, options.campaign);
        if (!campaign) throw new Error(`There is no campaign "${options.campaign}".`);
        return importGiftCardPool(
          db,
          campaign,
          fs.readFileSync(file),
          options.voucher ? 'voucher' : 'gift_card',
        );
      });
      console.log(
        `${result.added} codes added, ${result.skipped} already in the pool, ${result.requeued} waiting remedies queued (import ${result.id})`,
      );
    });

  const shipments = program
    .command('shipments')
    .description('Replacements and return bags for the warehouse');
  shipments
    .command('export')
    .option('--out <file>', 'write the CSV here instead of to standard output')
    .description(
      'Make the next shipment batch: every replacement ready to ship and every return bag not yet sent',
    )
    .action(async (options: { out?: string }) => {
      writeBatch(await withDatabase((db) => exportShipments(db, cliActor())), options.out, 'ship');
    });
  shipments
    .command('import-tracking')
    .argument('<file>', 'CSV with order_id, carrier, tracking_number and optionally tracking_url')
    .description('Record tracking numbers; each owner gets the carrier and the tracking link')
    .action(async (file: string) => {
      const { publicUrl } = loadConfig();
      const result = await withDatabase((db) => importTracking(db, fs.readFileSync(file, 'utf8'), publicUrl));
      console.log(
        `${result.shipped} shipped, ${result.bags} return bags sent, ${result.unchanged} already recorded, ${result.rejected.length} rejected`,
      );
      printRejected(result.rejected);
    });

  const payouts = program.command('payouts').description('Refunds for finance');
  payouts
    .command('export')
    .option('--out <file>', 'write the CSV here instead of to standard output')
    .description('Make the next payout file: every refund ready to pay')
    .action(async (options: { out?: string }) => {
      writeBatch(await withDatabase((db) => exportPayouts(db, cliActor())), options.out, 'pay');
    });
  payouts
    .command('import-results')
    .argument('<file>', 'CSV with payout_id, status (paid or failed) and optionally reason')
    .description('Mark payouts paid (the owner is told) or failed (back into the next payout file)')
    .action(async (file: string) => {
      const { publicUrl } = loadConfig();
      const result = await withDatabase((db) =>
        importPayoutResults(db, fs.readFileSync(file, 'utf8'), publicUrl),
      );
      console.log(
        `${result.paid} paid, ${result.failed} failed, ${result.unchanged} already recorded, ${result.rejected.length} rejected`,
      );
      printRejected(result.rejected);
    });

  program
    .command('returns')
    .description('Units sent back by their owners')
    .command('receive')
    .argument('<reference>', 'the claim code (RK-…) or the serial on the returned unit')
    .description('Record a returned unit as received: its remedy is issued')
    .action(async (reference: string) => {
      const received = await withDatabase((db) => receiveReturn(db, reference, cliActor()));
      console.log(`${received.claimCode}: unit received, remedy ${received.remedyId} queued`);
    });
}
