import {
  chmodSync,
  closeSync,
  copyFileSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CookiecutterTemplateError, CLI_HINT } from '../errors';
import { JinjaEnvironment } from '../jinja/environment';
import { JinjaError } from '../jinja/errors';
import type { PyDict } from '../jinja/values';
import { safeRelativePath } from '../paths';
import { classify } from './binary';
import { copyWithoutRender } from './context';
import { extensionOptions } from './extensions';
import { fnmatch } from './fnmatch';
import { createTemplateLoader } from './templateLoader';
import { templateError } from './templateErrors';

/*
 * cookiecutter's generate_files(): walk the project template top-down; per
 * directory create the rendered subdirectories (copy `_copy_without_render`
 * ones as they are), then write its files (rendered text, or copied bytes),
 * each with its source's mode. Output goes into a fresh directory.
 */

/** Input of {@link generateFiles}. */
export interface GenerateOptions {
  /** The template root (holding cookiecutter.json). */
  repoDir: string;
  /** The `cookiecutter` context dict. */
  cookiecutter: PyDict;
  /** A fresh, empty directory to write into. */
  outputDir: string;
  /** cookiecutter's overwrite_if_exists: two template directories may render to the same one. */
  overwrite: boolean;
  /** Only render names and check paths; read and write nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** What {@link generateFiles} produced. */
export interface GenerateResult {
  /** The project directory, relative to outputDir (`/`-separated). */
  projectRel: string;
  /** Files relative to the project directory, sorted. */
  files: string[];
}

/** cookiecutter's find_template: the one `{{ cookiecutter.x }}` directory of the template root. */
export async function findProjectTemplate(repoDir: string): Promise<string> {
  const candidates = (await readdir(repoDir, { withFileTypes: true }))
    .filter(
      e =>
        e.name.includes('cookiecutter') &&
        e.name.includes('{{') &&
        e.name.includes('}}'),
    )
    .map(e => e.name)
    .sort();
  if (!candidates.length) {
    throw new CookiecutterTemplateError(
      'the template has no project directory: a directory whose name is templated, such as "{{ cookiecutter.project_slug }}", next to cookiecutter.json',
    );
  }
  if (candidates.length > 1) {
    throw new CookiecutterTemplateError(
      `the template has several project directories (${candidates.join(', ')}); cookiecutter would pick one of them arbitrarily`,
    );
  }
  if (!(await stat(join(repoDir, candidates[0]))).isDirectory()) {
    throw new CookiecutterTemplateError(
      `the project template "${candidates[0]}" is not a directory`,
    );
  }
  return candidates[0];
}

const posixJoin = (...parts: string[]) => parts.filter(Boolean).join('/');

/** Lets other work of the backend run between directories: file I/O below is synchronous, which is several times faster for many small files. */
const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));

