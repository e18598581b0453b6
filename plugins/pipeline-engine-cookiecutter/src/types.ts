/**
 * Which implementation renders cookiecutter templates.
 *
 * @public
 */
export type CookiecutterEngineName = 'builtin' | 'cli';

/**
 * Input of {@link CookiecutterEngine.render}.
 *
 * @public
 */
export interface CookiecutterRenderOptions {
  /** The template: the directory holding cookiecutter.json and the `{{ cookiecutter.x }}` project directory. */
  templateDir: string;
  /** Where the project directory is created (created when missing). */
  outputDir: string;
  /** Values for cookiecutter.json's variables, as `cookiecutter --no-input key=value` takes them. */
  variables: Record<string, string>;
  /** Merge into an existing project directory instead of failing (`cookiecutter -f`). */
  overwriteIfExists: boolean;
  /** Stops the rendering (kills the cookiecutter process, for the cli engine). */
  signal?: AbortSignal;
  /** Receives warnings (ignored variables, choices that do not match). */
  warn?: (message: string) => void;
  /** Receives the cookiecutter program's output (cli engine). */
  output?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** Run cookiecutter with --verbose (cli engine). */
  verbose?: boolean;
}

/**
 * Output of {@link CookiecutterEngine.render}.
 *
 * @public
 */
export interface CookiecutterRenderResult {
  /** Absolute path of the generated project directory. */
  projectDir: string;
  /** Files of the project, relative to projectDir, `/`-separated, sorted. */
  files: string[];
  /** New directory, merged into an existing one, or already identical (a re-run). */
  outcome: 'created' | 'merged' | 'unchanged';
}

/**
 * What rendering would produce, without writing anything.
 *
 * @public
 */
export interface CookiecutterPlan {
  /** The project directory's name, relative to the output directory (rendered from the template's `{{ cookiecutter.x }}` directory). */
  projectDirName: string;
}

/**
 * Renders a cookiecutter template.
 *
 * @public
 */
export interface CookiecutterEngine {
  /** `builtin` or `cli`. */
  readonly name: CookiecutterEngineName;
  render(options: CookiecutterRenderOptions): Promise<CookiecutterRenderResult>;
  /**
   * Renders the file names only, to check them before another program
   * writes anything. Throws PathEscapeError for a name leaving the output
   * directory and CookiecutterTemplateError (`unsupported`) for what this
   * engine cannot render. Reports variable warnings through `warn`.
   */
  plan?(options: CookiecutterRenderOptions): Promise<CookiecutterPlan>;
}
