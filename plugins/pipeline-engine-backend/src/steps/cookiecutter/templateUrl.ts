import { InputError } from '@backstage/errors';

/** Where to clone a public template from. */
export interface TemplateLocation {
  /** What `git clone` gets. */
  cloneUrl: string;
  /** Branch or tag, when the URL names one. */
  ref?: string;
  /** Directory inside the repository holding cookiecutter.json ('' for the root). */
  subdir: string;
}

/**
 * Reads publicTemplateUrl. Besides a plain repository URL or local path it
 * accepts a subdirectory as a web URL (`https://github.com/o/r/tree/main/sub`,
 * GitLab `/-/tree/REF/sub`, Bitbucket `/src/REF/sub`) or go-getter style
 * (`https://host/o/r.git//sub`, `file:///srv/r.git//sub?ref=v1`).
 */
export function parseTemplateUrl(raw: string): TemplateLocation {
  const url = raw.trim();
  if (!url) throw new InputError('spec.publicTemplateUrl is empty');
  if (url.startsWith('-'))
    throw new InputError(
      `spec.publicTemplateUrl "${url}" is not a repository URL`,
    );
  let ref: string | undefined;
  let rest = url;
  const q = /\?ref=([^&#]+)$/.exec(rest);
  if (q) {
    ref = decodeURIComponent(q[1]);
    rest = rest.slice(0, q.index);
  }
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.exec(rest)?.[0] ?? '';
  const body = rest.slice(scheme.length);
  const split =
    scheme === 'file://' ? body.indexOf('//', 1) : body.indexOf('//');
  if (split > 0) {
    return {
      cloneUrl: scheme + body.slice(0, split),
      ref,
      subdir: cleanSubdir(body.slice(split + 2)),
    };
  }
  const web =
    /^(https?:\/\/[^/]+\/.+?)(?:\/-)?\/(?:tree|src)\/([^/]+)(?:\/(.*))?$/.exec(
      rest,
    );
  if (web && !rest.endsWith('.git')) {
    return {
      cloneUrl: web[1],
      ref: ref ?? decodeURIComponent(web[2]),
      subdir: cleanSubdir(web[3] ?? ''),
    };
  }
  return { cloneUrl: rest, ref, subdir: '' };
}

function cleanSubdir(subdir: string): string {
  const parts = decodeURIComponent(subdir)
    .split('/')
    .filter(p => p && p !== '.');
  if (parts.includes('..'))
    throw new InputError(`the template subdirectory "${subdir}" contains ".."`);
  return parts.join('/');
}

/** The URL with any password or token replaced, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s]+@/, '$1***@');
}
