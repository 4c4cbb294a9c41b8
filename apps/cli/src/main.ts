#!/usr/bin/env node
import { run } from './cli';
import { ask, askHidden } from './prompt';
import { readSettings } from './settings';

/** `proving …`: the terminal client (docs/cli.md). */
void run(process.argv.slice(2), {
  settings: readSettings(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  ask: (question, hidden) => (hidden ? askHidden(process.stdin, process.stderr, question) : ask(process.stdin, process.stderr, question)),
}).then((code) => {
  // Set, not exit(): stdout is flushed before the process ends (a piped --json document stays whole).
  process.exitCode = code;
});
