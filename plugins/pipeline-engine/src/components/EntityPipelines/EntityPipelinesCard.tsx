import { InfoCard, Link, Progress } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { StatusLabel, formatTime, usePipelineLinks } from '../shared';
import { useEntityExecutions } from './EntityPipelinesContent';

/** Runs shown on the card; the tab lists them all. */
const CARD_ROWS = 5;

/**
 * An overview card: the newest executions recorded on the entity and
 * links to run its pipelines.
 */
export function EntityPipelinesCard() {
  const links = usePipelineLinks();
  const { pipelines, loading, rows } = useEntityExecutions();
  return (
    <InfoCard title="Pipelines">
      {loading && <Progress />}
      {!loading && rows.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No pipeline execution is recorded on this entity.
        </Typography>
      )}
      <List dense aria-label="Recent pipeline executions">
        {rows.slice(0, CARD_ROWS).map(row => (
          <ListItem key={row.id}>
            <ListItemText
              primary={
                row.execution ? (
                  <Link to={links.execution(row.id)}>
                    {row.execution.pipelineName} #{row.execution.sequenceId}
                  </Link>
                ) : (
                  row.id
                )
              }
              secondary={
                row.execution
                  ? formatTime(
                      row.execution.startedAt ?? row.execution.createdAt,
                    )
                  : row.problem
              }
            />
            {row.execution && <StatusLabel status={row.execution.status} />}
          </ListItem>
        ))}
      </List>
      {pipelines.map(ref => (
        <Typography variant="body2" key={links.pipeline(ref)}>
          <Link to={`${links.pipeline(ref)}?tab=run`}>
            Run {ref.pipelineIdentifier}
          </Link>
        </Typography>
      ))}
    </InfoCard>
  );
}
