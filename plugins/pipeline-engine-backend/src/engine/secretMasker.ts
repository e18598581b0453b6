/** What replaces a secret in logs and outputs. */
export const MASK = '**************';

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
    if (!value || value.length < 3) return;
    const forms = [
      value,
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64').replace(/=+$/, ''),
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
    ];
    let changed = false;
    for (const form of forms) {
      if (form.length >= 3 && !this.#needles.has(form)) {
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
