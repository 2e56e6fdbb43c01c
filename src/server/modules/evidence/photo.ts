import { createHash } from 'node:crypto';
import exifr from 'exifr';
import sharp, { type Sharp } from 'sharp';
import { PhotoBytes } from './photo-bytes.ts';

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'heif';

export type PhotoProblem =
  | 'photo_empty'
  | 'photo_too_large'
  | 'photo_too_many_pixels'
  | 'photo_unsupported_type'
  | 'photo_corrupt';

export class PhotoError extends Error {
  readonly code: PhotoProblem;
  constructor(code: PhotoProblem, detail: string) {
    super(detail);
    this.code = code;
  }
}

export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface ExifSummary {
  make?: string;
  model?: string;
  software?: string;
  /** As written by the camera: "2026:11:21 14:03:11", with the offset if the camera gave one. */
  takenAt?: string;
  takenAtOffset?: string;
  hasGps: boolean;
}

/** What the upload request learns from a photo without decoding its pixels. */
export interface InspectedPhoto {
  format: PhotoFormat;
  sha256: string;
  mime: string;
  /** Size as the owner sees it (after orientation), from the header. */
  width: number;
  height: number;
  exif: ExifSummary | null;
}

/** Made by the evidence job: the copy that reviewers and the owner see. */
export interface DisplayCopy {
  /** Oriented, at most 2048 px, JPEG, every piece of metadata (GPS included) stripped. */
  data: Buffer;
  sha256: string;
  width: number;
  height: number;
}

const DISPLAY_MAX_SIDE = 2048;
const MIME: Record<PhotoFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heif: 'image/heif',
};
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif']);

/** The format from the file's first bytes; names and declared types are not trusted. */
export function sniffFormat(data: Buffer): PhotoFormat | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  if (
    data.length >= 12 &&
    data.toString('latin1', 4, 8) === 'ftyp' &&
    HEIF_BRANDS.has(data.toString('latin1', 8, 12))
  )
    return 'heif';
  return undefined;
}

/** libheif in WASM (5 MB of heap), loaded with the first HEVC photo rather than with the server. */
const libheif = async () => (await import('heic-decode')).default;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The upload request's check, cheap enough to run on every upload at full network speed: the
 * size, the format from the content, the header (pixel cap before anything is decoded), the
 * file's structure (a cut-off upload is refused here) and the EXIF summary. Decoding the pixels
 * is the evidence job's work (`derivePhoto`). Throws PhotoError for anything an owner should be
 * told about.
 */
export async function inspectPhoto(photo: Buffer | PhotoBytes, limits: PhotoLimits): Promise<InspectedPhoto> {
  const bytes = Buffer.isBuffer(photo) ? PhotoBytes.of(photo) : photo;
  if (bytes.length === 0) throw new PhotoError('photo_empty', 'the file is empty');
  if (bytes.length > limits.maxBytes) throw new PhotoError('photo_too_large', `${bytes.length} bytes`);
  const format = sniffFormat(bytes.slice(0, 12));
  if (!format) throw new PhotoError('photo_unsupported_type', 'not JPEG, PNG, WebP or HEIC/HEIF');
  const structure = readStructure(bytes, format);
  if ('problem' in structure) throw new PhotoError('photo_corrupt', structure.problem);
  // libvips and exifr get the bytes they read as one buffer: a JPEG's header (everything
  // before its image data), or the whole file for the formats that may keep metadata anywhere.
  const header = bytes.slice(0, structure.headerEnd);
  const { width, height } = await readHeader(header, format, limits);
  return { format, sha256: bytes.sha256, mime: MIME[format], width, height, exif: await readExif(header) };
}

/**
 * Decodes the whole photo and makes the display copy. A photo whose header was fine but whose
 * pixels are damaged fails here with photo_corrupt.
 */
