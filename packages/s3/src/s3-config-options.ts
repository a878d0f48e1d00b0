import type { S3ObjectStoreOptions } from './s3-object-store.ts';

/** The `S3_*` variables of the workers and the CLI, as their config schemas parse them. */
export interface S3Variables {
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_BUCKET: string;
  S3_FORCE_PATH_STYLE: boolean;
}

/** Builds the object store options of the `S3_*` variables, every setting explicit. */
export function s3OptionsFromVariables(config: S3Variables): S3ObjectStoreOptions {
  return {
    // Without S3_ENDPOINT, the regional AWS endpoint, named explicitly.
    endpoint: config.S3_ENDPOINT ?? `https://s3.${config.S3_REGION}.amazonaws.com`,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    bucket: config.S3_BUCKET,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  };
}
