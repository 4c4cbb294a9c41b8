import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Asks one line on the terminal (the question on stderr, so stdout stays for results). */
export async function ask(input: Readable, output: Writable, question: string): Promise<string> {
  const lines = createInterface({ input, output, terminal: true });
  try {
    return await new Promise<string>((resolve) => lines.question(question, resolve));
  } finally {
    lines.close();
  }
}

/** Asks for a secret: nothing typed is echoed. Needs a terminal (raw mode). */
export async function askHidden(input: NodeJS.ReadStream, output: Writable, question: string): Promise<string> {
  output.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            input.off('data', onData);
            return resolve(typed);
          }
          if (char === '\u0003') {
            input.off('data', onData);
            return reject(Object.assign(new Error('interrupted'), { interrupted: true }));
          }
          typed = char === '\u007f' || char === '\b' ? [...typed].slice(0, -1).join('') : typed + char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    output.write('\n');
  }
}

/** All of stdin as text, without the final line break (`--password-stdin`). */
export async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
