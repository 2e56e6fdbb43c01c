import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type CreatedStaff, consoleFetch, type Role, type StaffList } from './console-api.ts';

const ROLES: Role[] = ['reviewer', 'supervisor', 'fulfilment', 'manager', 'analyst', 'admin'];

/** Staff accounts: create (with a one-time password shown once) and deactivate. */
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
                {s.active && (
                  <button type="button" className="secondary" onClick={() => deactivate.mutate(s.id)}>
                    Deactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
