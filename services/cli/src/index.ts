export * from './command-io.ts';
export * from './program.ts';
export * from './read-lines.ts';
