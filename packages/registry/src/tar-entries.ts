import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

import { StrataError, type Digest } from '@strata/core';

/** One regular file of a tar archive. */
export interface TarEntry {
  size: number;
  /** `sha256:` digest of the file's bytes. */
  digest: Digest;
  /** The bytes, for entries the caller chose to keep. */
  bytes?: Buffer;
}

const BLOCK = 512;
const READ_CHUNK = 1024 * 1024;

/** Fields a pax or GNU extended header sets for the entry that follows it. */
interface Override {
  name?: string;
  size?: number;
  linkName?: string;
}

interface Header {
  name: string;
  size: number;
  type: string;
  linkName: string;
}

/**
 * Reads every regular file of an uncompressed tar archive (ustar, pax and GNU long names),
 * hashing each with SHA-256 and keeping the bytes of those `keep` selects. Memory use is one
 * read chunk plus the kept entries. Raises `INVALID_REPORT` naming the file for a malformed
 * archive.
 */
export async function readTarEntries(
  path: string,
  keep: (name: string, size: number) => boolean,
): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const links = new Map<string, string>();
  await using file = await open(path, 'r');
  let position = 0;
  let override: Override = {};
  for (;;) {
    const block = await readExactly(file, position, BLOCK, path);
    if (block.every((byte) => byte === 0)) break;

    const header = { ...parseHeader(block, path, position), ...override };
    override = {};
    position += BLOCK;
    if (header.type === 'x' || header.type === 'L' || header.type === 'K') {
      const data = await readExactly(file, position, header.size, path);
      override = extendedHeader(header.type, data, override);
    } else if (header.type === '1' || header.type === '2') {
      links.set(normalize(header.name), resolveLink(header));
    } else if (header.type === '0' || header.type === '\0' || header.type === '7') {
      const wanted = keep(header.name, header.size);
      entries.set(
        normalize(header.name),
        await hashEntry(file, position, header.size, wanted, path),
      );
    }

    position += Math.ceil(header.size / BLOCK) * BLOCK;
  }

  for (const [name, target] of links) {
    const entry = entries.get(target);
    if (entry !== undefined) entries.set(name, entry);
  }

  return entries;
}

/** Applies a pax header (`x`) or a GNU long name (`L`) or long link name (`K`). */
function extendedHeader(type: string, data: Buffer, pending: Override): Override {
  if (type === 'x') return { ...pending, ...parsePax(data) };
  if (type === 'L') return { ...pending, name: cString(data) };

  return { ...pending, linkName: cString(data) };
}

/** Returns the archive path a link points at: hard links name it, symlinks are relative. */
function resolveLink(header: Header): string {
  if (header.type === '1') return normalize(header.linkName);

  const parts = normalize(header.name).split('/').slice(0, -1);
  for (const part of header.linkName.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }

  return parts.join('/');
}

async function hashEntry(
  file: FileHandle,
  start: number,
  size: number,
  keep: boolean,
  path: string,
): Promise<TarEntry> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  for (let offset = 0; offset < size; offset += READ_CHUNK) {
    const chunk = await readExactly(
      file,
      start + offset,
      Math.min(READ_CHUNK, size - offset),
      path,
    );
    hash.update(chunk);
    if (keep) kept.push(chunk);
  }

  const entry: TarEntry = { size, digest: `sha256:${hash.digest('hex')}` };
  if (keep) entry.bytes = Buffer.concat(kept);

  return entry;
}

async function readExactly(file: FileHandle, position: number, length: number, path: string) {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead !== length) {
    throw new StrataError('INVALID_REPORT', `${path}: tar archive truncated at byte ${position}`, {
      details: { path, position },
    });
  }

  return buffer;
}

function parseHeader(block: Buffer, path: string, position: number): Header {
  const name = cString(block.subarray(0, 100));
  const prefix = cString(block.subarray(345, 500));
  const magic = block.subarray(257, 262).toString('latin1');
  const size = parseSize(block.subarray(124, 136));
  if (size === undefined) {
    throw new StrataError('INVALID_REPORT', `${path}: invalid tar header at byte ${position}`, {
      details: { path, position },
    });
  }

  const fullName = magic === 'ustar' && prefix !== '' ? `${prefix}/${name}` : name;

  const type = String.fromCharCode(block[156] ?? 0);

  return { name: fullName, size, type, linkName: cString(block.subarray(157, 257)) };
}

/** Reads an octal size field, or the base-256 form GNU tar writes for sizes of 8 GiB and more. */
function parseSize(field: Buffer): number | undefined {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = 0;
    for (let i = 1; i < field.length; i += 1) value = value * 256 + (field[i] ?? 0);

    return value;
  }

  const text = cString(field).trim();
  return /^[0-7]*$/.test(text) ? Number.parseInt(text || '0', 8) : undefined;
}

function parsePax(data: Buffer): Override {
  const result: Override = {};
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (match?.[1] === 'path' && match[2] !== undefined) result.name = match[2];
    if (match?.[1] === 'size' && match[2] !== undefined) result.size = Number(match[2]);
    if (match?.[1] === 'linkpath' && match[2] !== undefined) result.linkName = match[2];
  }

  return result;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);

  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function normalize(name: string): string {
  return name.replace(/^\.\//, '');
}
