/*
 * cookiecutter copies a file untouched when binaryornot says it is binary,
 * judging by its first 1024 bytes: ratios of control and high bytes, then
 * chardet's guess. We reproduce the ratios exactly; where the answer would
 * hinge on chardet's statistics, we decide only the cases whose outcome is
 * certain and report the rest as ambiguous.
 */

/** How cookiecutter treats a file. */
export type FileKind =
  | { kind: 'text'; text: string }
  | { kind: 'binary' }
  /** cookiecutter would fail reading it (not UTF-8 text). */
  | { kind: 'undecodable'; reason: string }
  /** The outcome depends on chardet's statistics. */
  | { kind: 'ambiguous'; reason: string };

const CHUNK = 1024;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(buf: Uint8Array): string | undefined {
  try {
    return decoder.decode(buf);
  } catch {
    return undefined;
  }
}

/** Whether a chunk is valid UTF-8, allowing a sequence cut at the chunk's end. */
function chunkIsUtf8(chunk: Uint8Array, truncated: boolean): boolean {
  if (decode(chunk) !== undefined) return true;
  if (!truncated) return false;
  for (let cut = 1; cut <= 3 && cut < chunk.length; cut++) {
    if (decode(chunk.subarray(0, chunk.length - cut)) !== undefined)
      return true;
  }
  return false;
}

/** Classifies file contents as cookiecutter 1.7 (binaryornot 0.4) would. */
export function classify(content: Buffer): FileKind {
  const chunk = content.subarray(0, CHUNK);
  if (chunk.length === 0) return { kind: 'text', text: '' };
  let low = 0; // bytes that are not printable ASCII or \n\r\t\f\b
  let belowHigh = 0; // bytes < 127
  let high = 0;
  let nulOrFF = false;
  let nuls = 0;
  let escapes = false;
  let prev = 0;
  for (const b of chunk) {
    const printable =
      (b >= 32 && b < 127) ||
      b === 10 ||
      b === 13 ||
      b === 9 ||
      b === 12 ||
      b === 8;
    if (!printable) low++;
    if (b < 127) belowHigh++;
    if (b >= 128) high++;
    if (b === 0 || b === 0xff) nulOrFF = true;
    if (b === 0) nuls++;
    if (b === 0x1b || (prev === 0x7e && b === 0x7b)) escapes = true; // ESC or "~{" start chardet's escape-sequence probers
    prev = b;
  }
  const r1 = low / chunk.length;
  const r2 = belowHigh / chunk.length;
  const likelyBinary = (r1 > 0.3 && r2 < 0.05) || (r1 > 0.8 && r2 > 0.8);
  const text = decode(content);

  if (!likelyBinary && !nulOrFF) {
    // Treated as text whatever chardet says; Jinja2 then reads it as UTF-8.
    if (text === undefined)
      return { kind: 'undecodable', reason: 'it is not valid UTF-8 text' };
    return { kind: 'text', text };
  }
  const utf8Chunk = chunkIsUtf8(chunk, content.length > CHUNK);
  if (!utf8Chunk) {
    // chardet could only call it decodable in a legacy encoding; Jinja2 would then fail on it anyway.
    return { kind: 'binary' };
  }
  // From here chardet decides: text if it names an encoding, binary otherwise.
  if (text !== undefined && !/\{[{%#]|\r/.test(text)) {
    // Rendering it would not change a byte, so both choices give the same file.
    return { kind: 'binary' };
  }
  if (high === 0 && !escapes && nuls * 4 < chunk.length) {
    // Plain ASCII (not UTF-16-like): chardet says "ascii", which binaryornot ignores.
    return { kind: 'binary' };
  }
  return {
    kind: 'ambiguous',
    reason:
      "its first 1024 bytes look binary but decode as text, so cookiecutter's choice depends on chardet",
  };
}
