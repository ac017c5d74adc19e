#!/usr/bin/env node
// Launcher only: the build output (`npm run build`, run by `npm ci` through `prepare`) does the work.
import '../dist/cli.js';
