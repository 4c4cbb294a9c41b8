#!/usr/bin/env node
import { run } from './cli';
import { readSettings } from './settings';

/** `proving …`: the terminal client (docs/cli.md). */
void run(process.argv.slice(2), {
  settings: readSettings(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then((code) => {
  // Set, not exit(): stdout is flushed before the process ends (a piped --json document stays whole).
  process.exitCode = code;
});
