import type { Remedy } from '../../shared/contracts/catalog.ts';

export function RemedyList({ remedies }: { remedies: Remedy[] }) {
  return (
    <ul className="remedies">
      {remedies.map((remedy) => (
        <li key={`${remedy.kind}-${remedy.sku ?? ''}`} data-remedy={remedy.kind}>
          {remedy.label}
        </li>
      ))}
    </ul>
  );
}
