// npm run eval:duplicates — reused marked photos against honest ones, many more than
// eval:evidence holds, and with no text read at all (the duplicate decision must hold when
// handwriting is read poorly). EVAL_PHOTOS handwritten marked photos (default 120, random hands,
// surfaces and camera conditions, each a different owner's writing), each copied every way a
// fraudster does (synthetic-evidence.ts reusedPhoto); then, as claim verification decides it:
// the hash lookup (hashDistance within NEAR_DUPLICATE_BITS, its nearest 20) and sameScene.
//   EVAL_SEED (default 7).
import { CODE_ALPHABET } from '../src/server/modules/claims/claim-access.ts';
import {
  hashDistance,
  NEAR_DUPLICATE_BITS,
  type PhotoHashes,
  type ScenePhoto,
  sameScene,
} from '../src/server/modules/evidence/duplicates.ts';
import {
  centreOf,
  cropHashes,
  hammingDistance,
  perceptualHash,
} from '../src/server/modules/evidence/quality.ts';
import { sceneSignature, sceneSimilarity } from '../src/server/modules/evidence/scene.ts';
import { checkHandsInstalled, dateForms, HANDS, handwrittenPhoto, SURFACES } from './handwritten-evidence.ts';
import { COPIES, type Copy, cameraConditions, random, reusedPhoto } from './synthetic-evidence.ts';

const PHOTOS = Number(process.env.EVAL_PHOTOS ?? 120);
const CANDIDATES = 20; // nearDuplicates' limit
const rand = random(Number(process.env.EVAL_SEED ?? 7));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const NAMES = ['Ana García', 'Jonas Weber', 'Mary Johnson', 'Tom Baker', 'Priya Nair', '李伟', '王芳'];
const DATES = dateForms(new Date('2026-11-21T12:00:00Z'));
const code = () =>
  `RK-${Array.from({ length: 8 }, () => pick([...CODE_ALPHABET]))
    .join('')
    .replace(/(.{4})/, '$1-')}`;
await checkHandsInstalled();

interface Photo extends PhotoHashes, ScenePhoto {
  owner: number;
  copy?: Copy;
}

const timings = { hashes: [] as number[], scene: [] as number[] };
async function read(photo: Buffer, owner: number, copy?: Copy): Promise<Photo> {
  const started = performance.now();
  const [phash, crops] = await Promise.all([perceptualHash(photo), cropHashes(photo)]);
  timings.hashes.push(performance.now() - started);
  // No text: what the duplicate rule is left with when the writing could not be read.
  const identity = { serial: `S${owner}`, code: `RK-OWN${owner}` };
  return {
    owner,
    phash,
    crops,
    kind: 'marked',
    lines: [],
    identity,
    scene: await sceneSignature(photo),
    ...(copy ? { copy } : {}),
  };
}

const started = performance.now();
const originals: Photo[] = [];
const copies: Photo[] = [];
for (let owner = 0; owner < PHOTOS; owner++) {
  const text = { word: 'RECALLED', name: pick(NAMES), date: pick(DATES), code: code() };
  const options = { hand: pick(HANDS), surface: pick(SURFACES) };
  const photo = await handwrittenPhoto(text, 5000 + owner, options, cameraConditions(rand).c);
  originals.push(await read(photo, owner));
  for (const way of COPIES) copies.push(await read(await reusedPhoto(photo, way, rand), owner, way));
}
console.log(
  `${PHOTOS} marked photos and ${copies.length} copies made and read in ${((performance.now() - started) / 1000).toFixed(0)} s; deciding…`,
);

/** The stored photos the lookup returns for `probe`, nearest first, and whether each is taken for the same photo. */
function decide(probe: Photo, stored: readonly Photo[]) {
  return stored
    .map((photo) => ({ photo, distance: hashDistance(photo, probe) }))
    .filter(({ distance }) => distance <= NEAR_DUPLICATE_BITS)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, CANDIDATES)
    .map(({ photo, distance }) => {
      const t = performance.now();
      const same = sameScene(distance, probe, photo);
      timings.scene.push(performance.now() - t);
      return { photo, distance, same };
    });
}

/** How far a copy the lookup missed lay: its own hash, and its nearest crop from the centre. */
function apart(stored: Photo, copy: Photo): string {
  const centre = stored.crops && centreOf(stored.crops);
  const nearest =
    centre === undefined ? NaN : Math.min(...(copy.crops ?? []).map((crop) => hammingDistance(centre, crop)));
  return `own hash ${hammingDistance(stored.phash, copy.phash)} bits, nearest crop ${nearest} bits`;
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)}%`;
console.log(`\ncopy        found by hash   caught          n`);
let caughtAll = 0;
const missed: string[] = [];
for (const way of COPIES) {
  const made = copies.filter((c) => c.copy === way);
  let found = 0;
  let caught = 0;
  for (const copy of made) {
    const original = decide(copy, originals).find(({ photo }) => photo.owner === copy.owner);
    if (original) found++;
    if (original?.same) caught++;
    else
      missed.push(
        `${way} of photo ${copy.owner}: ${original ? `${original.distance} bits, scene ${sceneSimilarity(copy.scene as string, originals[copy.owner]?.scene as string).toFixed(2)}` : `beyond the lookup (${apart(originals[copy.owner] as Photo, copy)})`}`,
      );
  }
  caughtAll += caught;
  console.log(
    `${way.padEnd(11)} ${pct(found, made.length).padStart(6)}          ${pct(caught, made.length).padStart(6)}   ${String(made.length).padStart(6)}`,
  );
}
for (const line of missed) console.log(`  missed: ${line}`);

// Honest photos arrive one after another; each is looked up among the earlier ones.
let honestPairs = 0;
let candidates = 0;
const flagged: string[] = [];
const honestScenes: number[] = [];
for (const [index, photo] of originals.entries()) {
  honestPairs += index;
  for (const { photo: other, distance, same } of decide(photo, originals.slice(0, index))) {
    candidates++;
    honestScenes.push(sceneSimilarity(photo.scene as string, other.scene as string));
    if (same) flagged.push(`photo ${photo.owner} taken for ${other.owner} (${distance} bits)`);
  }
}
const copyScenes = copies.map((c) => sceneSimilarity(c.scene as string, originals[c.owner]?.scene as string));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
console.log(
  `\nhonest pairs: ${honestPairs}; within the lookup's reach ${candidates}; flagged ${flagged.length} (${pct(flagged.length, honestPairs)})`,
);
for (const line of flagged) console.log(`  flagged: ${line}`);
console.log(
  `scene similarity: copies min ${Math.min(...copyScenes).toFixed(2)}, median ${median(copyScenes).toFixed(2)}; honest pairs within reach max ${Math.max(0, ...honestScenes).toFixed(2)}, median ${median(honestScenes).toFixed(2)}`,
);
console.log(
  `time: the photo's hashes median ${median(timings.hashes).toFixed(0)} ms; one scene comparison median ${median(timings.scene).toFixed(0)} ms`,
);
const caughtShare = caughtAll / Math.max(copies.length, 1);
console.log(
  `\nreused photos caught (aim >= 99%)             ${pct(caughtAll, copies.length).padStart(6)}  ${caughtShare >= 0.99 ? 'met' : 'NOT met'}`,
);
console.log(
  `honest pairs flagged (aim <= 1%)              ${pct(flagged.length, honestPairs).padStart(6)}  ${flagged.length / Math.max(honestPairs, 1) <= 0.01 ? 'met' : 'NOT met'}`,
);
