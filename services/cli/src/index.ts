export * from './command-io.ts';
export * from './program.ts';
export * from './read-lines.ts';
export * from './cli-services.ts';
export * from './exit-status.ts';
export * from './ports/connect-services.ts';
export * from './ports/port-set.ts';
export * from './run-program.ts';
