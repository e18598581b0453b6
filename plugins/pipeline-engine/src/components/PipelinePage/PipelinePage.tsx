import { Content, Page } from '@backstage/core-components';

/** @public */
export function PipelinePage() {
  return (
    <Page themeId="tool">
      <Content>PipelinePage</Content>
    </Page>
  );
}
