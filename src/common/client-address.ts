/** What a client address is read from: the peer, and the proxy's header when one is trusted. */
export interface AddressedRequest {
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}

/** With `trustProxy`, the address the proxy in front saw (the last one it appended to X-Forwarded-For); else the peer's. */
export function clientAddress(req: AddressedRequest, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')
        .pop()
        ?.trim()
    : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}
