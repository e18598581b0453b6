import { memo, useMemo, useState, type UIEvent } from 'react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import type { NodeExecutionView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { StatusLabel, durationOf } from '../shared';

/** What a node is, in the words of the pipeline YAML. */
export function nodeKind(node: NodeExecutionView): string {
  switch (node.nodeType) {
    case 'stage':
      return 'Stage';
    case 'stepGroup':
      return 'Step group';
    case 'parallel':
      return `Parallel (${node.children.length} branches)`;
    case 'strategy':
      return `Looping (${node.children.length} iterations)`;
    default:
      return node.stepType ?? 'Step';
  }
}

/** Fixed row height (two text lines of a dense item), so windowing needs no measuring. */
const TREE_ROW_HEIGHT = 48;
/** Rows drawn above and below the visible ones: Tab moves into them. */
const OVERSCAN = 10;
/** Taller trees scroll inside their card. */
const MAX_TREE_HEIGHT = 640;

interface TreeProps {
  nodes: NodeExecutionView[];
  selectedFqn?: string;
  onSelect: (node: NodeExecutionView) => void;
  now: number;
}

interface NodeRowProps {
  node: NodeExecutionView;
  depth: number;
  /** Offset of the row in the scrolled content, in pixels. */
  top: number;
  selected: boolean;
  onSelect: (node: NodeExecutionView) => void;
  now: number;
}

/**
 * Every poll or streamed batch brings new node objects; a row re-renders
 * only when what it shows (or where it sits) changed, so a batch of updates
 * redraws only the rows it touched.
 */
function sameRow(before: NodeRowProps, after: NodeRowProps): boolean {
  const a = before.node;
  const b = after.node;
  return (
    before.depth === after.depth &&
    before.top === after.top &&
    before.selected === after.selected &&
    before.onSelect === after.onSelect &&
    before.now === after.now &&
    a.fqn === b.fqn &&
    a.name === b.name &&
    a.status === b.status &&
    a.attempt === b.attempt &&
    a.startedAt === b.startedAt &&
    a.endedAt === b.endedAt &&
    a.children.length === b.children.length
  );
}

/** Name over kind on the left, duration and status on the right. */
const ROW_GRID: React.CSSProperties = {
  display: 'grid',
  gridTemplateColumns: 'minmax(0, 1fr) auto auto',
  gridTemplateAreas: '"name duration status" "kind duration status"',
  alignItems: 'center',
  columnGap: 8,
};

function NodeRowView(props: NodeRowProps) {
  const { node, depth, top, selected, onSelect, now } = props;
  const duration = durationOf(node.startedAt, node.endedAt, now);
  const kind = `${nodeKind(node)}${node.attempt > 1 ? ` · attempt ${node.attempt}` : ''}`;
  // The accessible name holds all the visible text in DOM order, status
  // first ("Clone: Success, GitClone, 3s"); the grid lays it out. The
  // spaces between the cells keep their words apart for assistive checks.
  const label = [`${node.name}: ${node.status}`, kind, duration]
    .filter(Boolean)
    .join(', ');
  return (
    <ListItem
      button
      dense
      selected={selected}
      onClick={() => onSelect(node)}
      aria-label={label}
      style={{
        position: 'absolute',
        top,
        height: TREE_ROW_HEIGHT,
        paddingLeft: 8 + depth * 20,
        overflow: 'hidden',
      }}
    >
      <Box width="100%" style={ROW_GRID}>
        <Typography variant="body2" noWrap style={{ gridArea: 'name' }}>
          {node.name}
        </Typography>{' '}
        <Box style={{ gridArea: 'status' }}>
          <StatusLabel status={node.status} />
        </Box>{' '}
        <Typography
          variant="caption"
          color="textSecondary"
          noWrap
          style={{ gridArea: 'kind' }}
        >
          {kind}
        </Typography>{' '}
        <Typography
          variant="caption"
          color="textSecondary"
          style={{ gridArea: 'duration' }}
        >
          {duration ?? ''}
        </Typography>
      </Box>
    </ListItem>
  );
}

const NodeRow = memo(NodeRowView, sameRow);

/** A row of the flattened tree: a node and how deep it sits. */
interface FlatRow {
  node: NodeExecutionView;
  depth: number;
}

function flatten(
  nodes: NodeExecutionView[],
  depth = 0,
  rows: FlatRow[] = [],
): FlatRow[] {
  for (const node of nodes) {
    rows.push({ node, depth });
    flatten(node.children, depth + 1, rows);
  }
  return rows;
}

/**
 * The stage → step group → step tree of an execution; parallel branches
 * and loop iterations (`step_0`, `step_1`…) appear as their own nodes.
 * Only the rows in view (plus an overscan) are in the DOM, so a
 * 1,000-step execution draws and updates as cheaply as a short one.
 */
export function ExecutionTree(props: TreeProps) {
  const { nodes, selectedFqn, onSelect, now } = props;
  const rows = useMemo(() => flatten(nodes), [nodes]);
  const [scrollTop, setScrollTop] = useState(0);
  const totalHeight = rows.length * TREE_ROW_HEIGHT;
  const height = Math.min(totalHeight, MAX_TREE_HEIGHT);
  const first = Math.max(0, Math.floor(scrollTop / TREE_ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(
    rows.length,
    Math.ceil((scrollTop + height) / TREE_ROW_HEIGHT) + OVERSCAN,
  );
  const visible = rows.slice(first, last);
  return (
    // A nav, not a ul: the rows are buttons, which a list may not hold.
    <List
      component="nav"
      dense
      disablePadding
      aria-label="Execution steps"
      // Its size never depends on its rows: scrolling relayouts only inside.
      style={{ height, overflowY: 'auto', contain: 'strict' }}
      onScroll={(event: UIEvent<HTMLElement>) =>
        setScrollTop(event.currentTarget.scrollTop)
      }
    >
      <div style={{ height: totalHeight, position: 'relative' }}>
        {visible.map(({ node, depth }, offset) => (
          <NodeRow
            key={node.fqn}
            node={node}
            depth={depth}
            top={(first + offset) * TREE_ROW_HEIGHT}
            selected={node.fqn === selectedFqn}
            onSelect={onSelect}
            now={node.startedAt && !node.endedAt ? now : 0}
          />
        ))}
      </div>
    </List>
  );
}
