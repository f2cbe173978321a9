/**
 * Redaction of the tokens a matrix run holds: the runner's case details and the release hook's
 * log lines both pass through it, so no token reaches a report or a log by any path.
 */

/** Replaces every secret (and each long part of a JWT one) in `text` with `[redacted]`. */
export function redactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    // A JWT's parts are secrets on their own: a clipped token must not leak its signature.
    for (const part of secret.split('.')) if (part.length >= 16) needles.add(part);
  }
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((t, needle) => t.split(needle).join('[redacted]'), text);
}
