import { SecretCipher } from './secretCipher';
import { JsonObject } from './types';

/**
 * A secret output of a node as the stores hand it out. `value` is present
 * only when a {@link SecretCipher} is configured and could decrypt it.
 */
export interface SecretOutput {
  secret: true;
  value?: string;
}

/**
 * Turns clear secret outputs into their storable form: per output a
 * `{ secret: true }` marker, plus `ciphertext` when a cipher is configured.
 * Clear text never leaves this function.
 */
export function sealSecretOutputs(
  values: Record<string, string>,
  cipher: SecretCipher | undefined,
): JsonObject {
  const sealed: JsonObject = {};
  for (const [name, value] of Object.entries(values)) {
    sealed[name] = cipher
      ? { secret: true, ciphertext: cipher.encrypt(String(value)) }
      : { secret: true };
  }
  return sealed;
}

/**
 * Turns stored secret outputs back into {@link SecretOutput}s. A value that
 * cannot be decrypted (no cipher, rotated key) is handed out as a bare marker.
 */
export function openSecretOutputs(
  stored: JsonObject | undefined,
  cipher: SecretCipher | undefined,
): Record<string, SecretOutput> {
  const opened: Record<string, SecretOutput> = {};
  for (const [name, entry] of Object.entries(stored ?? {})) {
    const ciphertext =
      entry && typeof entry === 'object' && !Array.isArray(entry)
        ? entry.ciphertext
        : undefined;
    let value: string | undefined;
    if (cipher && typeof ciphertext === 'string') {
      try {
        value = cipher.decrypt(ciphertext);
      } catch {
        value = undefined;
      }
    }
    opened[name] =
      value === undefined ? { secret: true } : { secret: true, value };
  }
  return opened;
}
