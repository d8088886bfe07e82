/**
 * A coarse region from the visitor's time zone, derived offline: "Europe/Moscow" →
 * "Moscow, Europe". No IP lookups leave the server.
 */
export function regionFromTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone?.includes('/')) return undefined;
  const [area, ...rest] = timeZone.split('/');
  const place = rest.at(-1)!.replace(/_/g, ' ');
  return `${place}, ${area}`;
}

/** The client address without the IPv4-mapped IPv6 prefix. */
export function cleanIp(address: string | undefined): string | undefined {
  return address ? address.replace(/^::ffff:/, '') : undefined;
}
