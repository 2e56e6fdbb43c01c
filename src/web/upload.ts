import { ApiError } from './api-error.ts';

/**
 * POSTs a multipart form and reports upload progress (XMLHttpRequest reports it; fetch does not).
 * An error answer becomes an ApiError with the server's code and message (in the caller's
 * language); a dropped connection rejects with a plain Error, which pages show as a network error.
 */
export function uploadWithProgress<T>(
  url: string,
  form: FormData,
  headers: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      let body: { error?: { code?: string; message?: string } } | undefined;
      try {
        body = JSON.parse(request.responseText);
      } catch {}
      if (request.status < 300) return resolve(body as T);
      reject(
        new ApiError(
          request.status,
          body?.error?.code ?? 'unknown',
          body?.error?.message ?? request.statusText,
        ),
      );
    };
    request.onerror = () => reject(new Error('The upload failed: check the connection and try again.'));
    request.send(form);
  });
}
