import { S3ObjectStore } from '@strata/s3';
import type { z } from 'zod';

import type { Connected, ObjectBucket } from './port-set.ts';
import type { s3Schema } from './connect-services.ts';

/**
 * Connects the S3 object store of the `S3_*` variables, with explicit credentials, region and
 * endpoint, and creates the bucket when it is missing.
 */
export async function connectObjectStore(
  config: z.output<typeof s3Schema>,
): Promise<Connected<ObjectBucket>> {
  // The SDK never consults instance metadata for credentials here, but it may for other
  // settings unless AWS_EC2_METADATA_DISABLED is set.
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
  const store = new S3ObjectStore({
    // Without S3_ENDPOINT, the regional AWS endpoint, named explicitly.
    endpoint: config.S3_ENDPOINT ?? `https://s3.${config.S3_REGION}.amazonaws.com`,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    bucket: config.S3_BUCKET,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
  await store.ensureBucket();

  return { value: { store, bucket: config.S3_BUCKET }, close: () => store.close() };
}
