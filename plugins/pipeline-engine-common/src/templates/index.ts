export {
  parseTemplateDocument,
  TEMPLATE_TYPES,
  VERSION_LABEL_PATTERN,
} from './templateDocument';
export type {
  ParseTemplateResult,
  TemplateDocument,
  TemplateType,
} from './templateDocument';
export {
  describeTemplateKey,
  formatTemplateScope,
  parseTemplateScope,
} from './templateScope';
export type { TemplateKey, TemplateScope } from './templateScope';
export { expandTemplates, hasTemplateReferences } from './expandTemplates';
export type {
  ExpandTemplatesOptions,
  ExpandTemplatesResult,
  MaybePromise,
  TemplateSource,
  TemplateUse,
  TemplateVersionList,
  TemplateVersionText,
} from './expandTemplates';
export { createDocumentTemplateSource } from './documentTemplateSource';
export type {
  DocumentTemplateSourceResult,
  TemplateDocumentInput,
} from './documentTemplateSource';
