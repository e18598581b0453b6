import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSecretSource } from './fileSecretSource';

describe('createFileSecretSource', () => {
  const directory = mkdtempSync(join(tmpdir(), 'file-secrets-'));
  writeFileSync(join(directory, 'token'), 'abc\n');
  writeFileSync(join(tmpdir(), 'outside-secret'), 'nope');
  const source = createFileSecretSource({ directory });

  it('reads one file per secret, without its trailing newline', async () => {
    await expect(source.getSecret('token')).resolves.toBe('abc');
  });

  it('answers undefined for a secret it does not hold', async () => {
    await expect(source.getSecret('missing')).resolves.toBeUndefined();
  });

  it('refuses ids that are not plain file names', async () => {
    await expect(source.getSecret('../outside-secret')).rejects.toThrow(
      'secret id "../outside-secret" is not a file name (letters, digits, _ . -)',
    );
    await expect(source.getSecret('.hidden')).rejects.toThrow(
      'is not a file name',
    );
  });
});
