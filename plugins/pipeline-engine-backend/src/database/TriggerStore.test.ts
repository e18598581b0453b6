import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createTestDatabases,
  initStores,
  PIPELINE,
  PIPELINE_YAML,
} from './__testUtils__/testDatabases';
import { hashWebhookToken } from './webhookTokens';

const databases = createTestDatabases();

const CLEAR_TOKEN = 'clear-webhook-token-0123456789abcdef';

async function setup(databaseId: TestDatabaseId) {
  const ctx = await initStores(databases, databaseId);
  await ctx.stores.pipelines.create({
    orgIdentifier: PIPELINE.orgIdentifier,
    projectIdentifier: PIPELINE.projectIdentifier,
    identifier: PIPELINE.pipelineIdentifier,
    name: 'Create service',
    yaml: PIPELINE_YAML,
  });
  return ctx;
}

describe('TriggerStore', () => {
  it.each(databases.eachSupportedId())(
    'creates, reads, lists, updates and deletes triggers on %p',
    async databaseId => {
      const { stores } = await setup(databaseId);
      const created = await stores.triggers.create({
        ...PIPELINE,
        identifier: 'on_push',
        name: 'On push',
        type: 'Webhook',
        inputSetRefs: ['defaults', 'prod'],
        yaml: 'trigger: {}\n',
        webhookToken: CLEAR_TOKEN,
      });
      expect(created).toMatchObject({
        identifier: 'on_push',
        type: 'Webhook',
        enabled: true,
        inputSetRefs: ['defaults', 'prod'],
        hasWebhookToken: true,
        version: 1,
      });
      expect(JSON.stringify(created)).not.toContain(CLEAR_TOKEN);
      await expect(stores.triggers.get(PIPELINE, 'on_push')).resolves.toEqual(
        created,
      );

      await stores.triggers.create({
        ...PIPELINE,
        identifier: 'custom',
        name: 'Custom',
        type: 'Custom',
        enabled: false,
      });
      const page = await stores.triggers.list(PIPELINE);
      expect(page.items.map(t => [t.identifier, t.enabled])).toEqual([
        ['custom', false],
        ['on_push', true],
      ]);

      const disabled = await stores.triggers.setEnabled(
        PIPELINE,
        'on_push',
        false,
      );
      expect(disabled).toMatchObject({ enabled: false, version: 2 });
      const updated = await stores.triggers.update(
        PIPELINE,
        'on_push',
        { inputSetRefs: [], yaml: null, description: 'push to main' },
        { expectedVersion: 2 },
      );
      expect(updated).toMatchObject({
        inputSetRefs: [],
        description: 'push to main',
        version: 3,
        hasWebhookToken: true,
      });
      expect(updated.yaml).toBeUndefined();
      await expect(
        stores.triggers.update(
          PIPELINE,
          'on_push',
          { name: 'x' },
          {
            expectedVersion: 2,
          },
        ),
      ).rejects.toThrow(ConflictError);

      await stores.triggers.delete(PIPELINE, 'on_push');
      await expect(stores.triggers.get(PIPELINE, 'on_push')).rejects.toThrow(
        NotFoundError,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'stores only the hash of webhook tokens on %p',
    async databaseId => {
      const { stores, knex } = await setup(databaseId);
      await stores.triggers.create({
        ...PIPELINE,
        identifier: 'on_push',
        name: 'On push',
        type: 'Webhook',
        webhookToken: CLEAR_TOKEN,
      });
      const rows = await knex('triggers').select();
      expect(JSON.stringify(rows)).not.toContain(CLEAR_TOKEN);
      expect(rows[0].webhook_token_hash).toBe(hashWebhookToken(CLEAR_TOKEN));

      await expect(
        stores.triggers.findByWebhookToken(CLEAR_TOKEN),
      ).resolves.toMatchObject({ identifier: 'on_push' });
      await expect(
        stores.triggers.findByWebhookToken(`${CLEAR_TOKEN}x`),
      ).resolves.toBeUndefined();
      await expect(
        stores.triggers.findByWebhookToken('short'),
      ).resolves.toBeUndefined();

      const { trigger, webhookToken } =
        await stores.triggers.rotateWebhookToken(PIPELINE, 'on_push');
      expect(trigger.version).toBe(2);
      expect(webhookToken).toMatch(/^[\w-]{43}$/);
      const after = await knex('triggers').select();
      expect(JSON.stringify(after)).not.toContain(webhookToken);
      await expect(
        stores.triggers.findByWebhookToken(CLEAR_TOKEN),
      ).resolves.toBeUndefined();
      await expect(
        stores.triggers.findByWebhookToken(webhookToken),
      ).resolves.toMatchObject({ identifier: 'on_push' });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects duplicates, reused tokens, missing pipelines and bad input on %p',
    async databaseId => {
      const { stores } = await setup(databaseId);
      const input = {
        ...PIPELINE,
        identifier: 'on_push',
        name: 'On push',
        type: 'Webhook' as const,
        webhookToken: CLEAR_TOKEN,
      };
      await stores.triggers.create(input);
      await expect(stores.triggers.create(input)).rejects.toThrow(
        /already exists/,
      );
      await expect(
        stores.triggers.create({ ...input, identifier: 'other' }),
      ).rejects.toThrow(/webhook token is already used/);
      await expect(
        stores.triggers.create({ ...input, pipelineIdentifier: 'missing' }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.triggers.create({
          ...input,
          identifier: 'x',
          type: 'Cron' as unknown as 'Webhook',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.triggers.create({
          ...input,
          identifier: 'x',
          webhookToken: 'abc',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.triggers.create({
          ...input,
          identifier: 'x',
          webhookToken: undefined,
          inputSetRefs: ['not valid'],
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.triggers.rotateWebhookToken(PIPELINE, 'missing'),
      ).rejects.toThrow(NotFoundError);
    },
  );
});
