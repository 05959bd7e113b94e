/** A problem shown under its field; the field points at it with aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" data-testid={`error-${id}`}>
      {message}
    </p>
  );
}
