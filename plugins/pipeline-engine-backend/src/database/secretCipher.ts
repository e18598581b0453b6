import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';

/**
 * Encrypts secret step outputs before they are stored, so that a replica
 * taking over an execution can still use them. Without a cipher the stores
 * keep only a `{ secret: true }` marker and the value is lost on recovery.
 */
export interface SecretCipher {
  /** Returns an opaque, self-describing ciphertext. */
  encrypt(plaintext: string): string;
  /** Reverses {@link SecretCipher.encrypt}; throws if tampered with or keyed differently. */
  decrypt(ciphertext: string): string;
}

const VERSION = 'v1';

/**
 * AES-256-GCM cipher. `key` is either 32 raw bytes or a secret string (e.g.
 * from app-config) that is hashed to 32 bytes; a string key must be long and
 * random because no slow key derivation is applied.
 */
export function createAesGcmSecretCipher(key: Buffer | string): SecretCipher {
  const keyBytes =
    typeof key === 'string' ? createHash('sha256').update(key).digest() : key;
  if (keyBytes.length !== 32) {
    throw new Error('AES-256-GCM needs a 32 byte key');
  }
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
      const data = Buffer.concat([
        cipher.update(plaintext, 'utf8'),
        cipher.final(),
      ]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv, tag, data]
        .map(part =>
          typeof part === 'string' ? part : part.toString('base64'),
        )
        .join(':');
    },
    decrypt(ciphertext) {
      const [version, iv, tag, data] = ciphertext.split(':');
      if (version !== VERSION || data === undefined) {
        throw new Error('Unknown ciphertext format');
      }
      const decipher = createDecipheriv(
        'aes-256-gcm',
        keyBytes,
        Buffer.from(iv, 'base64'),
      );
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(data, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
