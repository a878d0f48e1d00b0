/** Text that replaces a secret wherever Strata would otherwise print it. */
export const MASK = '***';

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIALS?$/i;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/\s]*@/gi;

/** Tells whether an environment variable or field name names a secret, by its name alone. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Replaces the password of every `scheme://user:password@host` URL inside `text` with `***`,
 * so connection strings can be logged and shown in errors.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}@`);
}

/** Returns the value of a variable as it may be shown: masked for secrets, passwords removed. */
export function maskValue(name: string, value: unknown): unknown {
  if (value === undefined || value === null) {
    return value;
  }

  if (isSecretName(name)) {
    return MASK;
  }

  return typeof value === 'string' ? maskUrlPasswords(value) : value;
}

/** Returns a copy of a flat config object with secrets masked, fit for a startup log line. */
export function maskConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([name, value]) => [name, maskValue(name, value)]),
  );
}
