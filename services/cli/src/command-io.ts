/** A writable text stream, such as `process.stdout`. */
export interface TextSink {
  write(text: string): unknown;
}

/** The streams and exit status a subcommand uses, passed in so tests can capture them. */
export interface CommandIo {
  stdout: TextSink;
  stderr: TextSink;
  /**
   * Opens an input file by path, `-` meaning standard input, as a stream of chunks: bytes, which
   * the reader decodes as UTF-8 and rejects line by line when invalid, or text already decoded.
   */
  openInput(path: string): AsyncIterable<string | Uint8Array>;
  /** Reads a whole input file by path, `-` meaning standard input. */
  readInput(path: string): Promise<string>;
  /** Sets the exit code the process ends with. */
  setExitCode(code: number): void;
}
