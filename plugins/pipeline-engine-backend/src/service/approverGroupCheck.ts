import {
  formatYamlPath,
  parseYaml,
  type Problem,
  type YamlPath,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  ALL_USERS_GROUP,
  approverGroupRef,
} from '../steps/approval/approverGroups';

/**
 * Whether a catalog Group entity exists; rejects when the catalog cannot
 * be asked.
 */
export type GroupLookup = (groupRef: string) => Promise<boolean>;

/** Checks a pipeline's approver groups; returns its warnings. */
export type ApproverGroupCheck = (
  yaml: string,
  document: YamlValue | undefined,
) => Promise<Problem[]>;

interface ApproverGroupUse {
  path: YamlPath;
  group: string;
}

const LOOKUP_TIMEOUT_MS = 5000;

function isMap(value: unknown): value is Record<string, YamlValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every literal `approvers.userGroups` entry of the HarnessApproval steps in a document. */
export function findApproverGroups(
  value: YamlValue | undefined,
  path: YamlPath = [],
  out: ApproverGroupUse[] = [],
): ApproverGroupUse[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) =>
      findApproverGroups(item, [...path, index], out),
    );
    return out;
  }
  if (!isMap(value)) return out;
  if (value.type === 'HarnessApproval' && isMap(value.spec)) {
    const approvers = value.spec.approvers;
    const groups = isMap(approvers) ? approvers.userGroups : undefined;
    if (Array.isArray(groups)) {
      groups.forEach((group, index) => {
        // Expressions are only known when the step runs.
        if (typeof group === 'string' && !group.includes('<+')) {
          out.push({
            path: [...path, 'spec', 'approvers', 'userGroups', index],
            group,
          });
        }
      });
    }
  }
  for (const [key, child] of Object.entries(value))
    findApproverGroups(child, [...path, key], out);
  return out;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Unknown approver groups are warnings, not errors: the pipeline may be
 * saved before its groups are in the catalog. A group whose catalog lookup
 * fails (catalog unreachable) gives no warning, so a catalog outage never
 * blocks saving a pipeline.
 */
export function createApproverGroupCheck(
  groupExists: GroupLookup,
): ApproverGroupCheck {
  return async (yaml, document) => {
    const uses = findApproverGroups(document).filter(
      use => approverGroupRef(use.group) !== ALL_USERS_GROUP,
    );
    if (uses.length === 0) return [];
    const refs = [...new Set(uses.map(use => approverGroupRef(use.group)))];
    let known: Map<string, boolean>;
    try {
      const found = await withTimeout(
        Promise.all(refs.map(ref => groupExists(ref))),
        LOOKUP_TIMEOUT_MS,
      );
      known = new Map(refs.map((ref, index) => [ref, found[index]]));
    } catch {
      return [];
    }
    const parsed = parseYaml(yaml);
    return uses
      .filter(use => !known.get(approverGroupRef(use.group)))
      .map(use => {
        const ref = approverGroupRef(use.group);
        const position = parsed.locate(use.path);
        return {
          severity: 'warning',
          code: 'approver-group-unknown',
          path: formatYamlPath(use.path),
          message: `approver group '${use.group}' (${ref}) is not in the catalog, so nobody can approve as a member of it`,
          hint: `create the Group entity ${ref} in the catalog, fix the name, or use _account_all_users for any signed-in user`,
          ...(position ? { line: position.line, column: position.column } : {}),
        };
      });
  };
}
