import { BlockList, isIP } from 'node:net';

/*
 * Addresses no pipeline may reach, whatever the allow list says: link-local
 * ranges, where cloud metadata services answer (169.254.169.254 on AWS,
 * GCP and Azure; fd00:ec2::254 on AWS over IPv6). IPv4-mapped IPv6 forms
 * (::ffff:169.254.169.254) match the IPv4 rules.
 */
const BLOCKED = new BlockList();
BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4');
BLOCKED.addSubnet('fe80::', 10, 'ipv6');
BLOCKED.addAddress('fd00:ec2::254', 'ipv6');

/** True for a link-local or cloud metadata address (IPv4, IPv6 or IPv4-mapped IPv6). */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (BLOCKED.check(bare, 'ipv6')) return true;
  // BlockList matches the dotted mapped form; the hex form (::ffff:a9fe:a9fe) is checked here.
  const mapped =
    /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (mapped) {
    const high = parseInt(mapped[1], 16);
    const low = parseInt(mapped[2], 16);
    return BLOCKED.check(
      `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`,
      'ipv4',
    );
  }
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return dotted ? BLOCKED.check(dotted[1], 'ipv4') : false;
}
