#!/usr/bin/env node
// The published entry point: runs the compiled CLI (pnpm build emits dist/).
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
