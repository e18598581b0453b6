export { NetworkPolicy } from './networkPolicy';
export type {
  AddressLookup,
  CheckedTarget,
  NetworkPolicyOptions,
  OutboundSource,
} from './networkPolicy';
export { defaultAllowedHosts, readNetworkPolicy } from './config';
export { isBlockedAddress } from './blockedAddresses';
export { checkGitRemote } from './gitRemote';
export type { GitRemoteGuard } from './gitRemote';
