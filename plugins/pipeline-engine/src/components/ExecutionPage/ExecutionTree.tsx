import { memo } from 'react';
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

interface TreeProps {
  nodes: NodeExecutionView[];
  selectedFqn?: string;
  onSelect: (node: NodeExecutionView) => void;
  now: number;
}

interface NodeRowProps {
  node: NodeExecutionView;
  depth: number;
  selected: boolean;
  onSelect: (node: NodeExecutionView) => void;
  now: number;
}

/**
 * Every poll brings new node objects; a row re-renders only when what it
 * shows changed, so a 1,000-step tree stays cheap to refresh.
 */
function sameRow(before: NodeRowProps, after: NodeRowProps): boolean {
  const a = before.node;
  const b = after.node;
  return (
    before.depth === after.depth &&
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
  const { node, depth, selected, onSelect, now } = props;
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
      style={{ paddingLeft: 8 + depth * 20 }}
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

function Rows(props: TreeProps & { depth: number }) {
  return (
    <>
      {props.nodes.map(node => (
        <Box key={node.fqn}>
          <NodeRow
            node={node}
            depth={props.depth}
            selected={node.fqn === props.selectedFqn}
            onSelect={props.onSelect}
            now={node.startedAt && !node.endedAt ? props.now : 0}
          />
          {node.children.length > 0 && (
            <Rows {...props} nodes={node.children} depth={props.depth + 1} />
          )}
        </Box>
      ))}
    </>
  );
}

/**
 * The stage → step group → step tree of an execution; parallel branches
 * and loop iterations (`step_0`, `step_1`…) appear as their own nodes.
 */
export function ExecutionTree(props: TreeProps) {
  return (
    // A nav, not a ul: the rows are buttons, which a list may not hold.
    <List component="nav" dense disablePadding aria-label="Execution steps">
      <Rows {...props} depth={0} />
    </List>
  );
}
