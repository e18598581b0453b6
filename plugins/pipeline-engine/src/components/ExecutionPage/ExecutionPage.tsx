import { Content, Page } from '@backstage/core-components';

/** @public */
export function ExecutionPage() {
  return (
    <Page themeId="tool">
      <Content>ExecutionPage</Content>
    </Page>
  );
}
