import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { objectStoreContract, collect, uniqueName } from '@strata/contract-tests';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from './s3-object-store.ts';
import type { S3ObjectStoreOptions } from './s3-object-store.ts';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

function connection(): Omit<S3ObjectStoreOptions, 'bucket'> {
  const names = ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  const [endpoint, region, accessKeyId, secretAccessKey] = names.map((name) => {
    const value = process.env[name];
    if (value === undefined || value === '') {
      throw new Error(`${name} is not set; run the integration project, whose setup sets it`);
    }
    return value;
  });

  return {
    endpoint: endpoint ?? '',
    region: region ?? '',
    accessKeyId: accessKeyId ?? '',
    secretAccessKey: secretAccessKey ?? '',
  };
}

/** Creates a store on a bucket of its own; cleanup empties and deletes the bucket. */
async function fixture() {
  const options = { ...connection(), bucket: uniqueName('strata-test') };
  const subject = new S3ObjectStore(options);
  await subject.ensureBucket();
  const cleanup = async () => {
    const keys = await collect(subject.list(''));
    await Promise.all(keys.map((key) => subject.delete(key)));
    const admin = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: true,
    });
    await admin.send(new DeleteBucketCommand({ Bucket: options.bucket }));
    admin.destroy();
    await subject.close();
  };

  return { subject, cleanup };
}

objectStoreContract('S3', fixture);

describe('S3ObjectStore', () => {
  it('creates a missing bucket once', async () => {
    const { subject, cleanup } = await fixture();

    await subject.ensureBucket();
    await subject.put('a', new Uint8Array([1]), 'application/octet-stream');

    expect(await subject.get('a')).toEqual(new Uint8Array([1]));
    await cleanup();
  });

  it('reports a missing bucket as not found', async () => {
    const store = new S3ObjectStore({ ...connection(), bucket: uniqueName('strata-missing') });

    await expect(store.get('a')).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false });
    await store.close();
  });

  it('reports an unreachable server as retryable', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = new S3ObjectStore({
      ...connection(),
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'strata-unreachable',
      maxAttempts: 1,
    });

    const reading = store.get('a');

    await expect(reading).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    await expect(reading).rejects.toThrow(/S3_ENDPOINT/);
    await expect(reading).rejects.not.toThrow(/secret/i);
    await store.close();
    server.close();
  });
});
