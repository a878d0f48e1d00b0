import { z } from 'zod';

const DECIMAL_INTEGER = /^-?\d+$/;

/**
 * Returns the schema of a variable that contains a decimal integer within `[min, max]`. Rejects empty strings,
 * fractions, exponents and hex, which `Number()` would accept.
 */
export function envInteger(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(DECIMAL_INTEGER, 'must be a decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** Returns the schema of a boolean variable: `true`, `false`, `1`, `0`, `yes`, `no`, `on` or `off`, any case. */
export function envBoolean() {
  return z.stringbool({
    truthy: ['true', '1', 'yes', 'on'],
    falsy: ['false', '0', 'no', 'off'],
    case: 'insensitive',
  });
}

/** Returns the schema of a comma-separated list, with blanks trimmed and empty entries dropped; at least one entry. */
export function envList() {
  return z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(z.string()).min(1, 'must list at least one entry'));
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Tells whether the port of a `host:port` text is from 1 to 65535. Text of another form passes,
 * because the pattern check already reports it.
 */
function portInRange(text: string): boolean {
  const port = HOST_PORT.exec(text)?.[2];

  return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
}

/** A `host:port` pair with a port from 1 to 65535, as in a list of Kafka brokers or Redis nodes. */
export const hostPort = z
  .string()
  .regex(HOST_PORT, 'must be host:port')
  .refine(portInRange, 'must be host:port with a port from 1 to 65535');

/** Returns the schema of a URL whose scheme is one of `schemes`. */
export function envUrl(schemes: readonly string[]) {
  // zod runs every refinement, so the scheme check also receives text that is not a URL.
  return z
    .string()
    .trim()
    .refine((text) => URL.canParse(text), 'must be a URL')
    .refine(
      (text) => !URL.canParse(text) || schemes.includes(new URL(text).protocol.replace(/:$/, '')),
      `must use one of the schemes ${schemes.join(', ')}`,
    );
}

/** A Kafka topic name: 1 to 249 characters of letters, digits, `.`, `_` and `-`. */
export const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be 1 to 249 letters, digits, ".", "_" or "-"');
