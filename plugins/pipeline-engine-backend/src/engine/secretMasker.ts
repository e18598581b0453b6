/** What replaces a secret in logs and outputs. */
export const MASK = '**************';

/** Shortest secret masked: shorter ones would mask ordinary text. */
const MIN_SECRET_LENGTH = 3;
/** Shortest line of a multi-line secret masked on its own. */
const MIN_LINE_LENGTH = 4;
/** Column at which `base64` (coreutils) wraps its output. */
const BASE64_WRAP = 76;

/** The base64 text of `text`, with and without padding, and its wrapped lines. */
function base64Forms(text: string): string[] {
  const encoded = Buffer.from(text).toString('base64');
  const forms = [encoded, encoded.replace(/=+$/, '')];
  for (
    let start = 0;
    encoded.length > BASE64_WRAP && start < encoded.length;
    start += BASE64_WRAP
  ) {
    const chunk = encoded.slice(start, start + BASE64_WRAP);
    // A short last chunk encodes a byte or two; masking it would hide noise.
    if (chunk.length >= 8) forms.push(chunk);
  }
  return forms;
}

/**
 * Every form of a secret that can reach a log line or an output: the value,
 * its base64 (also of the value with the trailing newline `echo` adds, and
 * line by line as `base64` wraps it), URL and JSON string encodings, and —
 * because logs are masked line by line — each line of a multi-line value
 * (PEM and SSH keys) of at least {@link MIN_LINE_LENGTH} characters.
 */
export function secretForms(value: string): string[] {
  const forms = [
    value,
    ...base64Forms(value),
    ...base64Forms(`${value}\n`),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ];
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n|\r/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_LINE_LENGTH) forms.push(trimmed);
    }
  }
  return forms.filter(form => form.length >= MIN_SECRET_LENGTH);
}

/**
 * Replaces every known secret value, and its common encodings, with
 * {@link MASK}. One masker per execution collects every secret resolved
 * during it (secret variables, `<+secrets.getValue()>`, step-registered
 * values) before anything is stored or sent.
 */
export class SecretMasker {
  readonly #needles = new Set<string>();
  #pattern: RegExp | undefined;

  /** Adds a secret; values shorter than 3 characters are not masked (they would mask everything). */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    let changed = false;
    for (const form of secretForms(value)) {
      if (!this.#needles.has(form)) {
        this.#needles.add(form);
        changed = true;
      }
    }
    if (changed) this.#pattern = undefined;
  }

  /** True when no secret was added. */
  get empty(): boolean {
    return this.#needles.size === 0;
  }

  /** The text with every secret replaced. */
  mask(text: string): string {
    if (!this.#needles.size || !text) return text;
    if (!this.#pattern) {
      // Longest first so a secret containing another is replaced whole.
      const sorted = [...this.#needles].sort((a, b) => b.length - a.length);
      this.#pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return text.replace(this.#pattern, MASK);
  }

  /** Masks every string inside a JSON-like value (a copy; the value itself when no secret is known). */
  maskDeep<T>(value: T): T {
    if (!this.#needles.size) return value;
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map(v => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)]),
      ) as T;
    }
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
