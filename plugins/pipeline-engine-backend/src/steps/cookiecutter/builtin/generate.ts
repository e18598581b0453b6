import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
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
    .filter(e => e.name.includes('cookiecutter') && e.name.includes('{{') && e.name.includes('}}'))
    .map(e => e.name)
    .sort();
  if (!candidates.length) {
    throw new CookiecutterTemplateError('the template has no project directory: a directory whose name is templated, such as "{{ cookiecutter.project_slug }}", next to cookiecutter.json');
  }
  if (candidates.length > 1) {
    throw new CookiecutterTemplateError(`the template has several project directories (${candidates.join(', ')}); cookiecutter would pick one of them arbitrarily`);
  }
  if (!(await stat(join(repoDir, candidates[0]))).isDirectory()) {
    throw new CookiecutterTemplateError(`the project template "${candidates[0]}" is not a directory`);
  }
  return candidates[0];
}

const posixJoin = (...parts: string[]) => parts.filter(Boolean).join('/');

/** Runs jobs a few dozen at a time (bounded open files); throws the first failure in job order. */
async function runAll(jobs: Array<() => Promise<void>>): Promise<void> {
  for (let i = 0; i < jobs.length; i += 32) {
    const results = await Promise.allSettled(jobs.slice(i, i + 32).map(job => job()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Renders the project template into `outputDir`. */
export async function generateFiles(o: GenerateOptions): Promise<GenerateResult> {
  const templateName = await findProjectTemplate(o.repoDir);
  const templateRoot = join(o.repoDir, templateName);
  const env = new JinjaEnvironment({
    keepTrailingNewline: true,
    ...extensionOptions(o.cookiecutter.get('_extensions'), 'cookiecutter.json'),
    loader: createTemplateLoader(o.repoDir, templateName),
  });
  const patterns = copyWithoutRender(o.cookiecutter);
  const isCopyOnly = (path: string) => patterns.some(p => fnmatch(path, p));
  const render = (source: string, file: string, what?: string, name?: string): string => {
    try {
      return env.fromString(source, name).render({ cookiecutter: o.cookiecutter });
    } catch (e) {
      // An error inside an included or imported template names that file.
      if (e instanceof JinjaError && e.templateName) throw templateError(e, `${templateName}/${e.templateName}`, `used by ${file}`);
      throw templateError(e, file, what);
    }
  };
  const dirs = new Set<string>();
  const files = new Map<string, string>(); // output path -> template path that wrote it

  const projectRel = safeRelativePath(render(templateName, templateName, 'directory name'), 'the project directory name');
  if (projectRel === '') throw new CookiecutterTemplateError(`the project directory "${templateName}" renders to an empty name`, templateName);
  dirs.add(projectRel);
  if (!o.dryRun) await mkdir(join(o.outputDir, projectRel), { recursive: true });

  const parentExists = (rel: string) => {
    const parent = rel.split('/').slice(0, -1).join('/');
    return dirs.has(parent) || parent === '';
  };
  const checkAbort = () => {
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted');
  };

  const copyOne = async (src: string, rel: string, mode: number) => {
    files.set(rel, src);
    if (o.dryRun) return;
    await copyFile(src, join(o.outputDir, rel));
    await chmod(join(o.outputDir, rel), mode & 0o7777);
  };

  const copyTree = async (src: string, rel: string, templatePath: string): Promise<void> => {
    if (dirs.has(rel) || files.has(rel)) {
      throw new CookiecutterTemplateError(`${templatePath}: "${rel}" already exists (copied without rendering over a rendered path); cookiecutter fails here too`, templatePath);
    }
    dirs.add(rel);
    const [st, entries] = await Promise.all([stat(src), readdir(src)]);
    if (!o.dryRun) {
      await mkdir(join(o.outputDir, rel));
      await chmod(join(o.outputDir, rel), st.mode & 0o7777);
    }
    const sorted = entries.sort();
    const stats = await Promise.all(sorted.map(entry => stat(join(src, entry))));
    const copies: Array<() => Promise<void>> = [];
    for (const [i, entry] of sorted.entries()) {
      const abs = join(src, entry);
      if (stats[i].isDirectory()) await copyTree(abs, `${rel}/${entry}`, `${templatePath}/${entry}`);
      else copies.push(() => copyOne(abs, `${rel}/${entry}`, stats[i].mode));
    }
    await runAll(copies);
  };
  const renderFile = async (src: string, rel: string, path: string, templatePath: string): Promise<void> => {
    const [content, st] = await Promise.all([readFile(src), stat(src)]);
    const kind = classify(content);
    const out = join(o.outputDir, rel);
    if (kind.kind === 'binary') {
      await writeFile(out, content);
    } else if (kind.kind === 'text') {
      const text = render(kind.text, templatePath, undefined, path);
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
        throw new CookiecutterTemplateError(`${templatePath}: renders a lone surrogate character, which cannot be written as UTF-8; cookiecutter fails here too`, templatePath);
      }
      await writeFile(out, text, 'utf8');
    } else if (kind.kind === 'undecodable') {
      throw new CookiecutterTemplateError(`${templatePath}: cookiecutter would render this file as text but ${kind.reason}; add it to _copy_without_render`, templatePath);
    } else {
      throw new CookiecutterTemplateError(`${templatePath}: ${kind.reason}; the builtin cookiecutter engine refuses to guess. Add it to _copy_without_render, or ${CLI_HINT}`, templatePath, undefined, true);
    }
    await chmod(out, st.mode & 0o7777);
  };

  const walk = async (srcDir: string, root: string): Promise<void> => {
    checkAbort();
    const entries = (await readdir(srcDir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const subdirs: string[] = [];
    const plainFiles: string[] = [];
    for (const e of entries) {
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(join(srcDir, e.name))).isDirectory());
      if (isDir && e.isSymbolicLink()) {
        throw new CookiecutterTemplateError(`${templateName}/${posixJoin(root, e.name)}: symbolic links to directories are not supported by the builtin cookiecutter engine (cookiecutter versions treat them differently); ${CLI_HINT}`, posixJoin(root, e.name), undefined, true);
      }
      (isDir ? subdirs : plainFiles).push(e.name);
    }
    const renderDirs: string[] = [];
    for (const d of subdirs) {
      const path = posixJoin(root, d);
      if (isCopyOnly(path)) await copyTree(join(srcDir, d), posixJoin(projectRel, path), `${templateName}/${path}`);
      else renderDirs.push(d);
    }
    for (const d of renderDirs) {
      const path = posixJoin(root, d);
      const templatePath = `${templateName}/${path}`;
      const rel = posixJoin(projectRel, safeRelativePath(render(path, templatePath, 'directory name'), `directory "${templatePath}" renders to a path that`));
      if (files.has(rel)) throw new CookiecutterTemplateError(`${templatePath}: renders to "${rel}", which is a file; cookiecutter fails here too`, templatePath);
      if (dirs.has(rel)) {
        if (!o.overwrite) {
          throw new CookiecutterTemplateError(`${templatePath}: directory "${rel}" already exists (another template directory renders to it); cookiecutter fails here too unless overwriteIfExists is set`, templatePath);
        }
      } else {
        const parts = rel.split('/');
        for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        if (!o.dryRun) await mkdir(join(o.outputDir, rel), { recursive: true });
      }
    }
    // Names and checks in order (errors are deterministic); file I/O of the directory in parallel.
    const jobs: Array<() => Promise<void>> = [];
    for (const f of plainFiles) {
      checkAbort();
      const path = posixJoin(root, f);
      const templatePath = `${templateName}/${path}`;
      const src = join(srcDir, f);
      const rel = posixJoin(projectRel, safeRelativePath(render(path, templatePath, 'file name'), `file "${templatePath}" renders to a path that`));
      if (dirs.has(rel)) continue; // an empty rendered name: cookiecutter skips the file
      if (!parentExists(rel)) {
        throw new CookiecutterTemplateError(`${templatePath}: renders to "${rel}", whose directory does not exist; cookiecutter fails here too`, templatePath);
      }
      if (files.has(rel)) {
        throw new CookiecutterTemplateError(`${templatePath}: renders to "${rel}" like another template file; cookiecutter's result would depend on directory order`, templatePath, undefined, true);
      }
      files.set(rel, src);
      if (o.dryRun) continue;
      jobs.push(isCopyOnly(path)
        ? async () => copyOne(src, rel, (await stat(src)).mode)
        : () => renderFile(src, rel, path, templatePath));
    }
    await runAll(jobs);
    for (const d of renderDirs) await walk(join(srcDir, d), posixJoin(root, d));
  };

  await walk(templateRoot, '');
  const prefix = `${projectRel}/`;
  const projectFiles = [...files.keys()].filter(f => f.startsWith(prefix)).map(f => f.slice(prefix.length)).sort();
  return { projectRel, files: projectFiles };
}