/** Renders the project template into `outputDir`. */
export async function generateFiles(
  o: GenerateOptions,
): Promise<GenerateResult> {
  const templateName = await findProjectTemplate(o.repoDir);
  const templateRoot = join(o.repoDir, templateName);
  const env = new JinjaEnvironment({
    keepTrailingNewline: true,
    ...extensionOptions(o.cookiecutter.get('_extensions'), 'cookiecutter.json'),
    loader: createTemplateLoader(o.repoDir, templateName),
  });
  const patterns = copyWithoutRender(o.cookiecutter);
  const isCopyOnly = (path: string) => patterns.some(p => fnmatch(path, p));
  const render = (
    source: string,
    file: string,
    what?: string,
    name?: string,
  ): string => {
    // Most file and directory names hold no Jinja2 syntax and render to themselves.
    if (what !== undefined && !/[{\r\n]/.test(source)) return source;
    try {
      return env
        .fromString(source, name)
        .render({ cookiecutter: o.cookiecutter });
    } catch (e) {
      // An error inside an included or imported template names that file.
      if (e instanceof JinjaError && e.templateName)
        throw templateError(
          e,
          `${templateName}/${e.templateName}`,
          `used by ${file}`,
        );
      throw templateError(e, file, what);
    }
  };
  const dirs = new Set<string>();
  const files = new Map<string, string>(); // output path -> template path that wrote it

  const projectRel = safeRelativePath(
    render(templateName, templateName, 'directory name'),
    'the project directory name',
  );
  if (projectRel === '')
    throw new CookiecutterTemplateError(
      `the project directory "${templateName}" renders to an empty name`,
      templateName,
    );
  dirs.add(projectRel);
  if (!o.dryRun) mkdirSync(join(o.outputDir, projectRel), { recursive: true });

  const parentExists = (rel: string) => {
    const parent = rel.split('/').slice(0, -1).join('/');
    return dirs.has(parent) || parent === '';
  };
  const checkAbort = () => {
    if (o.signal?.aborted)
      throw o.signal.reason instanceof Error
        ? o.signal.reason
        : new Error('aborted');
  };

  const copyOne = (src: string, rel: string, mode: number) => {
    files.set(rel, src);
    if (o.dryRun) return;
    copyFileSync(src, join(o.outputDir, rel));
    chmodSync(join(o.outputDir, rel), mode & 0o7777);
  };

  const copyTree = (src: string, rel: string, templatePath: string): void => {
    if (dirs.has(rel) || files.has(rel)) {
      throw new CookiecutterTemplateError(
        `${templatePath}: "${rel}" already exists (copied without rendering over a rendered path); cookiecutter fails here too`,
        templatePath,
      );
    }
    dirs.add(rel);
    if (!o.dryRun) {
      mkdirSync(join(o.outputDir, rel));
      chmodSync(join(o.outputDir, rel), statSync(src).mode & 0o7777);
    }
    const subdirs: string[] = [];
    for (const entry of readdirSync(src).sort()) {
      const abs = join(src, entry);
      const st = statSync(abs);
      if (st.isDirectory()) subdirs.push(entry);
      else copyOne(abs, `${rel}/${entry}`, st.mode);
    }
    for (const entry of subdirs)
      copyTree(join(src, entry), `${rel}/${entry}`, `${templatePath}/${entry}`);
  };
  const renderFile = (
    src: string,
    rel: string,
    path: string,
    templatePath: string,
  ): void => {
    const fd = openSync(src, 'r');
    let content: Buffer;
    let mode: number;
    try {
      mode = fstatSync(fd).mode;
      content = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
    const kind = classify(content);
    const out = join(o.outputDir, rel);
    if (kind.kind === 'binary') {
      writeFileSync(out, content);
    } else if (kind.kind === 'text') {
      const text = render(kind.text, templatePath, undefined, path);
      if (
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
          text,
        )
      ) {
        throw new CookiecutterTemplateError(
          `${templatePath}: renders a lone surrogate character, which cannot be written as UTF-8; cookiecutter fails here too`,
          templatePath,
        );
      }
      writeFileSync(out, text, 'utf8');
    } else if (kind.kind === 'undecodable') {
      throw new CookiecutterTemplateError(
        `${templatePath}: cookiecutter would render this file as text but ${kind.reason}; add it to _copy_without_render`,
        templatePath,
      );
    } else {
      throw new CookiecutterTemplateError(
        `${templatePath}: ${kind.reason}; the builtin cookiecutter engine refuses to guess. Add it to _copy_without_render, or ${CLI_HINT}`,
        templatePath,
        undefined,
        true,
      );
    }
    chmodSync(out, mode & 0o7777);
  };

  const walk = async (srcDir: string, root: string): Promise<void> => {
    checkAbort();
    const entries = readdirSync(srcDir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    const subdirs: string[] = [];
    const plainFiles: string[] = [];
    for (const e of entries) {
      const isDir =
        e.isDirectory() ||
        (e.isSymbolicLink() && statSync(join(srcDir, e.name)).isDirectory());
      if (isDir && e.isSymbolicLink()) {
        throw new CookiecutterTemplateError(
          `${templateName}/${posixJoin(root, e.name)}: symbolic links to directories are not supported by the builtin cookiecutter engine (cookiecutter versions treat them differently); ${CLI_HINT}`,
          posixJoin(root, e.name),
          undefined,
          true,
        );
      }
      (isDir ? subdirs : plainFiles).push(e.name);
    }
    const renderDirs: string[] = [];
    for (const d of subdirs) {
      const path = posixJoin(root, d);
      if (isCopyOnly(path))
        copyTree(
          join(srcDir, d),
          posixJoin(projectRel, path),
          `${templateName}/${path}`,
        );
      else renderDirs.push(d);
    }
    for (const d of renderDirs) {
      const path = posixJoin(root, d);
      const templatePath = `${templateName}/${path}`;
      const rel = posixJoin(
        projectRel,
        safeRelativePath(
          render(path, templatePath, 'directory name'),
          `directory "${templatePath}" renders to a path that`,
        ),
      );
      if (files.has(rel))
        throw new CookiecutterTemplateError(
          `${templatePath}: renders to "${rel}", which is a file; cookiecutter fails here too`,
          templatePath,
        );
      if (dirs.has(rel)) {
        if (!o.overwrite) {
          throw new CookiecutterTemplateError(
            `${templatePath}: directory "${rel}" already exists (another template directory renders to it); cookiecutter fails here too unless overwriteIfExists is set`,
            templatePath,
          );
        }
      } else {
        const parts = rel.split('/');
        for (let i = 1; i <= parts.length; i++)
          dirs.add(parts.slice(0, i).join('/'));
        if (!o.dryRun) mkdirSync(join(o.outputDir, rel), { recursive: true });
      }
    }
    for (const f of plainFiles) {
      checkAbort();
      const path = posixJoin(root, f);
      const templatePath = `${templateName}/${path}`;
      const src = join(srcDir, f);
      const rel = posixJoin(
        projectRel,
        safeRelativePath(
          render(path, templatePath, 'file name'),
          `file "${templatePath}" renders to a path that`,
        ),
      );
      if (dirs.has(rel)) continue; // an empty rendered name: cookiecutter skips the file
      if (!parentExists(rel)) {
        throw new CookiecutterTemplateError(
          `${templatePath}: renders to "${rel}", whose directory does not exist; cookiecutter fails here too`,
          templatePath,
        );
      }
      if (files.has(rel)) {
        throw new CookiecutterTemplateError(
          `${templatePath}: renders to "${rel}" like another template file; cookiecutter's result would depend on directory order`,
          templatePath,
          undefined,
          true,
        );
      }
      files.set(rel, src);
      if (o.dryRun) continue;
      if (isCopyOnly(path)) copyOne(src, rel, statSync(src).mode);
      else renderFile(src, rel, path, templatePath);
    }
    for (const d of renderDirs) {
      await yieldToEventLoop();
      await walk(join(srcDir, d), posixJoin(root, d));
    }
  };

  await walk(templateRoot, '');
  const prefix = `${projectRel}/`;
  const projectFiles = [...files.keys()]
    .filter(f => f.startsWith(prefix))
    .map(f => f.slice(prefix.length))
    .sort();
  return { projectRel, files: projectFiles };
}
