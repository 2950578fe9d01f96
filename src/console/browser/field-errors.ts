/**
 * Which form field an API error is about: its messages start with the input's path ("details.harvestDate is
 * required…", "quantity is required…", "outputs[0].lotCode: …"), so the console shows the message beside that field.
 * Pure. Null when the message names none of the form's fields (then it is shown above the form).
 */
export function fieldOfError(message: string, fields: readonly string[]): string | null {
  // Names may hold digits after their first letter (documentSha256).
  const path = /^((?:[a-zA-Z][a-zA-Z0-9]*\[\d+\]\.)?[a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z][a-zA-Z0-9]*)?)\b/.exec(message)?.[1];
  if (!path) return null;
  // A line of a list ("inputs[1].batchId") when the form has one, else the field without its index ("events[0].quantity").
  if (fields.includes(path)) return path;
  const bare = path.replace(/^[a-zA-Z][a-zA-Z0-9]*\[\d+\]\./, '');
  if (fields.includes(bare)) return bare;
  const last = bare.split('.').pop()!;
  return fields.find((f) => f === last || f === `details.${last}`) ?? null;
}
