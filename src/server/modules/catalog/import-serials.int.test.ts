import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsDir } from '../../../../test/support/app.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';
import { applyCampaign, readCampaignFile } from './apply-campaign.ts';
import { CatalogSnapshot } from './catalog-snapshot.ts';
import { importSerials } from './import-serials.ts';
import { ImportRefusedError } from './serial-list-csv.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-import-'));
function csv(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe.each(await testDatabases())('serial import on $name', ({ open }) => {
  let db: Db;
  const slug = 'anker-2025-global-5-models';
  const countUnits = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('affected_unit')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = await open();
    await applyCampaign(db, readCampaignFile(path.join(campaignsDir, `${slug}.yaml`)));
  });
  afterAll(async () => db?.close());

  it('adds valid rows, rejects bad ones with line and reason, and records the import', async () => {
    const file = csv(
      'mixed.csv',
      [
        'Serial,Model,Market,Lot',
        'AG3P-7X5N-2W8K-4R6T,a1257,us,L1', // dashes, lower case
        'AGOP7X5N2W8K4R6T,A1647,,', // O is never in a serial: read as 0
        ' ag5k 2m8r 4t6w 9x3n ,A1689,US,"lot, with comma"',
        'AG5K2M8R4T6W9X3N,A1647,US,L2', // same serial, other model, same file
        'SHORT,A1257,US,L3', // not the campaign's format
        'AG2W4X6K8M3P5R7T,A9999,US,L4', // not a model of this campaign
        'AG2W4X6K8M3P5R7T,A1681,USA,L5', // market not a country code
        'AG2W4X6K8M3P5R7T,A1681', // too few columns
        "AG2W4X6K8M3P5R7T'; DROP TABLE affected_unit;--,A1681,US,L6",
        '',
      ].join('\r\n'),
    );
    const result = await importSerials(db, { campaignSlug: slug, file, actor: 'test' });
    expect(result).toMatchObject({ rowsTotal: 9, rowsAdded: 3, rowsUnchanged: 0, rowsRejected: 6 });
    expect(result.rejectsFile).toBe(`${file}.rejected.csv`);
    const rejects = fs
      .readFileSync(result.rejectsFile as string, 'utf8')
      .trim()
      .split('\n');
    expect(rejects[0]).toBe('line,serial,model,code,reason');
    expect(
      rejects.slice(1).map((line) =>
        line
          .split(',')
          .slice(0, 1)
          .concat(line.split(',')[3] ?? ''),
      ),
    ).toEqual([
      ['5', 'serial_conflict'],
      ['6', 'serial_format'],
      ['7', 'model_unknown'],
      ['8', 'market_invalid'],
      ['9', 'column_count'],
      ['10', 'serial_invalid_characters'],
    ]);

    const units = await db.kysely
      .selectFrom('affected_unit')
      .select(['serial', 'model_code', 'market', 'lot'])
      .orderBy('serial')
      .execute();
    expect(units).toEqual([
      { serial: 'AG0P7X5N2W8K4R6T', model_code: 'A1647', market: null, lot: null },
      { serial: 'AG3P7X5N2W8K4R6T', model_code: 'A1257', market: 'US', lot: 'L1' },
      { serial: 'AG5K2M8R4T6W9X3N', model_code: 'A1689', market: 'US', lot: 'lot, with comma' },
    ]);
    const record = await db.kysely
      .selectFrom('serial_import')
      .selectAll()
      .where('id', '=', result.id)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({ actor: 'test', file_name: 'mixed.csv', rows_added: 3, rows_rejected: 6 });
    expect(record.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes nothing when the same file is imported again', async () => {
    const file = csv('again.csv', 'serial,model\nAG8N3P5R7T2W4X6K,A1652\nAG9T3N5K7M2P4R6W,A1689\n');
    const first = await importSerials(db, { campaignSlug: slug, file, actor: 'test' });
    expect(first).toMatchObject({ rowsAdded: 2, rowsRejected: 0, rejectsFile: null });
    const before = await countUnits();
    const revision = (await CatalogSnapshot.load(db)).revision;
    const second = await importSerials(db, { campaignSlug: slug, file, actor: 'test' });
    expect(second).toMatchObject({ rowsTotal: 2, rowsAdded: 0, rowsUnchanged: 2, rowsRejected: 0 });
    expect(await countUnits()).toBe(before);
    expect((await CatalogSnapshot.load(db)).revision).toBe(revision);
  });

  it('refuses a file with a wrong header, a wrong encoding or broken quoting, and imports nothing', async () => {
    const before = await countUnits();
    const cases: [string, string | Buffer, string][] = [
      ['header.csv', 'sn,model\nAG2W4X6K8M3P5R7T,A1681\n', 'csv_header'],
      ['extra.csv', 'serial,model,colour\nAG2W4X6K8M3P5R7T,A1681,red\n', 'csv_header'],
      [
        'latin1.csv',
        Buffer.from('serial,model,lot\nAG2W4X6K8M3P5R7T,A1681,caf\xe9\n', 'latin1'),
        'csv_encoding',
      ],
      ['utf16.csv', Buffer.from('\ufeffserial,model\nAG2W4X6K8M3P5R7T,A1681\n', 'utf16le'), 'csv_encoding'],
      ['quote.csv', 'serial,model,lot\nAG2W4X6K8M3P5R7T,A1681,"unclosed\n', 'csv_malformed'],
      ['empty.csv', '', 'csv_empty'],
    ];
    for (const [name, content, code] of cases) {
      const error = await importSerials(db, {
        campaignSlug: slug,
        file: csv(name, content),
        actor: 'test',
      }).catch((e) => e);
      expect(error, name).toBeInstanceOf(ImportRefusedError);
      expect((error as ImportRefusedError).code, name).toBe(code);
    }
    await expect(
      importSerials(db, { campaignSlug: 'no-such-recall', file: csv('x.csv', 'serial,model\n'), actor: 't' }),
    ).rejects.toMatchObject({
      code: 'campaign_not_found',
    });
    expect(await countUnits()).toBe(before);
  });

  it('accepts a UTF-8 file with a byte-order mark, as spreadsheet programs save it', async () => {
    const file = csv('bom.csv', '\ufeffserial,model\nAG2W4X6K8M3P5R7T,A1681\n');
    expect(await importSerials(db, { campaignSlug: slug, file, actor: 'test' })).toMatchObject({
      rowsAdded: 1,
      rowsRejected: 0,
    });
  });

  it('merges a new list into the index a process holds, without re-reading the lists it has', async () => {
    const held = await CatalogSnapshot.load(db);
    const campaignBefore = held.campaign(slug);
    const file = csv('more.csv', 'serial,model,market\nAG7M2P4R6T8W3X5K,A1257,\nAG4K6M8P2R3T5W7X,A1689,CA\n');
    expect(await importSerials(db, { campaignSlug: slug, file, actor: 'test' })).toMatchObject({
      rowsAdded: 2,
    });

    const merged = await CatalogSnapshot.load(db, held);
    const fresh = await CatalogSnapshot.load(db);
    expect(merged.revision).toBe(fresh.revision);
    // The same index as one read from scratch: every serial old and new, the look-alikes, the sizes.
    expect(merged.serialCount).toBe(held.serialCount + 2);
    expect(merged.serialBytes).toBe(fresh.serialBytes);
    for (const serial of ['AG7M2P4R6T8W3X5K', 'AG4K6M8P2R3T5W7X', 'AG2W4X6K8M3P5R7T', 'AG8N3P5R7T2W4X6K'])
      expect(
        merged.find(serial, null).map(({ campaign, ...hit }) => hit),
        serial,
      ).toEqual(fresh.find(serial, null).map(({ campaign, ...hit }) => hit));
    expect(merged.find('AG4K6M8P2R3T5W7X', null)[0]).toMatchObject({ modelCode: 'A1689', market: 'CA' });
    expect(merged.find('AG7M2P4R6T8W3X5J', null)).toEqual([]);
    const campaign = merged.campaign(slug) as NonNullable<typeof campaignBefore>;
    expect(merged.mayListLookAlike(campaign, 'AG7M2P4R6T8W3X5K'.replace('5', 'S'))).toBe(true);
    // Groups the new list did not touch are the very arrays held before: nothing was re-read.
    const untouched = campaignBefore?.groups.find((g) => g.modelCode === 'A1652');
    expect(campaign.groups.find((g) => g.modelCode === 'A1652')).toBe(untouched);

    // Nothing changed: the campaign is kept as it is.
    expect((await CatalogSnapshot.load(db, merged)).campaign(slug)).toBe(campaign);
    // A changed definition is read again from scratch.
    const definition = readCampaignFile(path.join(campaignsDir, `${slug}.yaml`));
    await applyCampaign(db, { ...definition, units: definition.units + 1 });
    const reread = await CatalogSnapshot.load(db, merged);
    expect(reread.campaign(slug)).not.toBe(campaign);
    expect(reread.campaign(slug)?.definition.units).toBe(definition.units + 1);
    expect(reread.serialCount).toBe(merged.serialCount);
  });

  it('imports 200,000 rows in batches and indexes every one', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `ZZ${i.toString().padStart(14, '0')},A1257`);
    const file = csv('big.csv', `serial,model\n${rows.join('\n')}\n`);
    const result = await importSerials(db, { campaignSlug: slug, file, actor: 'test' });
    expect(result).toMatchObject({ rowsTotal: 200_000, rowsAdded: 200_000, rowsRejected: 0 });
    const snapshot = await CatalogSnapshot.load(db);
    expect(snapshot.find('ZZ00000000000000', null)).toHaveLength(1);
    expect(snapshot.find('ZZ00000000199999', null)[0]?.modelCode).toBe('A1257');
    expect(snapshot.find('ZZ00000000200000', null)).toHaveLength(0);
  });
});
