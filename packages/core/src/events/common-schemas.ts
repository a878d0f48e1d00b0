import { z } from 'zod';

import { LIMITS } from '../limits.ts';

/** A digest: `sha256:` + 64 lowercase hex digits, or `sha512:` + 128. */
export const digestSchema = z
  .string()
  .regex(
    /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/,
    'expected sha256: + 64 or sha512: + 128 lowercase hex digits',
  );

export const shortString = z.string().min(1).max(LIMITS.maxShortStringLength);

export const textString = z.string().max(LIMITS.maxTextLength);

export const versionSchema = z
  .number()
  .int()
  .positive()
  .describe('Increases with every new result for the image; consumers drop lower versions.');
