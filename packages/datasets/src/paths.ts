import { fileURLToPath } from 'node:url';

/** Absolute path of the bundled data directory; the same from sources and from `dist`. */
export const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** Absolute path of the official Docker images dataset. */
export const OFFICIAL_IMAGES_DIR = fileURLToPath(
  new URL('../data/official-images/', import.meta.url),
);

/** Absolute path of the scanner outputs dataset. */
export const SCANNER_OUTPUTS_DIR = fileURLToPath(
  new URL('../data/scanner-outputs/', import.meta.url),
);
