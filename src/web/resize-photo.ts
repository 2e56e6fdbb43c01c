/** Longest side sent: plenty for reading a serial, a fraction of a phone camera's 12-48 MP. */
const MAX_SIDE = 2560;

/**
 * Shrinks a photo in the browser before upload (phones take 3-10 MB photos; this sends well
 * under 1 MB over a flaky connection). The browser applies the EXIF orientation while
 * decoding. A photo that is already small, or that the browser cannot decode (some HEIC), is
 * sent as it is and the server does the work.
 */
export async function resizePhoto(file: File): Promise<Blob> {
  if (file.size < 600_000) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  return blob && blob.size < file.size ? blob : file;
}
