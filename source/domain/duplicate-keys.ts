// A JSON object with the same key twice is valid to JSON.parse, which keeps the last one. In a request body
// that is a way to say two things at once: a proxy or an audit log that reads the first `serviceId` and an
// engine that runs the last. The API refuses such a body; this finds the first repeated key and where it is.
// Keys are compared decoded ("a" and "\u0061" are the same key). Runs on text JSON.parse has accepted.

export interface DuplicateKey {
  key: string;
  /** Where the object holding it is, as a JSON path: "$", "$.change", "$.items[2]". */
  path: string;
}

interface Open {
  /** An object's keys so far; undefined for an array. */
  keys: Set<string> | undefined;
  path: string;
  /** An array's next index, or the key whose value comes next in an object. */
  index: number;
  key: string | undefined;
}

export function firstDuplicateKey(json: string): DuplicateKey | undefined {
  const stack: Open[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return '$';
    return top.keys === undefined ? `${top.path}[${top.index}]` : `${top.path}${/^[A-Za-z_$][\w$]*$/.test(top.key ?? '') ? `.${top.key ?? ''}` : `[${JSON.stringify(top.key)}]`}`;
  };
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = stringEnd(json, i);
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys !== undefined) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      stack.push({ keys: c === '{' ? new Set() : undefined, path: childPath(), index: 0, key: undefined });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys === undefined) {
        if (top) top.index += 1;
      } else expectKey = true;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opened at `start`. */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return json.length - 1;
}
