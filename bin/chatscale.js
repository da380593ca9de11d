#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('error: chatscale is not built; run `npm install` (or `npm run build`) first\n');
    process.exit(3);
  }
  throw error;
});
