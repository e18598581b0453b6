/*
 * A snapshot modelled on the seed self-service-flow pipeline, shared by the
 * expression tests.
 */
import type { ExpressionScope, ExpressionSnapshot } from './context';
import { createExpressionContext } from './context';

/** Snapshot of an execution of the seed pipeline, mid-way through the IDP stage. */
export const SEED_SNAPSHOT: ExpressionSnapshot = {
  accountIdentifier: 'acct123',
  pipeline: {
    name: 'Self-Service-flow-repo-setup',
    identifier: 'SelfServiceflowreposetup',
    executionId: 'exec-9f2',
    sequenceId: 42,
    startTs: 1700000000000,
    orgIdentifier: 'default',
    projectIdentifier: 'projctidp',
    triggeredBy: { name: 'Jane Doe', email: 'jane@example.com' },
    triggerType: 'MANUAL',
    variables: {
      project_name: 'my-service',
      organization: 'acme',
      repositoty_description: 'A service',
      email_id: 'jane@example.com',
      notify: 'true',
      count: '5',
      num: 3,
      ratio: 2.5,
      flag: true,
      nothing: null,
      list: ['a', 'b'],
      map: { k: 'v' },
      mixed: '  Hello World  ',
      csv: 'a,b,,c,,',
      version: '1.2.3',
      slack_token: 'account.slack_bot_token',
      tricky: 'x" + pipeline.name + "<+pipeline.name>',
      key_name: 'project_name',
      evil_key: 'constructor',
      stage_name: 'testci',
    },
    stages: {
      serviceonboarding: {
        name: 'service-onboarding',
        identifier: 'serviceonboarding',
        type: 'IDP',
        status: 'Running',
        variables: { stage_var: 'sv', db_password: 'org.db_password' },
        spec: {
          execution: {
            steps: {
              createrepo: {
                name: 'CreateRepo',
                identifier: 'createrepo',
                type: 'CreateRepo',
                status: 'Success',
                output: {
                  outputVariables: {
                    repositoryUrl: 'https://github.com/acme/my-service',
                  },
                },
              },
              registercatalog: {
                name: 'registercatalog',
                identifier: 'registercatalog',
                type: 'RegisterCatalog',
                status: 'Success',
                output: {
                  outputVariables: {
                    catalogInfoUrl:
                      'https://github.com/acme/my-service/blob/main/catalog-info.yaml',
                  },
                },
              },
              createcatalog: {
                name: 'createcatalog',
                identifier: 'createcatalog',
                type: 'CreateCatalog',
                status: 'Success',
                output: {
                  outputVariables: {
                    registeredCatalogUrl:
                      'https://app.harness.io/ng/catalog/my-service',
                  },
                },
              },
              slacknotify: {
                name: 'slacknotify',
                identifier: 'slacknotify',
                type: 'SlackNotify',
                status: 'Running',
                retryCount: 1,
              },
              group1: {
                name: 'Group 1',
                identifier: 'group1',
                status: 'Running',
                variables: { gv: 'group-var' },
                steps: {
                  build: {
                    name: 'Build',
                    identifier: 'build',
                    status: 'Success',
                    output: { outputVariables: { artifact: 'app-1.0.tgz' } },
                  },
                  createrepo: {
                    name: 'CreateRepo in group',
                    identifier: 'createrepo',
                    status: 'Success',
                    output: {
                      outputVariables: {
                        repositoryUrl: 'https://group.example/repo',
                      },
                    },
                  },
                  group2: {
                    name: 'Group 2',
                    identifier: 'group2',
                    status: 'Running',
                    steps: {
                      deploy: {
                        name: 'Deploy',
                        identifier: 'deploy',
                        status: 'Running',
                        output: { outputVariables: { target: 'prod' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      testci: {
        name: 'test ci',
        identifier: 'testci',
        type: 'CI',
        status: 'Success',
        variables: { ci_var: 'from-ci' },
        spec: {
          execution: {
            steps: {
              Run_1: {
                name: 'Run 1',
                identifier: 'Run_1',
                status: 'Success',
                output: { outputVariables: { test2: 'passed' } },
              },
            },
          },
        },
      },
    },
  },
  secrets: {
    'account.slack_bot_token': 'xoxb-secret-token',
    'org.db_password': 'hunter2',
    plain_secret: 's3cr3t',
  },
  secretVariables: {
    pipeline: ['slack_token'],
    stages: { serviceonboarding: ['db_password'] },
  },
  trigger: { type: 'Webhook', payload: { ref: 'refs/heads/main' } },
};

/** Context at a position in the seed execution (default: the slacknotify step). */
export function seedContext(
  scope: ExpressionScope = {
    stageId: 'serviceonboarding',
    stepId: 'slacknotify',
  },
) {
  return createExpressionContext(SEED_SNAPSHOT, scope);
}
