import { migrationChecksum } from './migration-files';

describe('migrationChecksum', () => {
  it("computes Prisma's checksum: sha256 hex of the script with CRLF normalised to LF", () => {
    // printf 'SELECT 1;\n' | sha256sum
    expect(migrationChecksum('SELECT 1;\n')).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
    expect(migrationChecksum('SELECT 1;\r\n')).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
  });
});
