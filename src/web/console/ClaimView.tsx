import { useState } from 'react';
import type { ClaimForReview, ReviewCheck, ReviewEvidence } from './console-api.ts';
import {
  actionWord,
  actorLabel,
  checkLabel,
  describeCheck,
  eventLabel,
  remedyLabel,
  statusLabel,
} from './labels.ts';

const photoUrl = (claimId: string, evidenceId: string) =>
  `/api/v1/console/claims/${encodeURIComponent(claimId)}/evidence/${encodeURIComponent(evidenceId)}`;

/** Everything about one claim a reviewer weighs: photos with what was read, checks, signals, history. */
export function ClaimView({ detail }: { detail: ClaimForReview }) {
  const { claim } = detail;
  const photos = detail.evidence.filter((e) => e.current);
  return (
    <article className="claim-view" aria-labelledby="claim-title">
      <h2 id="claim-title">
        {claim.code} <span className={`status status-${claim.status}`}>{statusLabel(claim.status)}</span>
      </h2>
      <dl className="facts">
        <Fact label="Campaign" value={claim.campaign.title} />
        <Fact label="Model / serial" value={`${claim.model} / ${claim.serial ?? '(by model)'}`} />
        <Fact label="Remedy" value={remedyLabel(claim.remedy)} />
        <Fact
          label="Claimant"
          value={`${claim.claimant.name} <${claim.claimant.email}>${claim.claimant.phone ? `, ${claim.claimant.phone}` : ''}`}
        />
        <Fact label="Country / language" value={`${claim.claimant.country} / ${claim.claimant.language}`} />
        {claim.address && (
          <Fact label="Address" value={Object.values(claim.address).filter(Boolean).join(', ')} />
        )}
        {!claim.hasUnit && <Fact label="Unit" value="No longer has it: proof of purchase instead" />}
        {claim.orderNumber && <Fact label="Order number" value={claim.orderNumber} />}
        {claim.incidentDescription && <Fact label="Incident" value={claim.incidentDescription} />}
        <Fact label="Risk score" value={claim.riskScore === null ? '—' : String(claim.riskScore)} />
        <Fact
          label="Submitted"
          value={claim.submittedAt ? new Date(claim.submittedAt).toLocaleString() : '—'}
        />
        <Fact
          label="Disposal"
          value={
            claim.disposalConfirmedAt
              ? `confirmed ${new Date(claim.disposalConfirmedAt).toLocaleDateString()}`
              : claim.disposalAttestedAt
                ? 'promised'
                : 'not yet'
          }
        />
      </dl>

      <div className="photos">
        {photos.map((photo) => (
          <PhotoViewer
            key={photo.id}
            claimId={claim.id}
            photo={photo}
            checks={detail.checks.filter((c) => c.evidenceId === photo.id)}
          />
        ))}
        {photos.length === 0 && <p>No photos.</p>}
      </div>

      <h3>Checks</h3>
      <table className="checks">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Outcome</th>
            <th scope="col">Score</th>
            <th scope="col">What was found</th>
          </tr>
        </thead>
        <tbody>
          {detail.checks.map((check) => (
            <tr key={check.id} data-check={check.id}>
              <th scope="row">{checkLabel(check.id)}</th>
              <td>
                <span className={`outcome outcome-${check.outcome}`}>{check.outcome}</span>
              </td>
              <td>{check.score.toFixed(2)}</td>
              <td>{describeCheck(check)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail.checks.length === 0 && <p>No automatic checks (no photos of the unit).</p>}

      {detail.duplicates.length > 0 && (
        <>
          <h3>Photos seen in other claims</h3>
          <ul className="duplicates">
            {detail.duplicates.map((dup) => (
              <li key={`${dup.evidence}-${dup.otherClaim}`} className="side-by-side">
                <figure>
                  <img src={photoUrl(claim.id, dup.evidence)} alt="This claim’s evidence" />
                  <figcaption>this claim</figcaption>
                </figure>
                {dup.otherEvidence ? (
                  <figure>
                    <img
                      src={photoUrl(dup.otherClaim, dup.otherEvidence)}
                      alt={`The same scene in claim ${dup.otherCode}`}
                    />
                    <figcaption>
                      {dup.otherCode} ({dup.otherStatus}) · {dup.reason.replace('_', ' ')}
                      {dup.distance !== null && `, ${dup.distance} bits apart`}
                    </figcaption>
                  </figure>
                ) : (
                  <p>
                    Shows the code of claim {dup.otherCode} ({dup.otherStatus})
                  </p>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Fraud signals</h3>
      {detail.signals.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {detail.signals.map((signal) => (
            <li key={signal.kind}>
              {signal.kind.replaceAll('_', ' ')}: {signal.claims.length} other claim
              {signal.claims.length === 1 ? '' : 's'}
              {signal.forcesReview && ' (sent to review)'}
            </li>
          ))}
        </ul>
      )}
      {detail.otherClaims.length > 0 && (
        <>
          <h3>The claimant’s other claims</h3>
          <ul>
            {detail.otherClaims.map((other) => (
              <li key={other.id}>
                <a href={`/console/review/${other.id}`}>{other.code}</a> · {statusLabel(other.status)} ·{' '}
                {other.serial ?? '—'} · {new Date(other.createdAt).toLocaleDateString()}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Timeline</h3>
      <ol className="timeline">
        {detail.timeline.map((event) => (
          <li key={event.id}>
            <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time> ·{' '}
            {actorLabel(event.actor, detail.people)} · {eventLabel(event.type)}
            {event.to && `: ${statusLabel(event.to)}`}
            {typeof event.detail.message === 'string' && <q>{event.detail.message}</q>}
          </li>
        ))}
      </ol>
      <h3>Decisions</h3>
      <ol className="timeline">
        {detail.decisions.map((d) => (
          <li key={d.id}>
            <time dateTime={d.at}>{new Date(d.at).toLocaleString()}</time> ·{' '}
            {actorLabel(d.actor, detail.people)} · {actionWord(d.action)}
            {d.reasonCode && ` (${d.reasonCode.replaceAll('_', ' ')})`} · {d.state}
            {d.confirmedBy && ` by ${actorLabel(d.confirmedBy, detail.people)}`}
            {d.reasons.length > 0 && ` · ${d.reasons.map(checkLabel).join(', ')}`}
          </li>
        ))}
      </ol>
    </article>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A photo, large, zoomable and rotatable, with the boxes of the words the machine read. */
function PhotoViewer({
  claimId,
  photo,
  checks,
}: {
  claimId: string;
  photo: ReviewEvidence;
  checks: ReviewCheck[];
}) {
  const [zoom, setZoom] = useState(1);
  const [rotation, setRotation] = useState(0);
  const [boxes, setBoxes] = useState(true);
  const [size, setSize] = useState<[number, number] | null>(null);
  const words = size ? (photo.ocr?.words ?? []) : [];
  const angle = photo.ocr?.angle ?? 0;
  const failing = checks.filter((c) => c.outcome !== 'pass').map((c) => checkLabel(c.id));
  return (
    <figure className="photo-viewer" data-kind={photo.kind}>
      <figcaption>
        <strong>
          {photo.kind === 'label'
            ? 'Photo 1: label'
            : photo.kind === 'marked'
              ? 'Photo 2: marked unit'
              : photo.kind}
        </strong>{' '}
        {photo.width}×{photo.height}
        {photo.state !== 'ready' && ` · ${photo.state}${photo.problem ? ` (${photo.problem})` : ''}`}
        {failing.length > 0 && ` · doubts: ${failing.join(', ')}`}
      </figcaption>
      <div className="photo-tools">
        <button type="button" onClick={() => setZoom((z) => Math.min(4, z * 1.5))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => setZoom((z) => Math.max(1, z / 1.5))} aria-label="Zoom out">
          −
        </button>
        <button
          type="button"
          onClick={() => setRotation((r) => (r + 90) % 360)}
          aria-label="Rotate a quarter turn"
        >
          ⟳
        </button>
        {words.length > 0 && (
          <label>
            <input type="checkbox" checked={boxes} onChange={(e) => setBoxes(e.target.checked)} /> text boxes
          </label>
        )}
      </div>
      <div className="photo-frame">
        <div className="photo-stage" style={{ transform: `rotate(${rotation}deg) scale(${zoom})` }}>
          <img
            src={photoUrl(claimId, photo.id)}
            alt={photo.kind === 'label' ? 'The unit’s label' : 'The marked unit'}
            // A cached photo may be complete before React sees its load event.
            ref={(img) => {
              if (img?.complete && img.naturalWidth > 0 && !size)
                setSize([img.naturalWidth, img.naturalHeight]);
            }}
            onLoad={(event) => setSize([event.currentTarget.naturalWidth, event.currentTarget.naturalHeight])}
          />
          {boxes &&
            size &&
            words.map((word, i) => {
              const [left, top, right, bottom] = onPhoto(word.box, angle, size);
              return (
                <span
                  // biome-ignore lint/suspicious/noArrayIndexKey: words have no id; their order is fixed
                  key={i}
                  className="ocr-box"
                  title={`${word.text} (${Math.round(word.confidence)}%)`}
                  style={{
                    left: `${left * 100}%`,
                    top: `${top * 100}%`,
                    width: `${(right - left) * 100}%`,
                    height: `${(bottom - top) * 100}%`,
                  }}
                />
              );
            })}
        </div>
      </div>
      {photo.ocr && photo.ocr.lines.length > 0 && (
        <details>
          <summary>Text read ({photo.ocr.lines.length} lines)</summary>
          <pre>{photo.ocr.lines.join('\n')}</pre>
        </details>
      )}
    </figure>
  );
}

/**
 * A word box read on the straightened photo (OCR turns the photo by -angle degrees on a canvas
 * grown to fit, see prepareForOcr) as fractions of the photo as shown: the corners are turned
 * back about the centre, and the box drawn around them.
 */
export function onPhoto(
  box: [number, number, number, number],
  angle: number,
  [width, height]: [number, number],
): [number, number, number, number] {
  if (Math.abs(angle) < 0.5) return box;
  const a = (angle * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const grownWidth = width * Math.abs(cos) + height * Math.abs(sin);
  const grownHeight = width * Math.abs(sin) + height * Math.abs(cos);
  const corners = [
    [box[0], box[1]],
    [box[2], box[1]],
    [box[0], box[3]],
    [box[2], box[3]],
  ].map(([u, v]) => {
    const x = (u as number) * grownWidth - grownWidth / 2;
    const y = (v as number) * grownHeight - grownHeight / 2;
    return [(x * cos - y * sin + width / 2) / width, (x * sin + y * cos + height / 2) / height] as const;
  });
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
