import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { type CreatedStaff, consoleFetch, type Role, type Staff, type StaffList } from './console-api.ts';

const ROLES: Role[] = ['reviewer', 'supervisor', 'fulfilment', 'manager', 'analyst', 'admin'];

/** Staff accounts: create (with a one-time password shown once), deactivate (asked first) and reactivate. */
export function StaffPage() {
  const queryClient = useQueryClient();
  const staff = useQuery({
    queryKey: ['console', 'staff'],
    queryFn: () => consoleFetch<StaffList>('/staff'),
  });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('reviewer');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console', 'staff'] });
  const create = useMutation({
    mutationFn: () =>
      consoleFetch<CreatedStaff>('/staff', {
        method: 'POST',
        body: { email, role, ...(name ? { name } : {}) },
      }),
    onSuccess: () => {
      setEmail('');
      setName('');
      refresh();
    },
  });
  const [leaving, setLeaving] = useState<Staff | null>(null);
  const reactivate = useMutation({
    mutationFn: (id: string) => consoleFetch(`/staff/${id}/reactivate`, { method: 'POST' }),
    onSuccess: refresh,
  });
  const deactivate = useMutation({
    mutationFn: (id: string) => consoleFetch(`/staff/${id}/deactivate`, { method: 'POST' }),
    onSuccess: refresh,
  });
  return (
    <section>
      <h1>Staff</h1>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <label>
          E-mail
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          Create account
        </button>
      </form>
      {create.error && <p className="console-error">{create.error.message}</p>}
      {create.data?.oneTimePassword && (
        <p role="status" className="console-notice">
          {create.data.staff.email} signs in once with <code>{create.data.oneTimePassword}</code> and then
          chooses a password. It is shown only now.
        </p>
      )}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-mail</th>
            <th scope="col">Role</th>
            <th scope="col">State</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {staff.data?.staff.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.email}</td>
              <td>{s.role}</td>
              <td>
                {s.active
                  ? s.lockedUntil
                    ? `active · sign-in slowed until ${new Date(s.lockedUntil).toLocaleTimeString()} (wrong passwords)`
                    : 'active'
                  : 'deactivated'}
                {s.mustChangePassword && ' · one-time password'}
              </td>
              <td>
                {s.active ? (
                  <button type="button" className="secondary" onClick={() => setLeaving(s)}>
                    Deactivate…
                  </button>
                ) : (
                  <button type="button" className="secondary" onClick={() => reactivate.mutate(s.id)}>
                    Reactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(deactivate.error || reactivate.error) && (
        <p role="alert" className="console-error">
          {(deactivate.error ?? reactivate.error)?.message}
        </p>
      )}
      {leaving && (
        <ConfirmDialog
          title={`Deactivate ${leaving.name || leaving.email}?`}
          confirm="Deactivate"
          cancel="Keep the account"
          busy={deactivate.isPending}
          onCancel={() => setLeaving(null)}
          onConfirm={() => deactivate.mutate(leaving.id, { onSettled: () => setLeaving(null) })}
        >
          <ul>
            <li>They are signed out at once and cannot sign in.</li>
            <li>Claims they had open are free for others; their decisions stay in the audit trail.</li>
            <li>You can undo it: Reactivate lets them sign in again.</li>
          </ul>
        </ConfirmDialog>
      )}
    </section>
  );
}
