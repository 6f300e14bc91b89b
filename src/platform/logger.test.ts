import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts credentials wherever they appear', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', 'test', stream);
    log.info({ req: { headers: { authorization: 'Bearer dsk_secret', cookie: 'sid=abc' } } }, 'request');
    log.info({ body: { password: 'hunter2hunter2', token: 'dsk_x', code: '123456' } }, 'body');
    const text = lines.join('');
    for (const secret of ['dsk_secret', 'sid=abc', 'hunter2hunter2', 'dsk_x', '123456'])
      assert.doesNotMatch(text, new RegExp(secret));
    assert.match(text, /\[redacted\]/);
  });

  it('writes one JSON object per line, so user input cannot forge log lines', () => {
    const { lines, stream } = capture();
    createLogger('info', 'test', stream).info({ name: 'x\n{"level":60,"msg":"forged"}' }, 'user input');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.trim().split('\n').length, 1);
    assert.equal(JSON.parse(lines[0]!).msg, 'user input');
  });
});
