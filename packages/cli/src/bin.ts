#!/usr/bin/env node
// The TypeScript entry (tests run it through tsx); bin/aauth-kit.js is the same over the compiled dist/.
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2));
