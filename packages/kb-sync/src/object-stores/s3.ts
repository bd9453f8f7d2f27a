/**
 * The Amazon S3 object store (`@aws-sdk/client-s3`).
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ValidationError } from '@incidents/core';
import { KbError } from '../errors.js';
import type { ObjectPage, ObjectStore, PutObjectOptions, StoredObject } from '../ports.js';

/** Options of {@link createS3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** Bucket name. */
  bucket: string;
  /** A configured client; otherwise one is created from `clientConfig`. */
  client?: S3Client;
  /** Used when `client` is not given (region, endpoint, credentials, `forcePathStyle`…). */
  clientConfig?: S3ClientConfig;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Creates an {@link ObjectStore} over an S3 bucket: `PutObject` (with `ContentType` and user
 * metadata), `GetObject`, `DeleteObject`, `ListObjectsV2`. IAM: `s3:PutObject`, `s3:GetObject`,
 * `s3:DeleteObject` on `arn:aws:s3:::<bucket>/<prefix>*` and `s3:ListBucket` on the bucket.
 *
 * @example
 * ```ts
 * const objects = createS3ObjectStore({ bucket: 'my-kb-bucket', clientConfig: { region: 'eu-west-1' } });
 * ```
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  if (!options || typeof options.bucket !== 'string' || options.bucket.length < 3) {
    throw new ValidationError([{ path: 'bucket', message: 'bucket is required (3-63 characters)' }], {
      context: 'S3 object store options',
    });
  }
  const { bucket } = options;
  const client = options.client ?? new S3Client(options.clientConfig ?? {});

  const fail = (op: string, key: string | undefined, err: unknown) =>
    new KbError(
      'kb.object_store',
      `S3 ${op}${key ? ` s3://${bucket}/${key}` : ''} failed: ${(err as Error)?.message ?? String(err)}`,
      {
        details: {
          store: 's3',
          op,
          bucket,
          ...(key ? { key } : {}),
          ...((err as Error)?.name ? { awsError: (err as Error).name } : {}),
        },
        cause: err,
      },
    );

  const checkKey = (key: string) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
      throw new ValidationError([{ path: 'key', message: 'object key must be 1-1024 characters' }], {
        context: 'object key',
      });
    }
  };

  return {
    name: 's3',

    async put(key: string, body: string | Uint8Array, opts: PutObjectOptions) {
      checkKey(key);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: opts.contentType,
            ...(opts.metadata ? { Metadata: opts.metadata } : {}),
          }),
        );
      } catch (err) {
        throw fail('PutObject', key, err);
      }
    },

    async get(key: string): Promise<StoredObject | null> {
      checkKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        return {
          key,
          size: out.ContentLength ?? body.byteLength,
          etag: (out.ETag ?? '').replace(/"/g, ''),
          lastModified: out.LastModified ?? new Date(0),
          body,
          ...(out.ContentType ? { contentType: out.ContentType } : {}),
          metadata: out.Metadata ?? {},
        };
      } catch (err) {
        if (isNotFound(err)) return null;
        throw fail('GetObject', key, err);
      }
    },

    async delete(key: string) {
      checkKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (isNotFound(err)) return;
        throw fail('DeleteObject', key, err);
      }
    },

    async list(opts = {}): Promise<ObjectPage> {
      try {
        const out = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(opts.prefix ? { Prefix: opts.prefix } : {}),
            ...(opts.cursor ? { ContinuationToken: opts.cursor } : {}),
            MaxKeys: Math.max(1, Math.min(opts.limit ?? 1000, 1000)),
          }),
        );
        return {
          items: (out.Contents ?? [])
            .filter((o) => o.Key)
            .map((o) => ({
              key: o.Key as string,
              size: o.Size ?? 0,
              etag: (o.ETag ?? '').replace(/"/g, ''),
              lastModified: o.LastModified ?? new Date(0),
            })),
          cursor: out.IsTruncated && out.NextContinuationToken ? out.NextContinuationToken : null,
        };
      } catch (err) {
        throw fail('ListObjectsV2', opts.prefix, err);
      }
    },

    uri(key: string) {
      return `s3://${bucket}/${key}`;
    },
  };
}
