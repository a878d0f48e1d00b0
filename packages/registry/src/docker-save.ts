import { StrataError, type Digest } from '@strata/core';
import { z } from 'zod';

import { MAX_METADATA_BYTES } from './media-types.ts';
import { imageConfigSchema, type Manifest } from './oci-schemas.ts';
import { OciLayoutSource, readLayoutImages } from './oci-layout.ts';
import { parseJsonBytes } from './parse-json-bytes.ts';
import type { PlatformImage, SkippedManifest } from './read-images.ts';
import { readTarEntries, type TarEntry } from './tar-entries.ts';

const saveManifestSchema = z.array(
  z
    .object({
      Config: z.string().min(1),
      RepoTags: z.array(z.string()).nullable().optional(),
      Layers: z.array(z.string().min(1)),
    })
    .loose(),
);

/** One image of a `docker save` tarball. */
export interface SavedImage {
  image: PlatformImage;
  tags: string[];
  /**
   * `manifest` when the tarball contains an OCI layout, so the digest is the manifest digest.
   * `config` when it contains only the legacy `manifest.json`: the digest is then the config
   * digest (Docker's image ID), and the layer digests are the diff IDs.
   */
  digestSource: 'manifest' | 'config';
}

export interface DockerSaveContent {
  images: SavedImage[];
  skipped: SkippedManifest[];
}

/**
 * Reads the images of a `docker save` tarball. When the tarball contains an OCI layout
 * (`index.json`, written by newer Docker releases), images are read from it by manifest digest.
 * Otherwise they come from `manifest.json`. There each layer is an uncompressed tar, so its
 * SHA-256 is its diff ID. Tags come from `RepoTags`. Raises `INVALID_REPORT` naming the entry
 * for malformed content.
 */
export async function readDockerSave(path: string): Promise<DockerSaveContent> {
  const entries = await readTarEntries(path, (name, size) => isMetadata(name, size));
  const repoTags = readRepoTags(entries, path);
  if (entries.has('index.json')) {
    return readEmbeddedLayout(entries, repoTags, path);
  }

  const manifest = entries.get('manifest.json');
  if (manifest?.bytes === undefined) {
    throw new StrataError(
      'INVALID_REPORT',
      `${path}: no manifest.json or index.json; not a docker save tarball`,
      {
        details: { path },
      },
    );
  }

  const saved = parseJsonBytes(saveManifestSchema, manifest.bytes, `${path}: manifest.json`);
  const images = saved.map((item) => legacyImage(entries, item, path));

  return { images, skipped: [] };
}

function isMetadata(name: string, size: number): boolean {
  return (
    size <= MAX_METADATA_BYTES &&
    (name.endsWith('.json') || name.startsWith('blobs/') || name === 'oci-layout')
  );
}

function readRepoTags(entries: Map<string, TarEntry>, path: string): Map<Digest, string[]> {
  const tags = new Map<Digest, string[]>();
  const bytes = entries.get('manifest.json')?.bytes;
  if (bytes === undefined) return tags;

  for (const item of parseJsonBytes(saveManifestSchema, bytes, `${path}: manifest.json`)) {
    const config = entries.get(item.Config);
    if (config !== undefined) tags.set(config.digest, item.RepoTags ?? []);
  }

  return tags;
}

async function readEmbeddedLayout(
  entries: Map<string, TarEntry>,
  repoTags: Map<Digest, string[]>,
  path: string,
): Promise<DockerSaveContent> {
  const source = new OciLayoutSource(
    (name) => Promise.resolve(entries.get(name)?.bytes ?? null),
    path,
  );
  const content: DockerSaveContent = { images: [], skipped: [] };
  for (const result of await readLayoutImages(source)) {
    content.skipped.push(...result.skipped);
    for (const image of result.images) {
      const tags = repoTags.get(image.manifest.config.digest) ?? [];
      content.images.push({ image, tags, digestSource: 'manifest' });
    }
  }

  return content;
}

function legacyImage(
  entries: Map<string, TarEntry>,
  item: z.infer<typeof saveManifestSchema>[number],
  path: string,
): SavedImage {
  const configEntry = requireEntry(entries, item.Config, path);
  const config = parseJsonBytes(
    imageConfigSchema,
    configEntry.bytes ?? Buffer.alloc(0),
    `${path}: ${item.Config}`,
  );
  const manifest: Manifest = {
    schemaVersion: 2,
    config: { digest: configEntry.digest, size: configEntry.size },
    layers: item.Layers.map((layerPath) => {
      const layer = requireEntry(entries, layerPath, path);

      return {
        digest: layer.digest,
        size: layer.size,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      };
    }),
  };
  const image: PlatformImage = { digest: configEntry.digest, manifest, config };
  if (config.os !== undefined && config.architecture !== undefined) {
    image.platform = { os: config.os, architecture: config.architecture };
  }

  return { image, tags: item.RepoTags ?? [], digestSource: 'config' };
}

function requireEntry(entries: Map<string, TarEntry>, name: string, path: string): TarEntry {
  const entry = entries.get(name);
  if (entry === undefined) {
    throw new StrataError(
      'INVALID_REPORT',
      `${path}: manifest.json names ${name}, which the tarball lacks`,
      {
        details: { path, entry: name },
      },
    );
  }

  return entry;
}
