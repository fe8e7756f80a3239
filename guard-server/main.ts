#!/usr/bin/env node
// Entry point of dist/guard-server.js: the MCP server (no arguments) and the command line
// (scrub, assess, audit). The store's folder worker is its own bundle (dist/store-folder.js),
// started only while there is something to fold (store/writer/audit-store.ts).
import { setFlagsFromString } from 'node:v8';

// A guard serves one agent at a time: a young generation that stays at its initial size keeps
// its memory flat under load. Editors launch `node guard-server.js` without flags, so the guard
// sets it itself, at run time, when the heap is already configured: --max-semi-space-size has
// no effect any more then (measured: the new space still grew to 2 × 16 MB), while the growth
// factor is read each time V8 considers growing the new space. Process-wide: the folder
// worker's isolate gets it too.
setFlagsFromString('--semi-space-growth-factor=1');

const { runCli } = await import('./cli/index.ts');
const code = await runCli(process.argv.slice(2));
if (code !== null) process.exitCode = code;
