import fs from 'node:fs';
import { createWorker, PSM } from 'tesseract.js';
import eng from '@tesseract.js-data/eng';
import { labelPhoto, markedPhoto, CLEAN } from './synthetic-evidence.ts';
const label = await labelPhoto({ model: 'A1263', serial: 'AH7M4Z2K9C1QR8T3' }, 1, { ...CLEAN, rotate: 8, blur: 1, noise: 10, light: 0.8, jpegQuality: 70 });
const marked = await markedPhoto({ word: 'RECALLED', name: 'Ana Garcia', date: '11/21/2026', code: 'RK-7K3F-9Q2M' }, 2, { ...CLEAN, rotate: -6 });
fs.writeFileSync('/tmp/label.jpg', label); fs.writeFileSync('/tmp/marked.jpg', marked);
const worker = await createWorker('eng', 1, { langPath: eng.langPath, gzip: true, cacheMethod: 'none' });
await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT });
for (const img of [label, marked]) {
  const t = performance.now();
  const r = await worker.recognize(img);
  console.log(Math.round(performance.now() - t), 'ms', JSON.stringify(r.data.text));
}
await worker.terminate();
