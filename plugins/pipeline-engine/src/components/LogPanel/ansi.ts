import type { CSSProperties } from 'react';

/** A run of text with one style. */
export interface AnsiSegment {
  text: string;
  style: CSSProperties;
}

// xterm's default palette: normal colours 0-7, bright colours 8-15.
const PALETTE = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

function color256(index: number): string | undefined {
  if (index < 16) return PALETTE[index];
  if (index < 232) {
    const cube = index - 16;
    const level = (value: number) => (value === 0 ? 0 : 55 + value * 40);
    const r = level(Math.floor(cube / 36));
    const g = level(Math.floor(cube / 6) % 6);
    const b = level(cube % 6);
    return `rgb(${r},${g},${b})`;
  }
  if (index < 256) {
    const grey = 8 + (index - 232) * 10;
    return `rgb(${grey},${grey},${grey})`;
  }
  return undefined;
}

interface State {
  color?: string;
  background?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** Applies one SGR sequence's codes; extended colours consume their args. */
function applyCodes(state: State, codes: number[]): State {
  const next = { ...state };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      delete next.color;
      delete next.background;
      delete next.bold;
      delete next.italic;
      delete next.underline;
    } else if (code === 1) next.bold = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) delete next.bold;
    else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code >= 30 && code <= 37) next.color = PALETTE[code - 30];
    else if (code >= 90 && code <= 97) next.color = PALETTE[code - 90 + 8];
    else if (code === 39) delete next.color;
    else if (code >= 40 && code <= 47) next.background = PALETTE[code - 40];
    else if (code >= 100 && code <= 107)
      next.background = PALETTE[code - 100 + 8];
    else if (code === 49) delete next.background;
    else if (code === 38 || code === 48) {
      let value: string | undefined;
      if (codes[i + 1] === 5) {
        value = color256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        value = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
        i += 4;
      }
      if (value && code === 38) next.color = value;
      if (value && code === 48) next.background = value;
    }
  }
  return next;
}

function styleOf(state: State): CSSProperties {
  return {
    ...(state.color ? { color: state.color } : {}),
    ...(state.background ? { backgroundColor: state.background } : {}),
    ...(state.bold ? { fontWeight: 'bold' } : {}),
    ...(state.italic ? { fontStyle: 'italic' } : {}),
    ...(state.underline ? { textDecoration: 'underline' } : {}),
  };
}

// CSI sequences (colours and cursor moves) and OSC sequences (titles, links).
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[([0-9;]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/**
 * Splits a log line into styled segments: SGR colours and text styles are
 * kept, every other escape sequence is dropped.
 */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let state: State = {};
  let last = 0;
  for (const match of line.matchAll(ESCAPES)) {
    if (match.index! > last) {
      segments.push({
        text: line.slice(last, match.index),
        style: styleOf(state),
      });
    }
    last = match.index! + match[0].length;
    if (match[2] === 'm') {
      const codes = (match[1] || '0').split(';').map(part => Number(part || 0));
      state = applyCodes(state, codes);
    }
  }
  if (last < line.length) {
    segments.push({ text: line.slice(last), style: styleOf(state) });
  }
  return segments;
}

/** The text of a line without escape sequences, for search and download. */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPES, '');
}
