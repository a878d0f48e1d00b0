import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from '@strata/core';
import { isNotFoundError, toStrataError } from './s3-errors.ts';

export interface S3ObjectStoreOptions {
  /** Endpoint URL, as in S3_ENDPOINT, such as `http://127.0.0.1:9000`. */
  endpoint: string;
  /** Region, as in S3_REGION. */
  region: string;
  /** Access key, as in S3_ACCESS_KEY_ID. */
  accessKeyId: string;
  /** Secret key, as in S3_SECRET_ACCESS_KEY. */
  secretAccessKey: string;
  sessionToken?: string;
  bucket: string;
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO needs without a domain setting. Default true. */
  forcePathStyle?: boolean;
  /** Time to open a connection. Default 5000 ms. */
  connectionTimeoutMs?: number;
  /** Time for one request, from sending to the end of the response. Default 30000 ms. */
  requestTimeoutMs?: number;
  /** Attempts per operation, the SDK's retries with backoff included. Default 3. */
  maxAttempts?: number;
}

/**
 * The object store over S3 or an S3-compatible server, with the AWS SDK v3. Credentials, region
 * and endpoint are always explicit: the SDK's default credential chain is never consulted.
 */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #endpoint: string;

  constructor(options: S3ObjectStoreOptions) {
    // Explicit credentials and region already keep this client away from the instance metadata
    // service. The variable also keeps any other SDK client in the process away from it.
    process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
    this.#client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        sessionToken: options.sessionToken,
      },
      forcePathStyle: options.forcePathStyle ?? true,
      maxAttempts: options.maxAttempts ?? 3,
      // Checksums only where S3 requires them, because older S3-compatible servers reject the
      // CRC32 headers that recent SDK versions add by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 5000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
      },
    });
    this.#bucket = options.bucket;
    this.#endpoint = options.endpoint;
  }

  /** Creates the bucket unless it exists; safe to call on every start. */
  async ensureBucket(): Promise<void> {
    const Bucket = this.#bucket;
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket }));
      return;
    } catch (error) {
      if (!isNotFoundError(error)) {
        throw this.#error(error, 'ensureBucket');
      }
    }

    try {
      await this.#client.send(new CreateBucketCommand({ Bucket }));
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name !== 'BucketAlreadyOwnedByYou') {
        throw this.#error(error, 'ensureBucket');
      }
    }
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentLength: body.byteLength,
    });
    try {
      await this.#client.send(command);
    } catch (error) {
      throw this.#error(error, 'put', key);
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key }),
      );

      return response.Body === undefined
        ? new Uint8Array(0)
        : await response.Body.transformToByteArray();
    } catch (error) {
      if (isNotFoundError(error)) {
        return null;
      }

      throw this.#error(error, 'get', key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      throw this.#error(error, 'delete', key);
    }
  }

  /** Lists keys in ascending UTF-8 byte order, one page of up to 1000 keys per request. */
  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        Bucket: this.#bucket,
        Prefix: prefix,
        ContinuationToken: token,
      });
      const page = await this.#client.send(command).catch((error: unknown) => {
        throw this.#error(error, 'list', prefix);
      });
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) {
          yield object.Key;
        }
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  close(): Promise<void> {
    this.#client.destroy();

    return Promise.resolve();
  }

  #error(error: unknown, operation: string, key?: string) {
    return toStrataError(error, operation, this.#endpoint, { bucket: this.#bucket, key });
  }
}
