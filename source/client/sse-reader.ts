// Reads a text/event-stream body (the WHATWG format: "field: value" lines, an event ends at a blank line).
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Yields each event of the stream until it ends or `signal` aborts. The reader is cancelled on abort: an
 * aborted fetch's body does not always end a pending read, and a read that never settles would leave the
 * caller's promise hanging with nothing left to run.
 */
export async function* readEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  const eol = /\r\n|\r|\n/g;
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done && !buffer.endsWith('\r')) return;
      // At the end, a CR held back (it might have begun a CRLF) is a line end after all.
      buffer += done ? '\n' : decoder.decode(chunk, { stream: true });
      // One pass over the chunk's lines, then one slice: a chunk holding many events costs linear time.
      let at = 0;
      eol.lastIndex = 0;
      for (let m = eol.exec(buffer); m !== null; m = eol.exec(buffer)) {
        // A CR at the very end may be the first half of CRLF: leave it for the next chunk.
        if (m[0] === '\r' && m.index === buffer.length - 1) break;
        const line = buffer.slice(at, m.index);
        at = m.index + m[0].length;
        if (line === '') {
          if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      buffer = buffer.slice(at);
      if (done) return;
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}
