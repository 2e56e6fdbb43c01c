import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dateForms, handwrittenPhoto, STROKE_HANDS } from '../eval/handwritten-evidence.ts';
import { CLEAN } from '../eval/synthetic-evidence.ts';

/** The columns of a photo that hold dark ink on the paper beside the unit. */
async function inkColumns(photo: Buffer): Promise<number> {
  const { data, info } = await sharp(photo).greyscale().raw().toBuffer({ resolveWithObject: true });
  let columns = 0;
  for (let x = 560; x < info.width; x++) {
    let ink = 0;
    for (let y = 0; y < info.height; y++) if ((data[y * info.width + x] as number) < 80) ink++;
    if (ink > 3) columns++;
  }
  return columns;
}

describe('the stroke hands the marker head learns from', () => {
  it('write every character a claim photo holds, in any style', async () => {
    const dates = dateForms(new Date(Date.UTC(2026, 10, 22))).join(' ');
    for (const hand of STROKE_HANDS) {
      const photo = handwrittenPhoto(
        {
          word: 'RECALLED recalled',
          name: 'Chloé Müller Sofía López Lefèvre',
          date: dates,
          code: 'RK-7HQM-X4ZP rk 9c3w',
        },
        1,
        { hand, surface: 'paper' },
        CLEAN,
      );
      await expect(photo, hand).resolves.toBeInstanceOf(Buffer);
    }
  });

  it('write narrow letters when the style is narrow, as marker capitals often are', async () => {
    const write = (width: number) =>
      handwrittenPhoto(
        { word: 'RECALLED', name: 'MARIA ROSSI', date: '21/11/2026', code: 'RK-7HQM-X4ZP' },
        3,
        { hand: 'EMSTech', surface: 'paper', style: { width, slant: 0, wobble: 0 } },
        CLEAN,
      );
    const [narrow, wide] = await Promise.all([write(0.5), write(1)]);
    const ratio = (await inkColumns(narrow)) / (await inkColumns(wide));
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.7);
  });
});
