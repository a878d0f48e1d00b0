import { createHash } from 'node:crypto';
import { LIMITS } from '@strata/core';
import type { BusMessage } from '@strata/core';
import { analyzedEvent, analyzedMessage, digestOf, withoutFindings } from './test-support.ts';

/**
 * One kind of bad input: the records a producer publishes and the objects it uploads first. The
 * last record must end as a dead letter with the expected code, or change nothing (`no-op`)
 * after the records before it were ingested.
 */
export interface BadInputCase {
  name: string;
  records(bucket: string): BusMessage[];
  uploads?: { key: string; body: string }[];
  expected: { deadLetter: string } | 'no-op';
}

type Event = ReturnType<typeof analyzedEvent>;

const raw = (text: string): BusMessage => ({ key: null, value: Buffer.from(text), headers: {} });
const json = (value: unknown): BusMessage => raw(JSON.stringify(value));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const invalid = { deadLetter: 'INVALID_EVENT' };
const overLimit = { deadLetter: 'LIMIT_EXCEEDED' };
const unsupported = { deadLetter: 'UNSUPPORTED_SCHEMA_VERSION' };
const findingsDocument = JSON.stringify({ vulnerabilities: [], policyFindings: [] });

function simple(
  name: string,
  record: BusMessage,
  expected: BadInputCase['expected'],
): BadInputCase {
  return { name, records: () => [record], expected };
}

function changed(name: string, change: (event: Event) => unknown): BusMessage {
  return json(change(analyzedEvent(name, 2)));
}

function withImage(name: string, image: Record<string, unknown>): BusMessage {
  return changed(name, (event) => ({ ...event, image: { ...event.image, ...image } }));
}

function withLayer(name: string, layer: Record<string, unknown>): BusMessage {
  return changed(name, (event) => {
    const [first, ...rest] = event.image.layers;

    return { ...event, image: { ...event.image, layers: [{ ...first, ...layer }, ...rest] } };
  });
}

function withReference(name: string, uri: string, hash: string): BusMessage {
  return json({
    ...withoutFindings(analyzedEvent(name, 2)).event,
    analysisRef: { uri, sha256: hash },
  });
}

function without<Key extends keyof Event>(name: string, key: Key): BusMessage {
  return changed(name, (event) =>
    Object.fromEntries(Object.entries(event).filter(([field]) => field !== key)),
  );
}

function decodingCases(): BadInputCase[] {
  return [
    simple('not JSON', raw('image analyzed'), invalid),
    simple('truncated JSON', raw('{"schemaVersion":1,"image":'), invalid),
    simple('empty value', raw(''), invalid),
    simple('null value', { key: null, value: null, headers: {} }, invalid),
    simple(
      'invalid UTF-8',
      { key: null, value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), headers: {} },
      invalid,
    ),
    simple('JSON array', json([analyzedEvent('array', 1)]), invalid),
    simple('JSON null', raw('null'), invalid),
    simple('JSON number', raw('42'), invalid),
    simple(
      'annotation named __proto__',
      raw(
        JSON.stringify(analyzedEvent('proto-key', 1)).replace(
          '"layers"',
          '"annotations":{"__proto__":{}},"layers"',
        ),
      ),
      invalid,
    ),
  ];
}

function envelopeCases(): BadInputCase[] {
  const keyed = analyzedMessage(analyzedEvent('keyed', 1));

  return [
    // The schema reports a missing or non-numeric schemaVersion as another version.
    simple('missing schemaVersion', without('no-version', 'schemaVersion'), unsupported),
    simple(
      'string schemaVersion',
      changed('string-version', (event) => ({ ...event, schemaVersion: '1' })),
      unsupported,
    ),
    simple(
      'unknown schemaVersion',
      changed('version-2', (event) => ({ ...event, schemaVersion: 2 })),
      unsupported,
    ),
    simple('missing analyzedAt', without('no-time', 'analyzedAt'), invalid),
    simple(
      'analyzedAt not a time',
      changed('bad-time', (event) => ({ ...event, analyzedAt: 'yesterday' })),
      invalid,
    ),
    simple('missing image', without('no-image', 'image'), invalid),
    simple('key differs from digest', { ...keyed, key: digestOf('someone-else') }, invalid),
    simple(
      'foreign ce_type',
      analyzedMessage(analyzedEvent('typed', 1), { ce_type: 'com.example.built' }),
      invalid,
    ),
  ];
}

function imageCases(): BadInputCase[] {
  const upper = `sha256:${digestOf('upper').slice(7).toUpperCase()}`;
  const layerCount = LIMITS.maxLayersPerImage + 1;
  const manyLayers = Array.from({ length: layerCount }, (_, n) => ({
    digest: digestOf(`many-${n}`),
  }));
  const manyTags = Array.from(
    { length: LIMITS.maxTagsPerImage + 1 },
    (_, n) => `example.test/t:${n}`,
  );
  const longNote = 'x'.repeat(LIMITS.maxAnnotationValueLength + 1);

  return [
    simple('missing digest', withImage('no-digest', { digest: undefined }), invalid),
    simple('upper-case digest', withImage('upper', { digest: upper }), invalid),
    simple('path-like digest', withImage('path', { digest: 'sha256:../../etc/passwd' }), invalid),
    simple('sha1 digest', withImage('sha1', { digest: `sha1:${'a'.repeat(40)}` }), invalid),
    simple(
      'indexDigest equal to digest',
      withImage('self-index', { indexDigest: digestOf('self-index') }),
      invalid,
    ),
    simple('missing layers', withImage('no-layers', { layers: undefined }), invalid),
    simple('empty layer list', withImage('empty-layers', { layers: [] }), invalid),
    simple('too many layers', withImage('many-layers', { layers: manyLayers }), overLimit),
    simple('malformed layer digest', withLayer('layer-digest', { digest: 'sha256:xyz' }), invalid),
    simple('malformed diff ID', withLayer('diff-id', { diffId: 'not-a-digest' }), invalid),
    simple('negative layer size', withLayer('size', { size: -1 }), invalid),
    simple('too many tags', withImage('tags', { tags: manyTags }), overLimit),
    simple(
      'overlong annotation',
      withImage('annotation', { annotations: { note: longNote } }),
      overLimit,
    ),
  ];
}

