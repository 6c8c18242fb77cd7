import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../public/api.js';
import { errorHtml } from '../public/messages.js';

test('a filter error shows the detail, the column and a caret under it', () => {
  const e = new ApiError({ kind: 'http', status: 400, code: 'bad_filter', detail: 'unexpected "=" <here>', column: 13, url: '/api/areas' });
  const out = String(errorHtml(e, 'The filter is not valid', 'imd_decile <== 1'));
  assert.match(out, /<strong>The filter is not valid:<\/strong>/);
  assert.match(out, /unexpected &quot;=&quot; &lt;here&gt;/, 'server text is escaped');
  assert.match(out, /\(column 13\)/);
  assert.match(out, /<pre class="caret" aria-hidden="true">imd_decile &lt;== 1\n {12}\^<\/pre>/);
});

test('a column already in the detail is not repeated; other errors', () => {
  const e = new ApiError({ kind: 'http', status: 400, detail: 'column 3: bad', column: 3 });
  assert.doesNotMatch(String(errorHtml(e, 'x', 'abcdef')), /\(column 3\)/);
  const net = new ApiError({ kind: 'network', detail: 'The needsmap server cannot be reached (refused).' });
  assert.match(String(errorHtml(net, 'Listing')), /unreachable.*cannot be reached \(refused\)/);
  assert.match(String(errorHtml(new ApiError({ kind: 'http', status: 503, detail: 'busy' }), 'Listing')), /\(HTTP 503\)/);
  assert.equal(String(errorHtml(new Error('<b>'), 'Making the PNG')), '<strong>Making the PNG failed.</strong> &lt;b&gt;');
});
