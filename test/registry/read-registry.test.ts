import {
  directoryReader,
  imageEvent,
  OciLayoutSource,
  readDockerSave,
  readImages,
  readLayoutImages,
  RegistryClient,
  type PlatformImage,
} from '@strata/registry';
import { beforeAll, describe, expect, it } from 'vitest';

import { registryImages, type RegistryImages } from './registry-images.ts';

let images: RegistryImages;

beforeAll(async () => {
  images = await registryImages();
});

function client(registry: string, repository: string): RegistryClient {
  return new RegistryClient({ registry, repository, insecure: true });
}

async function readOne(registry: string, repository: string, tag: string): Promise<PlatformImage> {
  const result = await readImages(client(registry, repository), tag);
  expect(result.images).toHaveLength(1);

  return result.images[0] as PlatformImage;
}

const diffIds = (image: PlatformImage) => image.config.rootfs.diff_ids;
const layerDigests = (image: PlatformImage) => image.manifest.layers.map((layer) => layer.digest);

describe('RegistryClient', () => {
  it('reads three levels whose layers extend each other', async () => {
    const distro = await readOne(images.registry, 'strata-test/distro', '1');
    const runtime = await readOne(images.registry, 'strata-test/runtime', '1');
    const app = await readOne(images.registry, 'strata-test/app', '1');

    expect(layerDigests(distro)).toHaveLength(2);
    expect(layerDigests(runtime).slice(0, 2)).toEqual(layerDigests(distro));
    expect(layerDigests(app).slice(0, 3)).toEqual(layerDigests(runtime));
    expect(diffIds(app).slice(0, 3)).toEqual(diffIds(runtime));
  });

  it('reads the zstd copy with new layer digests and the same diff IDs', async () => {
    const gzip = await readOne(images.registry, 'strata-test/app', '1');
    const zstd = await readOne(images.zstdRegistry, 'strata-test/app', '1');

    expect(diffIds(zstd)).toEqual(diffIds(gzip));
    for (const [position, digest] of layerDigests(zstd).entries()) {
      expect(digest).not.toBe(layerDigests(gzip)[position]);
    }
    expect(zstd.manifest.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');
  });

  it('resolves an index to its image and skips the attestation entry', async () => {
    const app = await readOne(images.registry, 'strata-test/app', '1');
    const result = await readImages(client(images.registry, 'strata-test/multi'), '1');

    expect(result.images.map((image) => image.digest)).toEqual([app.digest]);
    expect(result.images[0]?.indexDigest).toMatch(/^sha256:/);
    expect(result.images[0]?.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]?.reason).toContain('attestation');
  });

  it('reads a manifest by digest', async () => {
    const app = await readOne(images.registry, 'strata-test/app', '1');
    const byDigest = await readOne(images.registry, 'strata-test/app', app.digest);

    expect(byDigest.digest).toBe(app.digest);
  });

  it('builds an image.analyzed event with diff IDs', async () => {
    const app = await readOne(images.registry, 'strata-test/app', '1');
    const event = imageEvent(app, { analyzedAt: '2026-01-31T12:00:00Z', tags: ['x/app:1'] });

    expect(event.image.digest).toBe(app.digest);
    expect(event.image.layers.map((layer) => layer.diffId)).toEqual(diffIds(app));
    expect(event.image.configDigest).toBe(app.manifest.config.digest);
    expect(event.vulnerabilities).toBeUndefined();
  });

  it('raises NOT_FOUND for a missing tag', async () => {
    const reading = readImages(client(images.registry, 'strata-test/app'), 'no-such-tag');

    await expect(reading).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('raises a retryable SERVICE_UNAVAILABLE for a closed port', async () => {
    const reading = readImages(client('127.0.0.1:9', 'strata-test/app'), '1');

    await expect(reading).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
  });
});

describe('readLayoutImages', () => {
  it('reads every named image of the layout with the registry digests', async () => {
    const source = new OciLayoutSource(directoryReader(images.ociLayout), images.ociLayout);
    const results = await readLayoutImages(source);
    const app = await readOne(images.registry, 'strata-test/app', '1');
    const byName = new Map(results.map((result) => [result.refName, result.images[0]]));

    expect([...byName.keys()].sort()).toEqual(['app', 'distro', 'runtime']);
    expect(byName.get('app')?.digest).toBe(app.digest);
    expect(byName.get('app')?.config.rootfs.diff_ids).toEqual(diffIds(app));
  });

  it('reads one image by its ref name', async () => {
    const source = new OciLayoutSource(directoryReader(images.ociLayout), images.ociLayout);
    const [result] = await readLayoutImages(source, 'runtime');

    expect(result?.images[0]?.manifest.layers).toHaveLength(3);
  });
});

describe('readDockerSave', () => {
  it('takes the uncompressed layer digests as diff IDs', async () => {
    const app = await readOne(images.registry, 'strata-test/app', '1');
    const content = await readDockerSave(images.dockerSave);
    const saved = content.images[0];

    expect(content.images).toHaveLength(1);
    expect(saved?.digestSource).toBe('config');
    expect(saved?.tags).toEqual(['docker.io/strata-test/app:1']);
    expect(saved?.image.manifest.layers.map((layer) => layer.digest)).toEqual(diffIds(app));
    expect(saved?.image.config.rootfs.diff_ids).toEqual(diffIds(app));
  });
});
