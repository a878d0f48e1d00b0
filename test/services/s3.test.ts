import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createTestNames } from '@strata/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const services = inject('services');
const names = createTestNames('s3 round trip');
// Explicit endpoint, region and credentials: the SDK must not look anything up elsewhere.
const s3 = new S3Client({
  endpoint: services.s3.endpoint,
  region: services.s3.region,
  credentials: {
    accessKeyId: services.s3.accessKeyId,
    secretAccessKey: services.s3.secretAccessKey,
  },
  forcePathStyle: true,
});
const key = 'analyses/sha256-image.json';

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
});

afterAll(async () => {
  await s3.send(new DeleteObjectCommand({ Bucket: names.bucket, Key: key }));
  await s3.send(new DeleteBucketCommand({ Bucket: names.bucket }));
  s3.destroy();
});

describe('S3 server', () => {
  it('returns the object that was put', async () => {
    const body = JSON.stringify({ schemaVersion: 1, names: names.unique('body') });
    await s3.send(
      new PutObjectCommand({
        Bucket: names.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
      }),
    );

    const object = await s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: key }));

    expect(await object.Body?.transformToString()).toBe(body);
    expect(object.ContentType).toBe('application/json');
  });
});
