import { renderTable } from './table';

describe('a table', () => {
  const rows = [
    { slug: 'pruned-mlp-speedup', points: 100, title: 'Cash in a pruning run: make a pruned MLP faster' },
    { slug: 'top-k', points: 50, title: 'Top k' },
  ];
  const columns = [
    { header: 'SLUG', value: (row: (typeof rows)[number]) => row.slug },
    { header: 'POINTS', value: (row: (typeof rows)[number]) => String(row.points), right: true },
    { header: 'TITLE', value: (row: (typeof rows)[number]) => row.title },
  ];

  it('aligns columns two spaces apart, numbers to the right', () => {
    expect(renderTable(columns, rows, 120).split('\n')).toEqual([
      'SLUG                POINTS  TITLE',
      'pruned-mlp-speedup     100  Cash in a pruning run: make a pruned MLP faster',
      'top-k                   50  Top k',
    ]);
  });

  it('cuts the last column to the width', () => {
    const lines = renderTable(columns, rows, 50).split('\n');
    expect(lines[1]).toBe('pruned-mlp-speedup     100  Cash in a pruning run…');
    expect(lines.every((line) => [...line].length <= 50)).toBe(true);
  });
});
