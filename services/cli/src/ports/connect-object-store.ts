import { S3ObjectStore, s3OptionsFromVariables } from '@strata/s3';
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
  const store = new S3ObjectStore(s3OptionsFromVariables(config));
  await store.ensureBucket();

  return { value: { store, bucket: config.S3_BUCKET }, close: () => store.close() };
}
