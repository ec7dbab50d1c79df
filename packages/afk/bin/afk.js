#!/usr/bin/env node
// The `afk` command. This shim is committed (and executable), so npm links the bin at install
// time, before `dist/` exists, and a rebuild (which replaces `dist/`) never drops the link or
// the executable bit. It runs the compiled CLI, or says how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/afk.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('afk: the SDK is not built; run npm run build\n');
  process.exit(1);
}
await import(cli.href);
