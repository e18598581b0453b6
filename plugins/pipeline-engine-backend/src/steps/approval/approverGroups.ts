/** Harness's group that means "any signed-in user". */
export const ALL_USERS_GROUP = '_account_all_users';

/**
 * A Harness user group reference as a catalog Group entity ref:
 * `account.x`, `org.x` and `x` become `group:default/x`; a full entity ref
 * (`group:ns/x`) is kept; `_account_all_users` stays as it is (any
 * signed-in user).
 */
export function approverGroupRef(group: string): string {
  const bare = group.trim().replace(/^(account|org)\./, '');
  if (bare === ALL_USERS_GROUP) return ALL_USERS_GROUP;
  if (bare.includes(':')) return bare.toLocaleLowerCase('en-US');
  return `group:default/${bare.toLocaleLowerCase('en-US')}`;
}

/** Whether a user in `memberOf` groups belongs to one of `groups`. */
export function isApprover(
  memberOf: readonly string[],
  groups: readonly string[],
): boolean {
  if (groups.includes(ALL_USERS_GROUP)) return true;
  const mine = new Set(memberOf.map(ref => ref.toLocaleLowerCase('en-US')));
  return groups.some(group => mine.has(group));
}
