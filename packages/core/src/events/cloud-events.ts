import { StrataError } from '../errors.ts';

/** CloudEvents 1.0 attributes of one event, as carried in Kafka headers in binary mode. */
export interface CloudEventAttributes {
  id: string;
  type: string;
  source: string;
  /** ISO 8601 time the event was produced. */
  time: string;
}

const SPEC_VERSION = '1.0';
const CONTENT_TYPE = 'application/json';

/**
 * Builds the Kafka headers of an event in CloudEvents binary content mode (Kafka protocol
 * binding): `ce_id`, `ce_type`, `ce_source`, `ce_specversion`, `ce_time` and `content-type`.
 * The id and time are passed in, so the result depends on the arguments only.
 */
export function cloudEventHeaders(attributes: CloudEventAttributes): Record<string, string> {
  return {
    ce_id: attributes.id,
    ce_type: attributes.type,
    ce_source: attributes.source,
    ce_specversion: SPEC_VERSION,
    ce_time: attributes.time,
    'content-type': CONTENT_TYPE,
  };
}

/**
 * Reads the CloudEvents attributes back from Kafka headers. Raises `INVALID_EVENT` naming the
 * header when a required one is missing or the spec version is not 1.0.
 */
export function readCloudEventHeaders(
  headers: Readonly<Record<string, string | undefined>>,
): CloudEventAttributes {
  const id = requireHeader(headers, 'ce_id');
  const type = requireHeader(headers, 'ce_type');
  const source = requireHeader(headers, 'ce_source');
  const specVersion = requireHeader(headers, 'ce_specversion');
  if (specVersion !== SPEC_VERSION) {
    throw new StrataError('INVALID_EVENT', `ce_specversion: expected 1.0, got "${specVersion}"`, {
      details: { field: 'ce_specversion', value: specVersion },
    });
  }

  return { id, type, source, time: headers.ce_time ?? '' };
}

function requireHeader(headers: Readonly<Record<string, string | undefined>>, name: string) {
  const value = headers[name];
  if (value === undefined || value === '') {
    throw new StrataError('INVALID_EVENT', `${name}: missing CloudEvents header`, {
      details: { field: name },
    });
  }

  return value;
}
