import { memo, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { parseAnsi, type AnsiSegment } from './ansi';

const useStyles = makeStyles(theme => ({
  viewport: {
    overflow: 'auto',
    position: 'relative',
    // The viewport's size never depends on its rows: a scroll relayouts and
    // repaints only inside it, not the page around it, and the scroller
    // gets its own compositing layer.
    contain: 'strict',
    willChange: 'transform',
    backgroundColor: '#1e1e1e',
    color: '#e5e5e5',
    fontFamily: 'monospace',
    fontSize: 12,
    borderRadius: theme.shape.borderRadius,
  },
  row: {
    whiteSpace: 'pre',
    overflow: 'hidden',
    paddingRight: theme.spacing(1),
    // Fixed height: a row's text never changes the size of anything else.
    contain: 'strict',
  },
  number: {
    display: 'inline-block',
    width: '6em',
    paddingRight: theme.spacing(1),
    textAlign: 'right',
    color: '#858585',
    userSelect: 'none',
  },
  stderr: { color: '#f48771' },
}));

/**
 * Rows rendered above and below the visible ones. Few: a fast scroll jumps
 * past any overscan anyway, and every extra row is laid out on every frame.
 */
const OVERSCAN = 5;

/** Props of {@link VirtualLogList}. */
export interface VirtualLogListProps {
  lines: LogLineView[];
  /** Height of the viewport in pixels. */
  height: number;
  rowHeight?: number;
  /** Keep the newest line in view as lines arrive. */
  follow: boolean;
  /** Called with false when the user scrolls away from the bottom. */
  onFollowChange: (follow: boolean) => void;
}

type LogRowClasses = ReturnType<typeof useStyles>;

/** Parsed ANSI segments per line object: scrolling back parses nothing again. */
const segmentsOfLine = new WeakMap<LogLineView, AnsiSegment[]>();

function segmentsOf(line: LogLineView): AnsiSegment[] {
  let segments = segmentsOfLine.get(line);
  if (!segments) {
    segments = parseAnsi(line.line);
    segmentsOfLine.set(line, segments);
  }
  return segments;
}

interface LogRowProps {
  line: LogLineView;
  number: number;
  height: number;
  classes: LogRowClasses;
}

/**
 * One line: a plain element with its number and text; coloured spans only
 * when the line carries ANSI escapes. Memoized, so scrolling draws only the
 * rows that come into view.
 */
function LogRowView(props: LogRowProps) {
  const { line, number, height, classes } = props;
  const text = line.line;
  const className =
    line.stream === 'stderr' ? `${classes.row} ${classes.stderr}` : classes.row;
  return (
    <div role="listitem" className={className} style={{ height }}>
      <span className={classes.number}>{number}</span>
      {text.includes('\u001b')
        ? segmentsOf(line).map((segment, position) => (
            <span key={position} style={segment.style}>
              {segment.text}
            </span>
          ))
        : text}
    </div>
  );
}

const LogRow = memo(LogRowView);

/**
 * A log viewport that renders only the rows in view (plus an overscan), so
 * 100,000 lines cost as much to draw as a screenful.
 */
export function VirtualLogList(props: VirtualLogListProps) {
  const { lines, height, follow, onFollowChange } = props;
  const rowHeight = props.rowHeight ?? 18;
  const classes = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  // The first row in view: scrolling within a row renders nothing.
  const [firstInView, setFirstInView] = useState(0);
  const totalHeight = lines.length * rowHeight;

  useLayoutEffect(() => {
    if (follow && viewport.current) {
      const bottom = Math.max(0, totalHeight - height);
      viewport.current.scrollTop = bottom;
      setFirstInView(Math.floor(bottom / rowHeight));
    }
  }, [follow, totalHeight, height, rowHeight]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop;
    setFirstInView(Math.floor(top / rowHeight));
    const atBottom = top + height >= totalHeight - rowHeight;
    if (follow && !atBottom) onFollowChange(false);
  };

  const first = Math.max(0, firstInView - OVERSCAN);
  const last = Math.min(
    lines.length,
    firstInView + Math.ceil(height / rowHeight) + 1 + OVERSCAN,
  );
  const rows = [];
  for (let index = first; index < last; index++) {
    const line = lines[index];
    rows.push(
      <LogRow
        // Keyed by slot, not by line: scrolling reuses the row elements
        // and changes their text instead of creating and removing elements.
        key={index % (last - first)}
        line={line}
        number={index + 1}
        height={rowHeight}
        classes={classes}
      />,
    );
  }

  return (
    <div
      ref={viewport}
      role="log"
      aria-label="Step log"
      // Scrollable regions must be reachable by keyboard (axe: scrollable-region-focusable).
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      className={classes.viewport}
      style={{ height }}
      onScroll={onScroll}
    >
      <div role="list" style={{ height: totalHeight }}>
        {/* The drawn rows sit in normal flow, shifted to the first one. */}
        <div style={{ transform: `translateY(${first * rowHeight}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
