import { useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { parseAnsi } from './ansi';

const useStyles = makeStyles(theme => ({
  viewport: {
    overflow: 'auto',
    position: 'relative',
    backgroundColor: '#1e1e1e',
    color: '#e5e5e5',
    fontFamily: 'monospace',
    fontSize: 12,
    borderRadius: theme.shape.borderRadius,
  },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    whiteSpace: 'pre',
    paddingRight: theme.spacing(1),
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

/** Rows rendered above and below the visible ones, for smooth scrolling. */
const OVERSCAN = 20;

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

/**
 * A log viewport that renders only the rows in view (plus an overscan), so
 * 100,000 lines cost as much to draw as a screenful.
 */
export function VirtualLogList(props: VirtualLogListProps) {
  const { lines, height, follow, onFollowChange } = props;
  const rowHeight = props.rowHeight ?? 18;
  const classes = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const totalHeight = lines.length * rowHeight;

  useLayoutEffect(() => {
    if (follow && viewport.current) {
      const bottom = Math.max(0, totalHeight - height);
      viewport.current.scrollTop = bottom;
      setScrollTop(bottom);
    }
  }, [follow, totalHeight, height]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop;
    setScrollTop(top);
    const atBottom = top + height >= totalHeight - rowHeight;
    if (follow && !atBottom) onFollowChange(false);
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(
    lines.length,
    Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN,
  );
  const rows = [];
  for (let index = first; index < last; index++) {
    const line = lines[index];
    rows.push(
      <div
        key={line.seq}
        role="listitem"
        className={classes.row}
        style={{ top: index * rowHeight, height: rowHeight }}
      >
        <span className={classes.number}>{index + 1}</span>
        <span className={line.stream === 'stderr' ? classes.stderr : undefined}>
          {parseAnsi(line.line).map((segment, position) => (
            <span key={position} style={segment.style}>
              {segment.text}
            </span>
          ))}
        </span>
      </div>,
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
      <div role="list" style={{ height: totalHeight, position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}
