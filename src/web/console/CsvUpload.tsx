import { useState } from 'react';
import { uploadFile } from './console-api.ts';

/** A CSV upload with a progress bar, and what the server made of the file. */
export function CsvUpload<T>({
  label,
  path,
  describe,
  onDone,
}: {
  label: string;
  path: string;
  describe: (result: T) => string;
  onDone: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label={label}
      onSubmit={async (event) => {
        event.preventDefault();
        if (!file) return;
        setError(null);
        setResult(null);
        setProgress(0);
        try {
          setResult(describe(await uploadFile<T>(path, file, setProgress)));
          onDone();
        } catch (e) {
          setError((e as Error).message);
        } finally {
          setProgress(null);
        }
      }}
    >
      <label>
        {label}
        <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={!file || progress !== null}>
        Import
      </button>
      {progress !== null && (
        <p>
          <progress value={progress} max={1} aria-label="Upload progress" />{' '}
          {progress < 1 ? `${Math.round(progress * 100)}% sent` : 'importing…'}
        </p>
      )}
      {result && (
        <p role="status" className="upload-result">
          {result}
        </p>
      )}
      {error && (
        <p role="alert" className="console-error">
          {error}
        </p>
      )}
    </form>
  );
}
