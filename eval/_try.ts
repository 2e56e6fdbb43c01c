import { OcrEngine } from '../src/server/modules/evidence/ocr.ts';
import { CLEAN, labelPhoto, markedPhoto } from './synthetic-evidence.ts';

const engine = await OcrEngine.start(1);
for (const rotate of [0, 8, -15, 20]) {
  const label = await labelPhoto({ model: 'A1263', serial: 'AH7M4Z2K9C1QR8T3' }, rotate + 5, {
    ...CLEAN,
    rotate,
    blur: 1,
    noise: 10,
    light: 0.8,
    jpegQuality: 70,
  });
  const marked = await markedPhoto(
    { word: 'RECALLED', name: 'Ana Garcia', date: '11/21/2026', code: 'RK-7K3F-9Q2M' },
    rotate + 9,
    { ...CLEAN, rotate },
  );
  for (const img of [label, marked]) {
    const r = await engine.recognize(img);
    console.log(rotate, r.angle, r.ms, 'ms', JSON.stringify(r.lines));
  }
}
await engine.close();
