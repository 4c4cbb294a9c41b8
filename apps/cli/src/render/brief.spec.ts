import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBrief } from './brief';
import { ansiStyle } from './text';

const CHALLENGES = join(__dirname, '..', '..', '..', '..', 'libs', 'catalog', 'challenges');
const brief = (slug: string) => readFileSync(join(CHALLENGES, slug, 'brief.md'), 'utf8');

describe('a brief rendered for the terminal', () => {
  it.each([80, 60, 40])('wraps the catalog’s briefs to %i columns, code blocks and tables aside', (width) => {
    for (const slug of ['pruned-mlp-speedup', 'port-small-cnn-to-jax', 'top-k-with-ties']) {
      const text = renderBrief(brief(slug), width);
      const prose = text.split('\n').filter((line) => !line.startsWith('    ') && !/ {2}/.test(line.trim()));
      const tooWide = prose.filter((line) => [...line].length > width && !/^\S+$/.test(line.trim()) && !/https?:\/\//.test(line));
      expect({ slug, tooWide }).toEqual({ slug, tooWide: [] });
    }
  });

  it('underlines headings, bullets lists with hanging indents, aligns tables and keeps code as written', () => {
    const markdown = [
      '# The title',
      '',
      'Some **bold** and `code` and a [link](https://example.com/x) and <https://example.com/y>.',
      '',
      '## Part',
      '',
      '- an item long enough that it has to wrap onto a second line here',
      '  continued',
      '1. first',
      '',
      '| a | long header |',
      '| - | ----------- |',
      '| `x` | 1 |',
      '',
      '```python',
      'def  f(x):   return x',
      '```',
    ].join('\n');
    expect(renderBrief(markdown, 40).split('\n')).toEqual([
      'The title',
      '=========',
      '',
      'Some bold and code and a link',
      '(https://example.com/x) and',
      'https://example.com/y.',
      '',
      'Part',
      '----',
      '',
      '• an item long enough that it has to',
      '  wrap onto a second line here continued',
      '1. first',
      '',
      'a  long header',
      '-  -----------',
      'x  1',
      '',
      '    def  f(x):   return x',
    ]);
  });

  it('makes bold text bold on a terminal', () => {
    expect(renderBrief('**judged** here', 80, ansiStyle)).toBe('\x1b[1mjudged\x1b[22m here');
  });
});
