// The node's API as the dashboard calls it: the same endpoints as the CLI, with the browser's session cookie.

/** What the node answered, or an Error carrying its Lambda-shaped message. */
async function call(method, path, body) {
  const headers = {};
  if (method !== 'GET') headers['X-Torpor-Dashboard'] = '1'; // a write through a session must say it comes from here
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await r.text();
  if (!r.ok) {
    let message = text;
    try { message = JSON.parse(text).Message || text; } catch (e) { /* not JSON: the text says it */ }
    throw new Error((r.headers.get('X-Amzn-ErrorType') || 'HTTP ' + r.status) + ': ' + message);
  }
  return r.headers.get('Content-Type')?.startsWith('application/json') ? JSON.parse(text) : text;
}

export const get = path => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
