import sharp from 'sharp';
import { skewAngle } from '../src/server/modules/evidence/ocr.ts';
import { CLEAN, labelPhoto, markedPhoto } from './synthetic-evidence.ts';

for (const rotate of [0, 8, -15]) {
  const img = await markedPhoto(
    { word: 'RECALLED', name: 'Ana Garcia', date: '11/21/2026', code: 'RK-7K3F-9Q2M' },
    3,
    { ...CLEAN, rotate },
  );
  const g = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
  console.log(rotate, g.info, await skewAngle(g.data, g.info.width, g.info.height));
}
