import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  parsePipelineResourceRef,
  pipelineCreatePermission,
  pipelineEnginePermissions,
  SECRET_RESOURCE_TYPE,
  secretUsePermission,
  stringifyPipelineResourceRef,
} from './permissions';

describe('pipeline engine permissions', () => {
  it('follows Backstage naming and typing conventions', () => {
    expect(pipelineEnginePermissions.map(p => p.name)).toEqual([
      'pipeline-engine.pipeline.read',
      'pipeline-engine.pipeline.create',
      'pipeline-engine.pipeline.update',
      'pipeline-engine.pipeline.delete',
      'pipeline-engine.pipeline.execute',
      'pipeline-engine.execution.abort',
      'pipeline-engine.execution-config.update',
      'pipeline-engine.secret.use',
      'pipeline-engine.execution-config.read',
      'pipeline-engine.template.read',
      'pipeline-engine.template.create',
      'pipeline-engine.template.update',
      'pipeline-engine.template.delete',
      'pipeline-engine.approval.respond',
    ]);
    const basic = pipelineEnginePermissions.filter(
      p => !isResourcePermission(p),
    );
    expect(basic.map(p => p.name)).toEqual([
      'pipeline-engine.pipeline.create',
      'pipeline-engine.execution-config.update',
      'pipeline-engine.execution-config.read',
      'pipeline-engine.template.read',
      'pipeline-engine.template.create',
      'pipeline-engine.template.update',
      'pipeline-engine.template.delete',
    ]);
    expect(pipelineCreatePermission).toEqual({
      type: 'basic',
      name: 'pipeline-engine.pipeline.create',
      attributes: { action: 'create' },
    });
  });

  it('declares pipeline-engine.secret.use on secrets', () => {
    expect(secretUsePermission).toEqual({
      type: 'resource',
      name: 'pipeline-engine.secret.use',
      attributes: { action: 'read' },
      resourceType: SECRET_RESOURCE_TYPE,
    });
  });

  it('round-trips org:project:pipeline resource refs', () => {
    const ref = {
      orgIdentifier: 'default',
      projectIdentifier: 'web',
      pipelineIdentifier: 'build',
    };
    expect(stringifyPipelineResourceRef(ref)).toBe('default:web:build');
    expect(parsePipelineResourceRef('default:web:build')).toEqual(ref);
    expect(parsePipelineResourceRef('default:web')).toBeUndefined();
    expect(parsePipelineResourceRef('a:b:c:d')).toBeUndefined();
    expect(parsePipelineResourceRef('a::c')).toBeUndefined();
  });
});
