import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';

/** A Harness secret reference: `x`, `account.x` or `org.x`. */
const SECRET_REFERENCE = /^((account|org)\.)?[a-zA-Z_][0-9a-zA-Z_]{0,127}$/;

/**
 * Resolves a field Harness fills with a secret id (SlackNotify `token`,
 * `xApiKey`). A value that cannot be a secret id is the secret itself, as
 * when the pipeline wrote `<+secrets.getValue("x")>`; it is masked too.
 */
export async function secretOrLiteral(
  ctx: Pick<StepContext<unknown>, 'secrets'>,
  value: string,
): Promise<string> {
  if (SECRET_REFERENCE.test(value)) return ctx.secrets.get(value);
  ctx.secrets.mask(value);
  return value;
}
