import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { StrataError, type Digest } from '@strata/core';

import type { ContentSource, FetchedManifest } from './content-source.ts';
import { indexSchema, type Descriptor } from './oci-schemas.ts';
import { parseJsonBytes } from './parse-json-bytes.ts';
import { readImages, type ReadImagesResult } from './read-images.ts';
import { verifyDigest } from './verify-digest.ts';

/** Annotation of an `index.json` entry that names it, such as a tag. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** Reads a file of a layout by its path relative to the layout root, or null when absent. */
export type LayoutFileReader = (path: string) => Promise<Uint8Array | null>;

/** Reads layout files from a directory on disk. */
export function directoryReader(directory: string): LayoutFileReader {
  return async (path) => {
    try {
      return await readFile(join(directory, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
}

/** A `ContentSource` over an OCI image layout, by directory or by file reader. */
export class OciLayoutSource implements ContentSource {
  readonly #read: LayoutFileReader;
  readonly #name: string;

  /** `name` identifies the layout in error messages, such as its directory. */
  constructor(read: LayoutFileReader, name: string) {
    this.#read = read;
    this.#name = name;
  }

  /** Returns the entries of the layout's `index.json`. */
  async entries(): Promise<Descriptor[]> {
    const bytes = await this.#require('index.json');

    return parseJsonBytes(indexSchema, bytes, `${this.#name}/index.json`).manifests;
  }

  async fetchManifest(reference: string): Promise<FetchedManifest> {
    // Tags cannot contain a colon, so a reference with one is a digest.
    if (reference.includes(':')) {
      return { digest: reference, mediaType: undefined, body: await this.fetchBlob(reference) };
    }

    const entry = (await this.entries()).find(
      (descriptor) => descriptor.annotations?.[REF_NAME_ANNOTATION] === reference,
    );
    if (entry === undefined) {
      throw new StrataError(
        'NOT_FOUND',
        `${this.#name}: no image named ${reference} in index.json`,
        {
          details: { layout: this.#name, reference },
        },
      );
    }

    return {
      digest: entry.digest,
      mediaType: entry.mediaType,
      body: await this.fetchBlob(entry.digest),
    };
  }

  async fetchBlob(digest: Digest): Promise<Uint8Array> {
    const [algorithm = '', hex = ''] = digest.split(':');
    const bytes = await this.#require(`blobs/${algorithm}/${hex}`);
    verifyDigest(bytes, digest, `${this.#name} blob ${digest}`);

    return bytes;
  }

  async #require(path: string): Promise<Uint8Array> {
    const bytes = await this.#read(path);
    if (bytes === null) {
      throw new StrataError('NOT_FOUND', `${this.#name}: missing ${path}`, {
        details: { layout: this.#name, path },
      });
    }

    return bytes;
  }
}

/** The images of one layout entry, with the name the entry has in `index.json`. */
export interface LayoutImages extends ReadImagesResult {
  /** Value of the entry's `org.opencontainers.image.ref.name`, when it has one. */
  refName?: string;
}

/**
 * Reads the images of an OCI layout: those of the entry named `refName`, or of every entry of
 * `index.json` when `refName` is undefined. Each index entry resolves to its platform images.
 */
export async function readLayoutImages(
  source: OciLayoutSource,
  refName?: string,
): Promise<LayoutImages[]> {
  if (refName !== undefined) {
    return [{ ...(await readImages(source, refName)), refName }];
  }

  const results: LayoutImages[] = [];
  for (const entry of await source.entries()) {
    const result: LayoutImages = await readImages(source, entry.digest);
    const name = entry.annotations?.[REF_NAME_ANNOTATION];
    if (name !== undefined) result.refName = name;
    results.push(result);
  }

  return results;
}
