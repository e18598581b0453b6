import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  TemplateNotFoundError,
  runtimeError,
  unsupported,
} from '../jinja/errors';

/*
 * cookiecutter 1.7 renders files inside `with work_in(template_dir):
 * env.loader = FileSystemLoader('.')`, so `{% include %}`, `{% import %}`
 * and `{% from ... import %}` find templates relative to the project
 * template directory (the `{{ cookiecutter.x }}` one), by Jinja2's rules:
 * `/`-separated names, `..` refused, `.` and empty segments dropped, only
 * regular files (symbolic links are followed; preflight has checked they
 * stay inside the template). Reads are synchronous because rendering is.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Jinja2's FileSystemLoader over `projectTemplateDir`, as cookiecutter 1.7
 * sets it up. `repoDir` is the template root (holding cookiecutter.json):
 * a name found only in its `templates/` directory, where cookiecutter 2.x
 * also looks, is refused rather than rendered as one version would.
 */
export function createTemplateLoader(
  repoDir: string,
  projectTemplateName: string,
): (name: string) => string {
  const projectTemplateDir = join(repoDir, projectTemplateName);
  return name => {
    const pieces: string[] = [];
    for (const piece of name.split('/')) {
      if (piece === '..')
        throw new TemplateNotFoundError(
          name,
          ' (Jinja2 refuses ".." in template names)',
        );
      if (piece && piece !== '.') pieces.push(piece);
    }
    const path = join(projectTemplateDir, ...pieces);
    if (!isFile(path)) {
      if (pieces.length && isFile(join(repoDir, 'templates', ...pieces))) {
        throw unsupported(
          `the template "${name}" from templates/ next to cookiecutter.json (cookiecutter 2.x looks there, 1.7 only in the project template directory "${projectTemplateName}")`,
        );
      }
      throw new TemplateNotFoundError(
        name,
        ` in the project template directory "${projectTemplateName}" (cookiecutter 1.7 resolves template names relative to it)`,
      );
    }
    try {
      return utf8.decode(readFileSync(path));
    } catch {
      throw runtimeError(
        `UnicodeDecodeError: the template "${name}" is not valid UTF-8`,
      );
    }
  };
}
