import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.ts';
import { consoleFetch, downloadPost } from './console-api.ts';

/** An owner's rights (admins): a copy of everything held about them, or its erasure. Both audited. */
export function PrivacyPage() {
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function exportData(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    try {
      await downloadPost('/privacy/export', { email }, 'personal-data.zip');
      setMessage(`The data held about ${email} was downloaded (personal-data.zip).`);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : String(error));
    }
  }

  async function erase() {
    setConfirming(false);
    try {
      const erased = await consoleFetch<{ claims: number; photos: number }>('/privacy/erase', {
        method: 'POST',
        body: { email },
      });
      setMessage(`Personal data removed from ${erased.claims} claims; ${erased.photos} photos deleted.`);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : String(error));
    }
  }

  return (
    <section>
      <h1>Privacy requests</h1>
      <p>
        For an owner who asks what is held about them, or asks for it to be erased. Erasing removes their
        name, contact details, address, words and photos from every claim made with the address; decisions,
        remedies and the counts the regulator's reports need stay. Closed claims are erased by themselves
        after the retention period.
      </p>
      <form className="inline-form" onSubmit={exportData}>
        <label>
          The owner's e-mail address
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <button type="submit">Download their data</button>
        <button type="button" className="danger" disabled={!email} onClick={() => setConfirming(true)}>
          Erase their data…
        </button>
      </form>
      {confirming && (
        <div role="alertdialog" aria-labelledby="erase-title" className="confirm">
          <p id="erase-title">
            Erase the personal data of every claim made with {email}? This cannot be undone.
          </p>
          <button type="button" className="danger" onClick={erase}>
            Erase
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
