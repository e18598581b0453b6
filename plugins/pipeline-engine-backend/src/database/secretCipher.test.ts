import { randomBytes } from 'node:crypto';
import { createAesGcmSecretCipher } from './secretCipher';
import { openSecretOutputs, sealSecretOutputs } from './secretOutputs';

describe('createAesGcmSecretCipher', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const cipher = createAesGcmSecretCipher(randomBytes(32));
    const a = cipher.encrypt('s3cret ✓');
    const b = cipher.encrypt('s3cret ✓');
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(cipher.decrypt(a)).toBe('s3cret ✓');
  });

  it('detects tampering and wrong keys', () => {
    const cipher = createAesGcmSecretCipher('key-one-key-one-key-one');
    const sealed = cipher.encrypt('value');
    const [v, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      cipher.decrypt([v, iv, tag, flipped.toString('base64')].join(':')),
    ).toThrow();
    expect(() =>
      createAesGcmSecretCipher('key-two-key-two-key-two').decrypt(sealed),
    ).toThrow();
    expect(() => cipher.decrypt('garbage')).toThrow(/format/);
    expect(() => createAesGcmSecretCipher(Buffer.alloc(16))).toThrow(/32/);
  });
});

describe('secret outputs', () => {
  it('keeps only markers without a cipher', () => {
    const sealed = sealSecretOutputs({ token: 'abc' }, undefined);
    expect(sealed).toEqual({ token: { secret: true } });
    expect(openSecretOutputs(sealed, undefined)).toEqual({
      token: { secret: true },
    });
  });

  it('encrypts with a cipher and falls back to markers when it cannot decrypt', () => {
    const cipher = createAesGcmSecretCipher(randomBytes(32));
    const sealed = sealSecretOutputs({ token: 'abc' }, cipher);
    expect(JSON.stringify(sealed)).not.toContain('abc');
    expect(openSecretOutputs(sealed, cipher)).toEqual({
      token: { secret: true, value: 'abc' },
    });
    expect(openSecretOutputs(sealed, undefined)).toEqual({
      token: { secret: true },
    });
    expect(
      openSecretOutputs(sealed, createAesGcmSecretCipher(randomBytes(32))),
    ).toEqual({ token: { secret: true } });
  });
});
