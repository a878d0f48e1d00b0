/** Manifest and index media types of the OCI image spec and of Docker's image manifest v2. */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** The `Accept` header of a manifest request: every manifest and index type Strata reads. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
].join(', ');

/** Tells whether a media type names an image index (OCI) or a manifest list (Docker). */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

/**
 * Largest manifest, index or config read, in bytes. Registries commonly reject manifests over
 * 4 MiB (the distribution project's default), and configs of real images stay far below it.
 */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024;
