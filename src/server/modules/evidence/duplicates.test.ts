import { createRequire } from 'node:module';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { claimCodesIn, hashDistance, NEAR_DUPLICATE_BITS, sameScene } from './duplicates.ts';
import { canonical } from './matching.ts';
import { CENTRE, cropHashes, LOOKUP_CROPS, perceptualHash } from './quality.ts';

const phash: (image: Buffer, options?: object) => Promise<string> = createRequire(import.meta.url)(
  'sharp-phash',
);

const ana = { serial: 'AH7M4Z2K9C1QR8T3', code: 'RK-7K3F-9Q2M' };
const tom = { serial: 'AG3P7X5N2W8K4R6T', code: 'RK-HWHD-KVCP' };
const label = (serial: string) => [
  'Anker PowerCore 10000',
  'Model: A1263',
  `S/N: ${serial}`,
  'Made in China',
];
const marked = (name: string, code: string) => ['RECALLED', name, '11/21/2026', code];

describe('sameScene', () => {
  it('takes a close photo showing another claim’s serial or code for that claim’s photo', () => {
    expect(
      sameScene(
        9,
        { kind: 'label', lines: label(ana.serial), identity: tom },
        { kind: 'label', lines: label(ana.serial), identity: ana },
      ),
    ).toBe(true);
    expect(
      sameScene(
        11,
        { kind: 'marked', lines: marked('Ana', 'RK-7K3F-9Q2M'), identity: tom },
        { kind: 'marked', lines: [], identity: ana },
      ),
    ).toBe(true);
  });
  it('never takes labels for one another on the hash alone: honest ones are printed alike', () => {
    // Seen on eval:evidence: a label read badly, 3 bits from another owner's label of the model.
    const garbled = { kind: 'label', lines: ['Modet:A3632', 'LN.E71I7M'], identity: tom };
    expect(sameScene(3, garbled, { kind: 'label', lines: [], identity: ana })).toBe(false);
    // One showing a serial that is neither claim's (a wrong serial, for the serial check).
    const other = { kind: 'label', lines: label('COQV78JAA9YGQ47K'), identity: tom };
    expect(sameScene(2, other, { kind: 'label', lines: ['Anker'], identity: ana })).toBe(false);
  });
  it('keeps apart two units photographed alike, each showing its own serial', () => {
    expect(
      sameScene(
        3,
        { kind: 'label', lines: label(tom.serial), identity: tom },
        { kind: 'label', lines: label(ana.serial), identity: ana },
      ),
    ).toBe(false);
  });
  it('takes a copy for the original even when only the original’s code is legible', () => {
    const original = { kind: 'marked', lines: marked('Mary', ana.code), identity: ana };
    const copy = { kind: 'marked', lines: ['RECALLED', 'Mary', '11/21/2026', 'RK-?'], identity: tom };
    expect(sameScene(0, copy, original)).toBe(true);
  });
  it('without legible codes, needs the same handwriting read or a much closer hash', () => {
    const unreadable = { kind: 'marked', lines: ['Anker'], identity: tom };
    expect(sameScene(4, unreadable, { kind: 'marked', lines: [], identity: ana })).toBe(true);
    expect(sameScene(8, unreadable, { kind: 'marked', lines: [], identity: ana })).toBe(false);
    const a = { kind: 'marked', lines: ['RECALLED', 'Tom Baker', 'Nov 21 2026', 'RK-?'], identity: tom };
    const b = { kind: 'marked', lines: ['RECALLED', 'Tom Baker', 'Nov 21 2026'], identity: ana };
    expect(sameScene(10, a, b)).toBe(true);
    expect(sameScene(13, a, b)).toBe(false); // too far apart to be one photo
  });
});

describe('hashDistance', () => {
  const bits = (n: number) => (1n << BigInt(n)) - 1n; // n low bits set
  const crops = (centre: bigint) => LOOKUP_CROPS.map((crop) => (crop === CENTRE ? centre : 0x5a5a5a5an));

  it('finds a cropped copy through the stored centre and the copy’s nearest crop', () => {
    const original = { phash: 0n, crops: crops(0xf0f0n) };
    const copy = { phash: bits(20), crops: [bits(30), 0xf0f1n, bits(40)] };
    expect(hashDistance(original, copy)).toBe(1);
    // As the database's bands find them: a crop two bits off in every band is found at a crop
    // looked up within two bits (where evenly cropped copies land), not at one looked up within
    // one; three bits off in every band, at neither.
    const far = 0x000f000f000f000fn; // the copy's own hash: four bits off in every band
    const at = (index: number, hash: bigint) => LOOKUP_CROPS.map((_, i) => (i === index ? hash : far));
    const twoEach = 0xf0f0n ^ 0x0003000300030003n;
    const wide = LOOKUP_CROPS.findIndex((crop) => crop.bandBits === 2);
    const narrow = LOOKUP_CROPS.findIndex((crop) => crop.bandBits === 1);
    expect(hashDistance(original, { phash: far, crops: at(wide, twoEach) })).toBe(8);
    expect(hashDistance(original, { phash: far, crops: at(narrow, twoEach) })).toBe(Number.POSITIVE_INFINITY);
    const threeEach = 0xf0f0n ^ 0x0007000700070007n;
    expect(hashDistance(original, { phash: far, crops: at(wide, threeEach) })).toBe(Number.POSITIVE_INFINITY);
  });

  it('falls back to the photos’ own hashes when either has no crops (labels, older photos)', () => {
    expect(hashDistance({ phash: 0n }, { phash: bits(5), crops: [0n] })).toBe(5);
    expect(hashDistance({ phash: 0n, crops: crops(0n) }, { phash: bits(7) })).toBe(7);
  });
});

