import { GLOBAL_OPTIONS, usageLine, type CommandSpec, type OptionSpec } from '../command';
import { wrap } from './text';

/** Help is laid out for 80 columns whatever the terminal: it is also read in files and issues. */
const WIDTH = 80;

export function commandHelp(command: CommandSpec): string {
  const out = [`Usage: ${usageLine(command)}`, ''];
  for (const paragraph of command.description) out.push(...wrap(paragraph, WIDTH), '');
  if (command.args.length > 0) {
    out.push('Arguments:');
    out.push(...entries(command.args.map((arg) => [arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description])), '');
  }
  out.push('Options:');
  out.push(
    ...entries(Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([name, spec]) => [flag(name, spec), spec.description])),
  );
  if (command.examples?.length) out.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  return out.join('\n');
}

export function mainHelp(commands: CommandSpec[]): string {
  return [
    'proving: the Proving Ground terminal client',
    '',
    'Usage: proving <command> [arguments] [options]',
    '',
    'Commands:',
    ...entries(commands.map((command) => [command.name, command.summary])),
    '',
    'Options of every command:',
    ...entries(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [flag(name, spec), spec.description])),
    '',
    ...wrap(
      'Exit codes: 0 ok; 1 failed (a verdict other than PASSED, an invalid certificate, a request the server refused); 2 wrong usage; 3 network or sign-in (server unreachable, not logged in, token revoked).',
      WIDTH,
    ),
    '',
    'Logins and pinned certificate keys live in $XDG_CONFIG_HOME/proving',
    "(or ~/.config/proving). Run 'proving <command> --help' for a command's details.",
  ].join('\n');
}

function flag(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** `  name        description`, the descriptions aligned and wrapped under themselves. */
function entries(rows: Array<[string, string]>): string[] {
  const column = Math.min(24, Math.max(...rows.map(([name]) => name.length)) + 4);
  return rows.flatMap(([name, description]) => {
    const lead = `  ${name}`;
    if (lead.length + 2 > column) return [lead, ...wrap(description, WIDTH, ' '.repeat(column))];
    return wrap(description, WIDTH, lead.padEnd(column), ' '.repeat(column));
  });
}
