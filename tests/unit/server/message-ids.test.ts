// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../../../src/protocol/limits';
import { newServerId } from '../../../server/src/ids';
import { timeOrderedMessageId } from '../../../server/src/store/message-ids';

describe('time-ordered message ids', () => {
  it('are ids of the usual format whose byte order is the order of the times they were made at', () => {
    const times = [0, 1, 63, 64, 4095, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 2 ** 48 - 1];
    const ids = times.map((at) => timeOrderedMessageId(at, newServerId()));
    for (const id of ids) {
      expect(id).toMatch(ID_PATTERN);
      expect(id).toHaveLength(22);
    }
    // Sorted by bytes (SQLite's order for TEXT), not by locale.
    const byBytes = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(byBytes).toEqual(ids);
  });

  it('keep the random part, so ids made in the same millisecond differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedMessageId(1_700_000_000_000, newServerId())));
    expect(ids.size).toBe(1000);
  });
});
