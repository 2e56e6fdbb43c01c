import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appWithExamples } from '../../../../test/support/app.ts';
import { type ConsoleClient, signIn } from '../../../../test/support/console.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import type { Db } from '../../db/database.ts';

const US = 'anker-2025-us-a1263';

const LIST = [
  'email,name,language,country,serial,model,order_id,source',
  'jordan.lee@example.com,Jordan Lee,en,US,AH7M 4Z2K 9C1Q R8T3,A1263,113-1,amazon',
  'ana.garcia@example.es,Ana García,es,us,,A1263,113-2,anker.com',
  'li.wei@example.cn,李伟,zh-CN,US,,,,registration',
  'Jordan.Lee+recall@Example.com,Jordan Lee,en,US,,,113-9,amazon', // the same person again
  'sam@example.com,Sam,fr,US,,,,anker.com', // French is not spoken here: the campaign's default
  'not-an-address,Pat,en,US,,,,amazon',
  'pat@example.com,,en,US,,,,amazon',
  'kim@example.com,Kim,en,USA,,,,amazon',
  'lee@example.com,Lee,en,US,AB<12>,,,amazon',
].join('\n');

describe.each(await testDatabases())('importing people to notify on $name', ({ open }) => {
  let db: Db;
  let harness: Awaited<ReturnType<typeof appWithExamples>>;
  let manager: ConsoleClient;
  let reviewer: ConsoleClient;

  beforeAll(async () => {
    db = await open();
    harness = await appWithExamples(db);
    manager = await signIn(harness.app, db, 'manager');
    reviewer = await signIn(harness.app, db, 'reviewer');
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  const upload = (client: ConsoleClient, csv: string) => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'buyers.csv');
    return harness.app.inject({
      method: 'POST',
      url: `/api/v1/console/campaigns/${US}/notices`,
      payload: form,
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    });
  };

  it('lists each person once, in their language, and says which rows it refused and why', async () => {
    const first = await upload(manager, LIST);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ rowsTotal: 9, rowsAdded: 4, rowsMerged: 1, rowsRejected: 4 });
    expect(first.json().rejected).toEqual([
      { line: 7, reason: 'the e-mail address is not valid' },
      { line: 8, reason: 'the name is empty or longer than 200 characters' },
      { line: 9, reason: 'the country is not a two-letter code' },
      { line: 10, reason: 'the serial number is not valid' },
    ]);
    const people = await db.kysely
      .selectFrom('notice_recipient')
      .select(['email', 'name', 'language', 'country', 'serial', 'model_code', 'source'])
      .orderBy('email')
      .execute();
    expect(people).toEqual([
      {
        email: 'ana.garcia@example.es',
        name: 'Ana García',
        language: 'es',
        country: 'US',
        serial: null,
        model_code: 'A1263',
        source: 'anker.com',
      },
      {
        email: 'jordan.lee@example.com',
        name: 'Jordan Lee',
        language: 'en',
        country: 'US',
        serial: 'AH7M4Z2K9C1QR8T3',
        model_code: 'A1263',
        source: 'amazon',
      },
      {
        email: 'li.wei@example.cn',
        name: '李伟',
        language: 'zh-CN',
        country: 'US',
        serial: null,
        model_code: null,
        source: 'registration',
      },
      {
        email: 'sam@example.com',
        name: 'Sam',
        language: '',
        country: 'US',
        serial: null,
        model_code: null,
        source: 'anker.com',
      },
    ]);

    // The same file again changes nothing.
    const again = (await upload(manager, LIST)).json();
    expect(again).toMatchObject({ rowsAdded: 0, rowsMerged: 5, rowsRejected: 4 });
    expect(await db.kysely.selectFrom('notice_recipient').select('id').execute()).toHaveLength(4);

    // A file without the header imports nothing; the list is for managers only.
    const wrong = await upload(manager, 'mail,who\na@b.c,A');
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.message).toContain('email,name,language,country');
    expect((await upload(reviewer, LIST)).statusCode).toBe(403);

    // A file that breaks after the first batches were written imports nothing of it.
    const buyers = Array.from({ length: 12_000 }, (_, i) => `buyer${i}@example.com,Buyer ${i},en,US`);
    const broken = await upload(
      manager,
      `email,name,language,country\n${buyers.join('\n')}\n"unclosed,Pat,en,US\n`,
    );
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error.code).toBe('import_refused');
    expect(await db.kysely.selectFrom('notice_recipient').select('id').execute()).toHaveLength(4);
  });
});
