// Readiness probes of the local services: one real protocol request each, with only the
// Node.js standard library, so the probes run before `pnpm install` and on Node.js 20 or newer.
//
//   node probe.mjs kafka HOST PORT     Metadata v4; ready when the broker lists itself
//   node probe.mjs mongodb HOST PORT   OP_MSG {ping: 1}; ready when the reply has ok: 1
//   node probe.mjs redis HOST PORT     PING; ready on +PONG
//
// Exits 0 when ready, 1 otherwise, with the reason on stderr.
import { connect } from 'node:net';

const TIMEOUT_MS = 5_000;

/**
 * Sends one request and resolves with the reply once `complete(buffer)` returns true for the
 * bytes received so far.
 */
function exchange(host, port, request, complete) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks = [];
    socket.setTimeout(TIMEOUT_MS, () =>
      socket.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)),
    );
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const reply = Buffer.concat(chunks);
      if (complete(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('connection closed before a full reply')));
  });
}

/** Kafka request header v1 followed by a Metadata v4 body for all topics. */
function kafkaMetadataRequest() {
  const clientId = Buffer.from('strata-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let offset = 0;
  offset = body.writeInt16BE(3, offset); // api_key: Metadata
  offset = body.writeInt16BE(4, offset); // api_version
  offset = body.writeInt32BE(1, offset); // correlation_id
  offset = body.writeInt16BE(clientId.length, offset);
  offset += clientId.copy(body, offset);
  offset = body.writeInt32BE(-1, offset); // topics: null requests all topics
  body.writeInt8(0, offset); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A MongoDB wire message is complete when its messageLength, which counts itself, arrived. */
function mongoComplete(reply) {
  return reply.length >= 4 && reply.length >= reply.readInt32LE(0);
}

/** A Kafka response is complete when its size prefix, which excludes itself, arrived. */
function kafkaComplete(reply) {
  return reply.length >= 4 && reply.length >= 4 + reply.readInt32BE(0);
}

async function probeKafka(host, port) {
  const reply = await exchange(host, port, kafkaMetadataRequest(), kafkaComplete);
  // size(4) correlation_id(4) throttle_time_ms(4) brokers: int32 count, then node_id int32...
  const brokers = reply.readInt32BE(12);
  if (brokers < 1) {
    throw new Error(`metadata lists ${brokers} brokers`);
  }
}

/** Encodes {ping: 1, $db: 'admin'} as BSON. */
function pingDocument() {
  const parts = [
    Buffer.from([0x10]),
    Buffer.from('ping\0'),
    int32LE(1),
    Buffer.from([0x02]),
    Buffer.from('$db\0'),
    int32LE(6),
    Buffer.from('admin\0'),
    Buffer.from([0x00]),
  ];
  const content = Buffer.concat(parts);
  return Buffer.concat([int32LE(4 + content.length), content]);
}

function int32LE(value) {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

function mongoPingRequest() {
  const document = pingDocument();
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + document.length, 0); // messageLength
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // opCode: OP_MSG
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: body document
  return Buffer.concat([header, document]);
}

/** Byte sizes of the fixed-size BSON element types that a ping reply may contain. */
const BSON_FIXED_SIZES = new Map([
  [0x01, 8], // double
  [0x07, 12], // ObjectId
  [0x08, 1], // boolean
  [0x09, 8], // UTC datetime
  [0x0a, 0], // null
  [0x10, 4], // int32
  [0x11, 8], // timestamp
  [0x12, 8], // int64
]);

/** Reads the top-level `ok` field of a BSON document as a number. */
function readOk(document) {
  let offset = 4;
  while (offset < document.length - 1) {
    const type = document.readUInt8(offset);
    const nameEnd = document.indexOf(0, offset + 1);
    const name = document.toString('utf8', offset + 1, nameEnd);
    const value = nameEnd + 1;
    if (name === 'ok') {
      return readNumber(document, type, value);
    }
    offset = value + bsonValueSize(document, type, value);
  }
  throw new Error('reply has no ok field');
}

function readNumber(document, type, offset) {
  switch (type) {
    case 0x01:
      return document.readDoubleLE(offset);
    case 0x10:
      return document.readInt32LE(offset);
    case 0x12:
      return Number(document.readBigInt64LE(offset));
    default:
      throw new Error(`ok field has BSON type ${type}`);
  }
}

function bsonValueSize(document, type, offset) {
  const fixed = BSON_FIXED_SIZES.get(type);
  if (fixed !== undefined) {
    return fixed;
  }
  switch (type) {
    case 0x02: // string: int32 length including the trailing zero
      return 4 + document.readInt32LE(offset);
    case 0x03: // embedded document
    case 0x04: // array
      return document.readInt32LE(offset);
    case 0x05: // binary: int32 length, subtype byte, bytes
      return 4 + 1 + document.readInt32LE(offset);
    default:
      throw new Error(`unexpected BSON type ${type} before the ok field`);
  }
}

async function probeMongodb(host, port) {
  const reply = await exchange(host, port, mongoPingRequest(), mongoComplete);
  const opCode = reply.readInt32LE(12);
  if (opCode !== 2013) {
    throw new Error(`reply has opCode ${opCode}, expected 2013 (OP_MSG)`);
  }
  const ok = readOk(reply.subarray(21));
  if (ok !== 1) {
    throw new Error(`ping returned ok: ${ok}`);
  }
}

async function probeRedis(host, port) {
  const reply = await exchange(host, port, Buffer.from('PING\r\n'), (r) => r.includes('\r\n'));
  const line = reply.toString('utf8').trim();
  if (line !== '+PONG') {
    throw new Error(`PING returned ${line}`);
  }
}

const probes = { kafka: probeKafka, mongodb: probeMongodb, redis: probeRedis };

const [service, host = '127.0.0.1', port] = process.argv.slice(2);
const run = probes[service];
if (run === undefined || port === undefined) {
  console.error(`usage: node probe.mjs ${Object.keys(probes).join('|')} HOST PORT`);
  process.exit(2);
}
try {
  await run(host, Number(port));
} catch (error) {
  console.error(`${service} at ${host}:${port} is not ready: ${error.message}`);
  process.exit(1);
}
