import { Content, Page } from '@backstage/core-components';

/** @public */
export function PipelineListPage() {
  return (
    <Page themeId="tool">
      <Content>PipelineListPage</Content>
    </Page>
  );
}
