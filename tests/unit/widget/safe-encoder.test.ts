import { afterEach, describe, expect, it } from 'vitest';
import { Encoder, PacketType } from 'socket.io-parser';
import { safeParser } from '../../../src/widget/safe-encoder';

const proto = Array.prototype as { toJSON?: () => string };
afterEach(() => {
  delete proto.toJSON;
});

const packet = {
  type: PacketType.EVENT,
  nsp: '/visitor',
  id: 1,
  data: ['message:send', { clientId: 'abc', text: 'hi' }],
};

describe('the packet encoder', () => {
  it('breaks on a page with Array.prototype.toJSON — the reason the widget has its own', () => {
    proto.toJSON = () => 'polluted';
    expect(new Encoder().encode(packet)).toEqual(['2/visitor,1"polluted"']);
  });

  it('encodes as if the page were clean, and gives the page its function back', () => {
    const own = () => 'polluted';
    proto.toJSON = own;
    expect(new safeParser.Encoder().encode(packet)).toEqual([
      '2/visitor,1["message:send",{"clientId":"abc","text":"hi"}]',
    ]);
    expect(proto.toJSON).toBe(own);
  });

  it('changes nothing on a clean page', () => {
    expect(new safeParser.Encoder().encode(packet)).toEqual(new Encoder().encode(packet));
    expect('toJSON' in Array.prototype).toBe(false);
  });
});
