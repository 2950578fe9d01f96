/**
 * Which form field an API error is about: its messages start with the input's path ("details.harvestDate is
 * required…", "quantity is required…", "lotCode: …"), so the console shows the message beside that field.
 * Pure. Null when the message names none of the form's fields (then it is shown above the form).
 */
export function fieldOfError(message: string, fields: readonly string[]): string | null {
  const path = /^(?:[a-zA-Z]+\[\d+\]\.)?([a-zA-Z]+(?:\.[a-zA-Z]+)?)\b/.exec(message)?.[1];
  if (!path) return null;
  if (fields.includes(path)) return path;
  // "input.lotCode" or a bare detail name
  const last = path.split('.').pop()!;
  return fields.find((f) => f === last || f === `details.${last}`) ?? null;
}
