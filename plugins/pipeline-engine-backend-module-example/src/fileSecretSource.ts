import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';

/** A secret id is one file name: no separators, no `..`, no hidden files. */
const SECRET_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * A secret source reading one file per secret from a directory, as
 * Kubernetes mounts a Secret (`<directory>/<id>`); a trailing newline is
 * dropped. An id that is not a plain file name is refused, so a pipeline
 * cannot read other files through it.
 *
 * @public
 */
export function createFileSecretSource(options: {
  directory: string;
}): PipelineSecretSource {
  return {
    name: `files in ${options.directory}`,
    async getSecret(id) {
      if (!SECRET_ID.test(id)) {
        throw new InputError(
          `secret id "${id}" is not a file name (letters, digits, _ . -)`,
        );
      }
      try {
        return (await readFile(join(options.directory, id), 'utf8')).replace(
          /\r?\n$/,
          '',
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return undefined;
        throw error;
      }
    },
  };
}