export async function derivePhoto(data: Buffer, limits: PhotoLimits): Promise<DisplayCopy> {
  const format = sniffFormat(data);
  if (!format) throw new PhotoError('photo_unsupported_type', 'not JPEG, PNG, WebP or HEIC/HEIF');
  const image = await decodable(data, format, limits);
  try {
    const display = await image
      .rotate() // apply the EXIF orientation, then drop it with the rest of the metadata
      .resize({ width: DISPLAY_MAX_SIDE, height: DISPLAY_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer({ resolveWithObject: true });
    return {
      data: display.data,
      sha256: sha256(display.data),
      width: display.info.width,
      height: display.info.height,
    };
  } catch (error) {
    throw classify(error);
  }
}

/**
 * Why the file cannot be a whole photo, judged from its structure alone (no decoding): an
 * upload cut off by a dropped connection ends before its last marker, chunk or box. For a
 * sound file, where its header ends: the bytes a header reader needs.
 */
function readStructure(data: PhotoBytes, format: PhotoFormat): { problem: string } | { headerEnd: number } {
  const whole = { headerEnd: data.length };
  switch (format) {
    case 'jpeg': {
      // Walk the marker segments to the first scan, then require an end-of-image marker after
      // it (cameras may append trailers after it, so it need not be the last two bytes).
      let at = 2;
      while (at + 4 <= data.length) {
        if (data.byte(at) !== 0xff) return { problem: 'bad JPEG marker' };
        const marker = data.byte(at + 1) as number;
        if (marker === 0xff) {
          at += 1;
          continue;
        }
        const length = data.uint16(at + 2);
        if (marker === 0xda) {
          const scan = at + 2 + length;
          return data.lastIndexOfPair(0xff, 0xd9) > scan
            ? { headerEnd: scan }
            : { problem: 'the JPEG ends before its last scan' };
        }
        at += 2 + length;
      }
      return { problem: 'the JPEG ends before its first scan' };
    }
    case 'png': {
      let at = 8;
      while (at + 12 <= data.length) {
        const length = data.uint32(at);
        if (data.latin1(at + 4, at + 8) === 'IEND') return whole;
        at += 12 + length;
      }
      return { problem: 'the PNG ends before its IEND chunk' };
    }
    case 'webp':
      return data.uint32le(4) + 8 <= data.length ? whole : { problem: 'the WebP is shorter than it says' };
    case 'heif': {
      let at = 0;
      let media = false;
      while (at + 8 <= data.length) {
        let size = data.uint32(at);
        if (size === 1 && at + 16 <= data.length) size = data.uint64(at + 8);
        else if (size === 0) size = data.length - at; // to the end of the file
        if (size < 8) return { problem: 'bad HEIF box' };
        if (data.latin1(at + 4, at + 8) === 'mdat') media = true;
        at += size;
      }
      if (at !== data.length) return { problem: 'the HEIF ends inside a box' };
      return media ? whole : { problem: 'the HEIF holds no image data' };
    }
  }
}

/** Width and height as the owner sees them (after orientation), from the header only. */
async function readHeader(
  data: Buffer,
  format: PhotoFormat,
  limits: PhotoLimits,
): Promise<{ width: number; height: number }> {
  let size: { width: number; height: number };
  try {
    const meta = await sharp(data).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    size = {
      width: (turned ? meta.height : meta.width) ?? 0,
      height: (turned ? meta.width : meta.height) ?? 0,
    };
  } catch (error) {
    if (format !== 'heif') throw classify(error);
    // iPhone HEIC is HEVC-compressed, which the prebuilt libvips cannot open: libheif in WASM can.
    try {
      const images = await (await libheif()).all({ buffer: data });
      const primary = images[0];
      images.dispose();
      if (!primary) throw new Error('no image in the file');
      size = { width: primary.width, height: primary.height };
    } catch (heifError) {
      throw new PhotoError('photo_corrupt', (heifError as Error).message);
    }
  }
  if (size.width * size.height > limits.maxPixels)
    throw new PhotoError('photo_too_many_pixels', `${size.width}x${size.height}`);
  if (size.width === 0 || size.height === 0) throw new PhotoError('photo_corrupt', 'no image size');
  return size;
}

/** Opens the photo for decoding; HEVC HEIC goes through libheif in WASM. */
async function decodable(data: Buffer, format: PhotoFormat, limits: PhotoLimits): Promise<Sharp> {
  const options = { limitInputPixels: limits.maxPixels, failOn: 'truncated' as const };
  try {
    const image = sharp(data, options);
    const meta = await image.metadata();
    // libvips reads an HEVC HEIC's header but has no decoder for its pixels (only AV1).
    if (format !== 'heif' || meta.compression === 'av1') return image;
  } catch (error) {
    if (format !== 'heif') throw classify(error);
  }
  try {
    const images = await (await libheif()).all({ buffer: data });
    const primary = images[0];
    if (!primary) throw new Error('no image in the file');
    if (primary.width * primary.height > limits.maxPixels) {
      images.dispose();
      throw new PhotoError('photo_too_many_pixels', `${primary.width}x${primary.height}`);
    }
    const { width, height, data: rgba } = await primary.decode();
    images.dispose();
    return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
      raw: { width, height, channels: 4 },
    });
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    throw new PhotoError('photo_corrupt', (error as Error).message);
  }
}

function classify(error: unknown): PhotoError {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) return new PhotoError('photo_too_many_pixels', message);
  if (/unsupported image format/i.test(message)) return new PhotoError('photo_unsupported_type', message);
  return new PhotoError('photo_corrupt', message);
}

/**
 * What exifr reads. reviveValues: false keeps dates as written; exifr would build them in the
 * server's zone. One object for every photo: exifr keeps the parsed form of each options object
 * it is given in a Map for the life of the process, so a literal per call added an entry per
 * photo, kept until the process ended.
 */
const EXIF_OPTIONS = { tiff: true, exif: true, gps: true, reviveValues: false } as const;

/** What the evidence checks and reviewers need from EXIF; GPS position is never kept. */
async function readExif(data: Buffer): Promise<ExifSummary | null> {
  try {
    const tags = await exifr.parse(data, EXIF_OPTIONS);
    if (!tags) return null;
    const text = (value: unknown) =>
      typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined;
    const summary: ExifSummary = { hasGps: tags.GPSLatitude !== undefined || tags.latitude !== undefined };
    const make = text(tags.Make);
    const model = text(tags.Model);
    const software = text(tags.Software);
    const takenAt = text(tags.DateTimeOriginal) ?? text(tags.CreateDate);
    const takenAtOffset = text(tags.OffsetTimeOriginal);
    if (make) summary.make = make;
    if (model) summary.model = model;
    if (software) summary.software = software;
    if (takenAt) summary.takenAt = takenAt;
    if (takenAtOffset) summary.takenAtOffset = takenAtOffset;
    return summary;
  } catch {
    return null;
  }
}
