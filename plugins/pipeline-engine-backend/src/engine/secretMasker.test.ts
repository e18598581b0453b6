import fc from 'fast-check';
import { MASK, SecretMasker } from './secretMasker';

/** Characters of generated secrets: anything printable but the mask's `*`. */
const SECRET_CHARS = fc.constantFrom(
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_.:;,!?@#$%^&()[]{}<>"\'~` é€'.split(
    '',
  ),
);
const secretLine = fc
  .string({ unit: SECRET_CHARS, minLength: 4, maxLength: 80 })
  .filter(line => line.trim().length >= 4);
const multiLineSecret = fc
  .array(secretLine, { minLength: 2, maxLength: 8 })
  .chain(lines =>
    fc
      .constantFrom('\n', '\r\n')
      .chain(eol =>
        fc.boolean().map(trailing => lines.join(eol) + (trailing ? eol : '')),
      ),
  );
const anySecret = fc.oneof(secretLine, multiLineSecret);
const noise = fc.string({ unit: SECRET_CHARS, maxLength: 20 });

/** What the log sink does: mask each line of the text on its own. */
const maskLines = (masker: SecretMasker, text: string) =>
  text.split(/\r?\n/).map(line => masker.mask(line));

function maskerFor(secret: string): SecretMasker {
  const masker = new SecretMasker();
  masker.add(secret);
  return masker;
}

/** The lines of `secret` the masker promises to hide. */
const linesOf = (secret: string) =>
  secret
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 4);

describe('SecretMasker (finding 3)', () => {
  it('hides every line of a secret printed in a log, whatever surrounds it', () => {
    fc.assert(
      fc.property(anySecret, noise, noise, (secret, before, after) => {
        const masked = maskLines(
          maskerFor(secret),
          `${before}${secret}${after}`,
        );
        for (const line of linesOf(secret)) {
          expect(masked.join('\n')).not.toContain(line);
        }
      }),
    );
  });

  it('hides the whole value in an output, as one mask', () => {
    fc.assert(
      fc.property(anySecret, secret => {
        expect(maskerFor(secret).mask(secret)).toBe(MASK);
      }),
    );
  });

  it.each([
    [
      'printf %s "$S" | base64 -w0',
      (s: string) => [Buffer.from(s).toString('base64')],
    ],
    [
      'echo "$S" | base64 -w0',
      (s: string) => [Buffer.from(`${s}\n`).toString('base64')],
    ],
    [
      'echo "$S" | base64 (wrapped at 76)',
      (s: string) => wrap(Buffer.from(`${s}\n`).toString('base64')),
    ],
    [
      'printf %s "$S" | base64 (wrapped at 76)',
      (s: string) => wrap(Buffer.from(s).toString('base64')),
    ],
    ['URL encoding', (s: string) => [encodeURIComponent(s)]],
    ['a JSON string', (s: string) => [JSON.stringify(s)]],
  ])('hides the secret encoded as %s', (_name, encode) => {
    fc.assert(
      fc.property(anySecret, secret => {
        const masker = maskerFor(secret);
        const printed = encode(secret);
        const masked = printed.map(line => masker.mask(line)).join('\n');
        // What is left of each printed line is too short to carry the secret.
        for (const line of printed.filter(text => text.length >= 8)) {
          expect(masked).not.toContain(line);
        }
        expect(masked).toContain(MASK);
      }),
    );
  });

  it('keeps text without secrets unchanged, and ignores values too short to mask', () => {
    fc.assert(
      fc.property(noise, text => {
        expect(maskerFor('xy').mask(text)).toBe(text);
      }),
    );
    const masker = maskerFor('-----BEGIN KEY-----\nab\n-----END KEY-----');
    expect(masker.mask('ab is two letters')).toBe('ab is two letters');
    expect(masker.mask('-----BEGIN KEY-----')).toBe(MASK);
  });
});

function wrap(text: string): string[] {
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += 76)
    lines.push(text.slice(start, start + 76));
  return lines;
}
