/**
 * socket.io's packet encoder, hardened against pages that define Array.prototype.toJSON
 * (Prototype.js and others): with it, JSON.stringify turns arrays into strings and every
 * packet breaks. The page's function is set aside only while a packet is encoded, which
 * is synchronous, so no code of the page can observe the difference.
 */
import { Decoder, Encoder } from 'socket.io-parser';

class SafeEncoder extends Encoder {
  override encode(packet: Parameters<Encoder['encode']>[0]) {
    const proto = Array.prototype as { toJSON?: unknown };
    const own = proto.toJSON;
    if (own === undefined) return super.encode(packet);
    try {
      delete proto.toJSON;
    } catch {
      return super.encode(packet); // not configurable: nothing we may do
    }
    try {
      return super.encode(packet);
    } finally {
      proto.toJSON = own;
    }
  }
}

export const safeParser = { Encoder: SafeEncoder, Decoder };
