// The event-stream reader: fields, comments, CRLF and CR line ends, events split across chunks anywhere.
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../source/client/sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((c) => new TextEncoder().encode(c));
  return new ReadableStream({
    pull(controller) {
      const next = bytes.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

const TEXT = 'retry: 1000\n: comment\n\nid: 1\nevent: audit\ndata: {"a":1}\n\nid: 2\r\nevent: audit\r\ndata: line one\r\ndata: line two\r\n\r\nid: 3\rdata: x\r\r';

describe('readEvents', () => {
  it('reads the same events however the text is cut into chunks', async () => {
    const expected = [
      { id: '1', event: 'audit', data: '{"a":1}' },
      { id: '2', event: 'audit', data: 'line one\nline two' },
      { id: '3', event: 'message', data: 'x' },
    ];
    for (const size of [1, 2, 3, 7, 1000]) {
      const chunks: string[] = [];
      for (let i = 0; i < TEXT.length; i += size) chunks.push(TEXT.slice(i, i + size));
      const got = [];
      for await (const e of readEvents(streamOf(chunks))) got.push(e);
      expect(got, `chunks of ${size}`).toEqual(expected);
    }
  });
});
