import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples shown in the scaffolder's action reference. */
export const customPipelineExamples: TemplateExample[] = [
  {
    description:
      'Run a pipeline of the pipeline engine as the user, passing runtime inputs by short name',
    example: `steps:
  - id: trigger
    name: Set up the repository
    action: trigger:harness-custom-pipeline
    input:
      url: http://localhost:7007/api/pipeline-engine/pipelines/default/projctidp/SelfServiceflowreposetup
      inputset:
        project_name: \${{ parameters.project_name }}
        repository_default_branch: main
`,
  },
  {
    description:
      'Export output variables by short and fully-qualified name and show them when the task ends',
    example: `steps:
  - id: trigger
    name: Run the pipeline
    action: trigger:harness-custom-pipeline
    input:
      url: "https://app.harness.io/ng/account/ACCOUNT/module/idp/orgs/default/projects/communityeng/pipelines/IDP_New_NextJS_app/pipeline-studio/?storeType=INLINE"
      inputset:
        project_name: \${{ parameters.project_name }}
        pipeline.stages.testci.variables.region: eu
      showOutputVariables: true
output:
  text:
    - title: Output Variable
      content: |
        test2 is \`\${{ steps.trigger.output.test2 }}\`
    - title: By fully-qualified name
      content: |
        test1 is \`\${{ steps.trigger.output['pipeline.stages.testci.spec.execution.steps.Run_1.output.outputVariables.test1'] }}\`
`,
  },
  {
    description:
      'Run a pipeline on Harness SaaS (its host listed in harness.baseUrls) with a configured API key, keeping URLs out of the log',
    example: `steps:
  - id: trigger
    name: Run on Harness
    action: trigger:harness-custom-pipeline
    input:
      url: "https://app.harness.io/ng/account/ACCOUNT/module/idp/orgs/default/projects/p/pipelines/onboard?repoName=pipelines&branch=main"
      inputset:
        project_name: \${{ parameters.project_name }}
      apiKeySecret: idp_api_key
      hidePipelineURLLog: true
`,
  },
  {
    description:
      'Run a Harness pipeline pasted from the IDP admin UI (bare idp-admin segment), failing after an overall timeout',
    example: `steps:
  - id: trigger
    name: Onboard
    action: trigger:harness-custom-pipeline
    input:
      url: "https://app.harness.io/ng/account/ACCOUNT/idp-admin/orgs/default/projects/p/pipelines/onboard/pipeline-studio/?storeType=INLINE"
      inputset:
        project_name: \${{ parameters.project_name }}
      apiKeySecret: account.idp_api_key
      timeout: 30m
`,
  },
];

/** Examples of `trigger:trigger-pipeline-with-webhook`. */
export const webhookExamples: TemplateExample[] = [
  {
    description:
      'Fire a custom webhook trigger with a stored input set, authenticating with the trigger’s webhook token',
    example: `steps:
  - id: trigger
    name: Deploy
    action: trigger:trigger-pipeline-with-webhook
    input:
      url: http://localhost:7007/api/pipeline-engine/pipelines/default/web/deploy
      inputSetName: \${{ parameters.environment }}
      triggerName: deploy_webhook
      apikey: \${{ secrets.webhookToken }}
`,
  },
  {
    description:
      'Fire a custom webhook trigger on Harness SaaS (host in harness.baseUrls), wait for the run it starts and export its outputs',
    example: `steps:
  - id: trigger
    name: Deploy on Harness
    action: trigger:trigger-pipeline-with-webhook
    input:
      url: "https://app.harness.io/ng/account/ACCOUNT/cd/orgs/default/projects/web/pipelines/deploy/pipeline-studio/"
      inputSetName: \${{ parameters.environment }}
      triggerName: deploy_webhook
      apiKeySecret: deploy_api_key
      showOutputVariables: true
`,
  },
];
