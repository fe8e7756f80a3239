#!/usr/bin/env node
// Entry point of dist/guard-server.js: the MCP server (no arguments) and the command line
// (scrub, assess, audit). The same file is also the store's folder worker thread.
import { runFolderWorkerIfWorker } from './store/worker-entry.ts';

if (!runFolderWorkerIfWorker()) {
  const { runCli } = await import('./cli/index.ts');
  const code = await runCli(process.argv.slice(2));
  if (code !== null) process.exitCode = code;
}
