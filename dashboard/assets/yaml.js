// A JSON value written as YAML (block style, strings quoted only when they must be), for showing definitions as their
// authors write them.

const plain = /^[A-Za-z_][A-Za-z0-9_ .\/-]*$/;
const reserved = /^(true|false|null|yes|no|on|off|~|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/i;

function scalar(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  return plain.test(value) && !reserved.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value);
}

function key(name) {
  return plain.test(name) && !reserved.test(name) && !name.includes(' ') ? name : JSON.stringify(name);
}

export function toYaml(value, indent = '') {
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return value.map(item => {
      const inner = toYaml(item, indent + '  ');
      return typeof item === 'object' && item !== null && Object.keys(item).length
        ? `${indent}- ${inner.trimStart()}`
        : `${indent}- ${inner}`;
    }).join('\n');
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    return entries.map(([name, item]) => {
      if (typeof item === 'object' && item !== null && Object.keys(item).length) {
        return `${indent}${key(name)}:\n${toYaml(item, indent + '  ')}`;
      }
      return `${indent}${key(name)}: ${toYaml(item, indent + '  ')}`;
    }).join('\n');
  }
  return scalar(value);
}
