export * from './errors.ts';
export type * from './model/image.ts';
export type * from './ports/chain-index.ts';
export type * from './ports/event-bus.ts';
export type * from './ports/image-store.ts';
export type * from './ports/object-store.ts';
export * from './model/analysis-time.ts';
export type * from './ports/result-version-store.ts';