function findingCases(): BadInputCase[] {
  const noPackage = [{ id: 'CVE-2024-0001', severity: 'Low' }];
  const noGate = [{ trigger: 'package', triggerId: 'CVE-2024-0001+openssl' }];
  const reference = { uri: 's3://bucket/key.json', sha256: sha256(findingsDocument) };

  return [
    simple(
      'vulnerabilities not a list',
      changed('vulns', (event) => ({ ...event, vulnerabilities: {} })),
      invalid,
    ),
    simple(
      'vulnerability without package',
      changed('no-package', (event) => ({ ...event, vulnerabilities: noPackage })),
      invalid,
    ),
    simple(
      'policy finding without gate',
      changed('no-gate', (event) => ({ ...event, policyFindings: noGate })),
      invalid,
    ),
    simple(
      'inline findings and analysisRef',
      changed('both', (event) => ({ ...event, analysisRef: reference })),
      invalid,
    ),
  ];
}

function referenceCases(): BadInputCase[] {
  const hash = sha256(findingsDocument);

  return [
    simple(
      'analysisRef not s3',
      withReference('http-ref', 'https://example.test/a.json', hash),
      invalid,
    ),
    simple(
      'malformed analysisRef sha256',
      withReference('short-sha', 's3://bucket/a.json', 'abc'),
      invalid,
    ),
    {
      name: 'missing analysis document',
      records: (bucket) => [withReference('missing-doc', `s3://${bucket}/docs/absent.json`, hash)],
      expected: { deadLetter: 'ANALYSIS_DOCUMENT_MISSING' },
    },
    {
      name: 'tampered analysis document',
      uploads: [{ key: 'docs/tampered.json', body: `${findingsDocument} ` }],
      records: (bucket) => [
        withReference('tampered-doc', `s3://${bucket}/docs/tampered.json`, hash),
      ],
      expected: { deadLetter: 'ANALYSIS_DOCUMENT_MISMATCH' },
    },
    {
      name: 'analysis document in another bucket',
      records: () => [withReference('other-bucket', 's3://someone-elses-bucket/docs/a.json', hash)],
      expected: invalid,
    },
    {
      name: 'analysis document not JSON',
      uploads: [{ key: 'docs/not-json.json', body: 'vulnerabilities: []' }],
      records: (bucket) => [
        withReference(
          'doc-not-json',
          `s3://${bucket}/docs/not-json.json`,
          sha256('vulnerabilities: []'),
        ),
      ],
      expected: invalid,
    },
  ];
}

function replayCases(): BadInputCase[] {
  const newer = analyzedEvent('ordered', 2, '2026-02-01T00:00:00Z');
  const older = { ...analyzedEvent('ordered', 2, '2026-01-01T00:00:00Z'), vulnerabilities: [] };
  const twice = analyzedEvent('twice', 2);

  return [
    {
      name: 'duplicate event',
      records: () => [analyzedMessage(twice), analyzedMessage(twice)],
      expected: 'no-op',
    },
    {
      name: 'older analysis after newer',
      records: () => [analyzedMessage(newer), analyzedMessage(older)],
      expected: 'no-op',
    },
  ];
}

/** Every kind of bad input the ingestion worker must survive, for unit and integration suites. */
export function badInputCases(): BadInputCase[] {
  return [
    ...decodingCases(),
    ...envelopeCases(),
    ...imageCases(),
    ...findingCases(),
    ...referenceCases(),
    ...replayCases(),
  ];
}

/** Expected results of a run of every bad-input case. */
export interface BadInputExpectations {
  /** Dead letters in topic order: case name, reason code and the original value bytes. */
  deadLetters: { name: string; code: string; value: Buffer | null }[];
  /** Digests of the good events published after each case; all must be stored. */
  sentinels: string[];
  /** Number of `image.indexed` records the run must produce. */
  announcements: number;
}

interface PublishTarget {
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
}

interface UploadTarget {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

/**
 * Publishes every bad-input case to `topic`, each followed by a good event, and returns what the
 * worker must produce from them.
 */
export async function publishBadInputs(
  bus: PublishTarget,
  objects: UploadTarget,
  topic: string,
  bucket: string,
): Promise<BadInputExpectations> {
  const expectations: BadInputExpectations = { deadLetters: [], sentinels: [], announcements: 0 };
  for (const [position, badCase] of badInputCases().entries()) {
    for (const upload of badCase.uploads ?? []) {
      await objects.put(upload.key, Buffer.from(upload.body), 'application/json');
    }

    const records = badCase.records(bucket);
    const sentinel = analyzedEvent(`sentinel-${position}`, 1 + (position % 4));
    await bus.publish(topic, [...records, analyzedMessage(sentinel)]);
    expectations.sentinels.push(sentinel.image.digest);
    expectations.announcements += 1;
    if (badCase.expected === 'no-op') {
      expectations.announcements += 1;
    } else {
      const value = records.at(-1)?.value ?? null;
      expectations.deadLetters.push({
        name: badCase.name,
        code: badCase.expected.deadLetter,
        value,
      });
    }
  }

  return expectations;
}
