export const REVIEW_KEYS: [string, string][] = [
  ['j / k', 'next / previous claim'],
  ['a', 'approve'],
  ['r', 'reject'],
  ['i', 'request information'],
  ['e', 'escalate'],
  ['Esc', 'close the panel'],
  ['?', 'this help'],
];

/** The reviewer's keyboard shortcuts, as a small dialog. */
export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-dialog" role="dialog" aria-modal="false" aria-labelledby="help-title">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl>
        {REVIEW_KEYS.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
