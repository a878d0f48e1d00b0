export * from './paths.ts';
export * from './official-images.ts';
export * from './scanner-outputs.ts';
