// The exchange log beside the phone: newest first, one entry per HTTP exchange, built with textContent only
// (answers are data, never markup). It receives masked records from exchange.js.

/** A status code's reason, short, for the pill. */
const REASONS = {
  0: 'no answer',
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusText(status) {
  return `${status} ${REASONS[status] ?? ''}`.trim();
}

export function statusClass(status) {
  if (status >= 200 && status < 300) return 'ok';
  return status >= 500 || status === 0 ? 'down' : 'refused';
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function block(title, text) {
  const section = element('div', 'part');
  section.append(element('span', 'part-title', title), element('pre', '', text));
  return section;
}

const json = (value) => JSON.stringify(value, null, 2);

/** Adds `record` at the top of `list`. */
export function appendEntry(list, record) {
  const item = element('li', `entry ${record.kind}`);
  const head = element('div', 'entry-head');
  head.append(
    element('i', `tag ${record.kind}`, record.kind),
    element('span', 'method', record.method),
    element('span', 'path', record.path),
    element('span', `status-pill ${statusClass(record.status)}`, statusText(record.status)),
    element('span', 'ms', `${record.ms} ms`),
  );
  item.append(head, element('div', 'label', record.label));
  const headers = Object.entries(record.headers).map(([name, value]) => `${name}: ${value}`);
  if (headers.length > 0) item.append(block('request headers', headers.join('\n')));
  if (record.body !== undefined) item.append(block('request body', json(record.body)));
  if (record.answer !== null) item.append(block('response body', json(record.answer)));
  list.prepend(item);
}
