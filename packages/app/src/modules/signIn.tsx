import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Guest sign-in through the auth backend's guest provider
 * (`auth.providers.guest` in app-config.yaml; development only).
 */
const guestSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => (
      <SignInPage {...props} auto={false} providers={['guest']} />
    ),
  },
});

/** App module that replaces the default sign-in page with guest sign-in. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [guestSignInPage],
});
