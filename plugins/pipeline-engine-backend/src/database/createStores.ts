import { DatabaseService } from '@backstage/backend-plugin-api';
import { ExecutionConfigStore } from './ExecutionConfigStore';
import { ExecutionStore } from './ExecutionStore';
import { InputSetStore } from './InputSetStore';
import { LogStore } from './LogStore';
import { connectDatabase } from './migrations';
import {
  notificationChannelOf,
  type NotificationChannel,
} from './notificationChannel';
import { PipelineStore } from './PipelineStore';
import { SecretCipher } from './secretCipher';
import { StepProcessStore } from './StepProcessStore';
import { TemplateStore } from './TemplateStore';
import { TriggerStore } from './TriggerStore';

/** All stores of the pipeline engine, sharing one database client. */
export interface PipelineEngineStores {
  pipelines: PipelineStore;
  inputSets: InputSetStore;
  triggers: TriggerStore;
  executions: ExecutionStore;
  logs: LogStore;
  executionConfig: ExecutionConfigStore;
  /** Step process groups and containers alive on replicas. */
  stepProcesses: StepProcessStore;
  /** Versions of Harness templates. */
  templates: TemplateStore;
  /** How replicas on this database notify each other (LISTEN/NOTIFY or in-process). */
  notifications?: NotificationChannel;
}

/**
 * Connects to the plugin database, migrates it once (unless
 * `database.migrations.skip`) and creates every store.
 */
export async function createPipelineEngineStores(options: {
  database: DatabaseService;
  /** Encrypts secret node outputs; without it only markers are stored. */
  secretCipher?: SecretCipher;
}): Promise<PipelineEngineStores> {
  const db = await connectDatabase(options.database);
  return {
    pipelines: new PipelineStore(db),
    inputSets: new InputSetStore(db),
    triggers: new TriggerStore(db),
    executions: new ExecutionStore(db, { secretCipher: options.secretCipher }),
    logs: new LogStore(db),
    executionConfig: new ExecutionConfigStore(db),
    stepProcesses: new StepProcessStore(db),
    templates: new TemplateStore(db),
    notifications: notificationChannelOf(db),
  };
}