describe('cropHashes', () => {
  // A photo-like picture: blocks of random grey, 1000 x 750, as a JPEG.
  async function picture(seed: number): Promise<Buffer> {
    let state = seed;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const blocks = Array.from({ length: 15 * 20 }, () => Math.floor(next() * 256));
    const pixels = Buffer.alloc(1000 * 750);
    for (let y = 0; y < 750; y++)
      for (let x = 0; x < 1000; x++)
        pixels[y * 1000 + x] = blocks[Math.floor(y / 50) * 20 + Math.floor(x / 50)] ?? 0;
    return sharp(pixels, { raw: { width: 1000, height: 750, channels: 1 } })
      .jpeg({ quality: 90 })
      .toBuffer();
  }
  const cut = async (photo: Buffer, [left, top, right, bottom]: number[]) =>
    sharp(photo)
      .extract({
        left: Math.round(1000 * (left ?? 0)),
        top: Math.round(750 * (top ?? 0)),
        width: Math.floor(1000 * (1 - (left ?? 0) - (right ?? 0))),
        height: Math.floor(750 * (1 - (top ?? 0) - (bottom ?? 0))),
      })
      .resize({ width: 700 })
      .jpeg({ quality: 70 })
      .toBuffer();

  it('hashes the whole of each crop, as sharp-phash hashes that part of the photo', async () => {
    const photo = await picture(7);
    const base = await sharp(photo).greyscale().resize(256, 256, { fit: 'fill' }).raw().toBuffer();
    const [centre] = await cropHashes(photo, [CENTRE]);
    const part = await sharp(base, { raw: { width: 256, height: 256, channels: 1 } })
      .extract({ left: 26, top: 26, width: 204, height: 204 })
      .greyscale()
      .raw()
      .toBuffer();
    const expected = BigInt.asIntN(
      64,
      BigInt(`0b${await phash(part, { raw: { width: 204, height: 204, channels: 1 } })}`),
    );
    expect(centre).toBe(expected);
  });

  it('finds copies cut unevenly, each side by its own share, through the stored centre', async () => {
    const photo = await picture(11);
    const stored = { phash: await perceptualHash(photo), crops: await cropHashes(photo) };
    for (const sides of [
      [0.05, 0, 0, 0.05],
      [0, 0.05, 0.05, 0],
      [0.04, 0.01, 0.005, 0.045],
      [0.03, 0.03, 0.03, 0.03],
    ]) {
      const copy = await cut(photo, sides);
      const probe = { phash: await perceptualHash(copy), crops: await cropHashes(copy) };
      expect(hashDistance(stored, probe), `cut ${sides}`).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    }
    // Another picture is not within reach.
    const other = await picture(12);
    const probe = { phash: await perceptualHash(other), crops: await cropHashes(other) };
    expect(hashDistance(stored, probe)).toBeGreaterThan(NEAR_DUPLICATE_BITS);
  });
});

describe('claimCodesIn', () => {
  it('finds claim codes however OCR spaced them', () => {
    expect(claimCodesIn(['RK-HWHD -KVCP', 'Tom'])).toEqual([canonical('RK-HWHD-KVCP')]);
  });
  it('reads a J taken for ")" and a code read with one character too many', () => {
    expect(claimCodesIn(['RK-4)QA-GUDP'])).toEqual([canonical('RK-4JQA-GUDP')]);
    const read = claimCodesIn(['RK-KWTA-J QRKW']);
    expect(read).toContain(canonical('RK-KWTA-QRKW'));
    expect(read).toHaveLength(9); // each of the nine characters dropped once
    // A code followed by more text on its line is still itself.
    expect(claimCodesIn(['RK-HWHD-KVCP Tom'])).toContain(canonical('RK-HWHD-KVCP'));
    // A smudge read as ")" inside a code that has no J: the code as read is still found.
    expect(claimCodesIn(['RK-HWHD)-KVCP'])).toContain(canonical('RK-HWHD-KVCP'));
  });
});
