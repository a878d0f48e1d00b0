import { randomBytes } from 'node:crypto';

/** Names of the resources one test owns, so tests never see each other's data. */
export interface TestNames {
  /** Kafka topic. */
  topic: string;
  /** MongoDB database. */
  database: string;
  /** Prefix of every Redis key the test writes, ending in ':'. */
  keyPrefix: string;
  /** S3 bucket. */
  bucket: string;
  /** Consumer group id. */
  groupId: string;
  /** Returns a further unique name with this test's base, e.g. a second topic. */
  unique(kind: string): string;
}

/** Maximum length of the label part, because S3 bucket and MongoDB database names allow 63. */
const MAX_LABEL_LENGTH = 30;

/**
 * Creates unique resource names for one test from a label such as the test's name. The names
 * use lowercase letters, digits and hyphens only, start with `t-` and stay within 63
 * characters, which satisfies Kafka topic, MongoDB database and S3 bucket naming rules.
 */
export function createTestNames(label: string, random: () => string = randomSuffix): TestNames {
  const base = `t-${slug(label)}-${random()}`;
  const unique = (kind: string): string => `${base}-${slug(kind)}-${random()}`.slice(0, 63);
  return {
    topic: `${base}-topic`,
    database: `${base}-db`,
    keyPrefix: `${base}:`,
    bucket: `${base}-bucket`,
    groupId: `${base}-group`,
    unique,
  };
}

function slug(label: string): string {
  const words = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, MAX_LABEL_LENGTH).replace(/-+$/, '') || 'test';
}

/**
 * Eight hexadecimal digits, 2^32 values: among 300 tests with one label, the chance of a
 * collision is about 1 in 100,000 (birthday bound).
 */
function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
