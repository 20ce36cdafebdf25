/**
 * `--labels key=value,...`: the installation's labels, which the controller's placement selects
 * on. Keys and values are taken verbatim (as in conf strings, reference §0.1); a key is a short
 * name so that a placement annotation can name it.
 */
export type Labels = Readonly<Record<string, string>>;

export type LabelsParse =
  | { readonly ok: true; readonly labels: Labels }
  | { readonly ok: false; readonly reason: string };

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?$/;
const MAX_VALUE_LENGTH = 256;

/** Empty text: no labels. A repeated key, an empty value or a malformed pair is refused. */
export function parseLabels(text: string): LabelsParse {
  const labels: Record<string, string> = {};
  if (text.trim() === "") return { ok: true, labels };
  for (const pair of text.split(",")) {
    const equals = pair.indexOf("=");
    if (equals < 0) return refused(`'${pair}' is not key=value`);
    const key = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    if (!KEY.test(key)) {
      return refused(
        `label key '${key}' must be 1-64 letters, digits, '.', '_', '/' or '-', starting and ending with a letter or digit`,
      );
    }
    if (value === "" || value.length > MAX_VALUE_LENGTH) {
      return refused(`label '${key}' needs a value of 1-${MAX_VALUE_LENGTH} characters`);
    }
    if (Object.hasOwn(labels, key)) return refused(`label '${key}' is given twice`);
    labels[key] = value;
  }
  return { ok: true, labels };
}

function refused(reason: string): LabelsParse {
  return { ok: false, reason: `invalid --labels: ${reason}` };
}
