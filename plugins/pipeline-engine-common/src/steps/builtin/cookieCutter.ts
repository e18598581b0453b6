import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import { booleanValue } from '../fields';

const text = z.union([z.string(), z.number()]).transform(String);
const variableValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform(v => (v === null ? '' : String(v)));
const variableMap = z.record(z.string(), variableValue);

/** Resolved spec of {@link cookieCutterStepDefinition}. @public */
export interface CookieCutterStepSpec {
  templateType: 'public' | 'private';
  publicTemplateUrl?: string;
  pathForTemplate?: string;
  outputDirectory?: string;
  verbose?: boolean;
  overwriteIfExists?: boolean;
  cookieCutterVariables?: Record<string, string>;
}

/** `CookieCutter`: renders a cookiecutter template into the workspace. @public */
export const cookieCutterStepDefinition: StepDefinition<CookieCutterStepSpec> =
  defineStep({
    type: 'CookieCutter',
    description: 'renders a cookiecutter template into the workspace',
    // Safe to re-run: the project is rendered aside and moved into place in one
    // rename, and a project directory already holding exactly the rendered
    // files is accepted, so a re-run after a restart ends as a single run would.
    idempotent: true,
    spec: z
      .object({
        templateType: z.enum(['public', 'private']),
        publicTemplateUrl: text.optional(),
        pathForTemplate: text.optional(),
        outputDirectory: text.optional(),
        verbose: booleanValue.optional(),
        overwriteIfExists: booleanValue.optional(),
        // An expression may resolve to a JSON object as text.
        cookieCutterVariables: z
          .union([
            variableMap,
            z.string().transform((s, ctx) => {
              try {
                return variableMap.parse(JSON.parse(s));
              } catch {
                ctx.addIssue({
                  code: z.ZodIssueCode.custom,
                  message:
                    'must be a map of variable names to values (or a JSON object)',
                });
                return z.NEVER;
              }
            }),
          ])
          .optional(),
      })
      .superRefine((s, ctx) => {
        if (s.templateType === 'public' && !s.publicTemplateUrl) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['publicTemplateUrl'],
            message:
              'templateType "public" needs publicTemplateUrl (a git repository URL)',
          });
        }
        if (s.templateType === 'private' && !s.pathForTemplate) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['pathForTemplate'],
            message:
              'templateType "private" needs pathForTemplate (a directory of the workspace, such as a GitClone step\'s cloneDirectory)',
          });
        }
      }),
    outputs: () => [],
  });
