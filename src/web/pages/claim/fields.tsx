export function Field({
  label,
  onChange,
  ...input
}: {
  label: string;
  onChange: (event: { target: { value: string } }) => void;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      <span>{label}</span>
      <input {...input} onChange={onChange} />
    </label>
  );
}

export function ErrorAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
