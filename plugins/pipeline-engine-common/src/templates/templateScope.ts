import { IDENTIFIER_PATTERN } from '../validation/rules';

/**
 * Where a template lives: the account, an organization, or a project.
 * Written as `account`, `<org>` or `<org>.<project>` in URLs and keys.
 *
 * @public
 */
export interface TemplateScope {
  orgIdentifier?: string;
  projectIdentifier?: string;
}

/** One template, independent of its versions. @public */
export interface TemplateKey extends TemplateScope {
  identifier: string;
}

/**
 * The scope as a URL segment: `account`, `<org>` or `<org>.<project>`.
 *
 * @public
 */
export function formatTemplateScope(scope: TemplateScope): string {
  if (!scope.orgIdentifier) return 'account';
  return scope.projectIdentifier
    ? `${scope.orgIdentifier}.${scope.projectIdentifier}`
    : scope.orgIdentifier;
}

/**
 * Parses `account`, `<org>` or `<org>.<project>`; undefined when it is none
 * of them.
 *
 * @public
 */
export function parseTemplateScope(text: string): TemplateScope | undefined {
  if (text === 'account') return {};
  const parts = text.split('.');
  if (parts.length > 2 || !parts.every(p => IDENTIFIER_PATTERN.test(p)))
    return undefined;
  return parts.length === 1
    ? { orgIdentifier: parts[0] }
    : { orgIdentifier: parts[0], projectIdentifier: parts[1] };
}

/** `<scope>/<identifier>`, how messages and records name a template. @public */
export function describeTemplateKey(key: TemplateKey): string {
  return `${formatTemplateScope(key)}/${key.identifier}`;
}

/** The level a reference's prefix asks for: account, org or project. */
function wantedLevel(prefix: string | undefined): 0 | 1 | 2 {
  if (prefix === 'account') return 0;
  return prefix === 'org' ? 1 : 2;
}

/** The level of a scope, from widest to narrowest. */
function level(scope: TemplateScope): 0 | 1 | 2 {
  if (!scope.orgIdentifier) return 0;
  return scope.projectIdentifier ? 2 : 1;
}

/**
 * Reads a `templateRef` (`account.x`, `org.x`, or `x` for the project) as
 * seen from `from`, the scope of the pipeline or template that holds it.
 * Harness lets a reference reach its own scope and wider ones only: a
 * project template may use account, org and project templates; an account
 * template only account templates.
 */
export function resolveTemplateRef(
  ref: string,
  from: TemplateScope,
):
  | { ok: true; key: TemplateKey }
  | { ok: false; message: string; hint: string } {
  const dot = ref.indexOf('.');
  const prefix = dot > 0 ? ref.slice(0, dot) : undefined;
  const identifier =
    prefix === 'account' || prefix === 'org' ? ref.slice(dot + 1) : ref;
  if (!IDENTIFIER_PATTERN.test(identifier)) {
    return {
      ok: false,
      message: `templateRef "${ref}" is not a template reference`,
      hint: 'write account.<identifier>, org.<identifier>, or <identifier> for a template of the project',
    };
  }
  const wanted = wantedLevel(prefix);
  if (wanted > level(from)) {
    const where = level(from) === 0 ? 'an account template' : 'an org template';
    return {
      ok: false,
      message: `templateRef "${ref}" points at ${wanted === 1 ? 'an org' : 'a project'} template, but ${where} can only use templates of its own scope or wider`,
      hint:
        level(from) === 0
          ? 'use account.<identifier>'
          : 'use account.<identifier> or org.<identifier>',
    };
  }
  if (wanted === 0) return { ok: true, key: { identifier } };
  if (wanted === 1)
    return { ok: true, key: { orgIdentifier: from.orgIdentifier, identifier } };
  return {
    ok: true,
    key: {
      orgIdentifier: from.orgIdentifier,
      projectIdentifier: from.projectIdentifier,
      identifier,
    },
  };
}
