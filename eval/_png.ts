import sharp from 'sharp';

for (const n of ['label', 'marked']) await sharp(`/tmp/${n}.jpg`).resize(800).png().toFile(`/tmp/${n}.png`);
