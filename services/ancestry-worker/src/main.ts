import { runAncestryProcess } from './ancestry-process.ts';
import { connectPorts } from './connect-ports.ts';

// The only place that wires the real adapters to the worker. Configuration is read from the
// environment here, never at import time.
await runAncestryProcess({ env: process.env, process, connect: connectPorts });
