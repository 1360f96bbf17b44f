// Server-sent events read through fetch, not EventSource: EventSource cannot send the Authorization
// header a node with an API token needs. Reconnects with backoff; tells the page whether it is live.

import { authHeaders } from './api.js';

/**
 * Reads the event stream at `path`: onEvent(name, data) per event (data parsed as JSON), onState(state)
 * with 'live', 'reconnecting' or 'unauthorized'. Returns a function that stops it.
 */
export function subscribe(path, onEvent, onState) {
  let stopped = false;
  let ctrl = null;
  let delay = 500;
  (async () => {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch(path, { headers: Object.assign({ Accept: 'text/event-stream' }, authHeaders()), cache: 'no-store', signal: ctrl.signal });
        if (res.status === 401) {
          onState('unauthorized');
        } else if (res.ok && res.body) {
          onState('live');
          delay = 500;
          await read(res.body, onEvent);
          onState('reconnecting');
        } else {
          onState('reconnecting');
        }
      } catch (e) {
        onState('reconnecting');
      }
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 8000);
    }
  })();
  return () => {
    stopped = true;
    if (ctrl) {
      ctrl.abort();
    }
  };
}

async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) {
          name = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
      if (data.length) {
        onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  }
}
