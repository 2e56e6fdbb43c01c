import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes what needs quoting and keeps a spreadsheet from running a cell as a formula', () => {
    const csv = toCsv(
      ['name', 'phone', 'note'],
      [
        { name: 'Lee, Jordan', phone: '+1 (555) 010-0000', note: '=HYPERLINK("http://evil")' },
        { name: 'Ana "La" García', phone: null, note: "-2+3+cmd|' /C calc'!A0" },
        { name: 'Wei', phone: '-12', note: { a: 1 } },
      ],
    );
    expect(csv.split('\r\n')).toEqual([
      'name,phone,note',
      '"Lee, Jordan",+1 (555) 010-0000,"\'=HYPERLINK(""http://evil"")"',
      `"Ana ""La"" García",,'-2+3+cmd|' /C calc'!A0`,
      'Wei,-12,"{""a"":1}"',
      '',
    ]);
  });
});
