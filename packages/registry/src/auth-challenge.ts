/** A parsed `WWW-Authenticate` challenge. */
export interface AuthChallenge {
  /** `bearer` or `basic`, lower case. */
  scheme: string;
  /** Parameters such as `realm`, `service` and `scope`. */
  parameters: Record<string, string>;
}

const PARAMETER = /([A-Za-z][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;

/**
 * Parses the first challenge of a `WWW-Authenticate` header, such as
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:app:pull"`.
 * Returns undefined for an empty header.
 */
export function parseAuthChallenge(header: string | undefined): AuthChallenge | undefined {
  const text = header?.trim() ?? '';
  const match = /^([A-Za-z]+)\s*(.*)$/s.exec(text);
  if (match?.[1] === undefined) {
    return undefined;
  }

  const parameters: Record<string, string> = {};
  for (const parameter of (match[2] ?? '').matchAll(PARAMETER)) {
    const name = parameter[1]?.toLowerCase();
    const value = parameter[2]?.replace(/\\(.)/g, '$1') ?? parameter[3] ?? '';
    if (name !== undefined) parameters[name] = value;
  }

  return { scheme: match[1].toLowerCase(), parameters };
}
