import { readFile } from 'node:fs/promises';

import {
  directoryReader,
  formatReference,
  imageEvent,
  manifestReference,
  OciLayoutSource,
  parseImageReference,
  readDockerSave,
  readImages,
  readLayoutImages,
  RegistryClient,
  type RegistryCredentials,
} from '@strata/registry';

import type { Environment } from '../cli-services.ts';
import { reasonOf, type PublishBatch } from './publish-batch.ts';

/** Registry options of `strata publish --from registry`. */
export interface RegistryFlags {
  insecure?: boolean;
  caFile?: string;
  tlsVerify: boolean;
  username?: string;
  password?: string;
  token?: string;
}

/** Image options shared by the registry, OCI layout and docker save inputs. */
export interface ImageInputOptions {
  analyzedAt: string;
  tags: readonly string[];
}

/** Takes credentials from the options, else from `STRATA_REGISTRY_USERNAME`, `_PASSWORD`, `_TOKEN`. */
export function registryCredentials(flags: RegistryFlags, env: Environment): RegistryCredentials {
  const credentials: RegistryCredentials = {};
  const username = flags.username ?? env.STRATA_REGISTRY_USERNAME;
  const password = flags.password ?? env.STRATA_REGISTRY_PASSWORD;
  const token = flags.token ?? env.STRATA_REGISTRY_TOKEN;
  if (username !== undefined) credentials.username = username;
  if (password !== undefined) credentials.password = password;
  if (token !== undefined) credentials.token = token;

  return credentials;
}

/**
 * Reads the platform images of a registry reference (an index resolves to its images) and adds
 * their events, tagged with the reference when it has a tag. A failure rejects the reference.
 */
export async function readRegistryImage(
  text: string,
  flags: RegistryFlags,
  env: Environment,
  options: ImageInputOptions,
  batch: PublishBatch,
): Promise<void> {
  try {
    const reference = parseImageReference(text);
    const client = new RegistryClient({
      registry: reference.registry,
      repository: reference.repository,
      insecure: flags.insecure === true,
      tls: {
        verify: flags.tlsVerify,
        ...(flags.caFile === undefined ? {} : { ca: await readFile(flags.caFile, 'utf8') }),
      },
      credentials: registryCredentials(flags, env),
    });
    const result = await readImages(client, manifestReference(reference));
    const tag =
      reference.tag === undefined ? [] : [formatReference({ ...reference, digest: undefined })];
    for (const image of result.images) {
      batch.events.push(
        imageEvent(image, { analyzedAt: options.analyzedAt, tags: [...tag, ...options.tags] }),
      );
    }

    batch.skipped.push(...result.skipped);
  } catch (error) {
    batch.rejected.push({ source: text, reason: reasonOf(error) });
  }
}

/** Reads the images of an OCI layout `DIR` or `DIR:REF` and adds their events. */
export async function readLayout(text: string, options: ImageInputOptions, batch: PublishBatch) {
  const colon = text.lastIndexOf(':');
  const [directory, refName] =
    colon > 0 ? [text.slice(0, colon), text.slice(colon + 1)] : [text, undefined];
  try {
    const source = new OciLayoutSource(directoryReader(directory), directory);
    for (const result of await readLayoutImages(source, refName)) {
      const tags = result.refName === undefined ? [] : [result.refName];
      for (const image of result.images) {
        batch.events.push(
          imageEvent(image, { analyzedAt: options.analyzedAt, tags: [...tags, ...options.tags] }),
        );
      }

      batch.skipped.push(...result.skipped);
    }
  } catch (error) {
    batch.rejected.push({ source: text, reason: reasonOf(error) });
  }
}

/** Reads the images of a `docker save` tarball and adds their events. */
export async function readSavedImages(
  path: string,
  options: ImageInputOptions,
  batch: PublishBatch,
) {
  try {
    const content = await readDockerSave(path);
    for (const saved of content.images) {
      const layerDigestSource = saved.digestSource === 'config' ? 'diffId' : 'manifest';
      batch.events.push(
        imageEvent(saved.image, {
          analyzedAt: options.analyzedAt,
          tags: [...saved.tags, ...options.tags],
          layerDigestSource,
        }),
      );
    }

    batch.skipped.push(...content.skipped);
  } catch (error) {
    batch.rejected.push({ source: path, reason: reasonOf(error) });
  }
}
