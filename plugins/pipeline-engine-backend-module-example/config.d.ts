export interface Config {
  pipelineEngine?: {
    fileSecrets?: {
      /** Directory with one file per secret (file name = secret id), e.g. a mounted Kubernetes Secret. */
      directory?: string;
    };
  };
}
