import { useEffect, useId, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { stripAnsi } from './ansi';
import { VirtualLogList } from './VirtualLogList';

/** Props of {@link LogPanel}. */
export interface LogPanelProps {
  lines: LogLineView[];
  /** Name of the downloaded file, without extension. */
  fileName: string;
  /** Height of the log viewport in pixels; 480 by default. */
  height?: number;
}

function download(fileName: string, lines: LogLineView[]) {
  const text = lines.map(line => stripAnsi(line.line)).join('\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = `${fileName}.log`;
  anchor.click();
  URL.revokeObjectURL(url);
}

/**
 * A step's log: search (shows matching lines only), follow (keeps the
 * newest line in view), download, ANSI colours. Secrets arrive masked.
 */
export function LogPanel(props: LogPanelProps) {
  const { lines, fileName } = props;
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  // Drawn right after the first paint of the page: the step tree, the
  // page's first meaningful content, does not wait for the log's controls.
  const [drawn, setDrawn] = useState(false);
  useEffect(() => setDrawn(true), []);
  const searchId = useId();
  const shown = useMemo(() => {
    const term = search.trim().toLowerCase();
    if (!term) return lines;
    return lines.filter(line =>
      stripAnsi(line.line).toLowerCase().includes(term),
    );
  }, [lines, search]);

  if (!drawn) return <Box style={{ minHeight: (props.height ?? 480) + 48 }} />;

  return (
    <Box>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 16 }}>
        <TextField
          id={searchId}
          label="Search log"
          size="small"
          variant="outlined"
          value={search}
          onChange={event => setSearch(event.target.value)}
        />
        <FormControlLabel
          control={
            <Switch
              checked={follow}
              onChange={event => setFollow(event.target.checked)}
              color="primary"
            />
          }
          label="Follow"
        />
        <Button
          startIcon={<GetAppIcon />}
          onClick={() => download(fileName, shown)}
          disabled={shown.length === 0}
        >
          Download
        </Button>
        <Typography variant="body2" color="textSecondary">
          {search.trim()
            ? `${shown.length} of ${lines.length} lines`
            : `${lines.length} lines`}
        </Typography>
      </Box>
      {lines.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No log lines yet.
        </Typography>
      ) : (
        <VirtualLogList
          lines={shown}
          height={props.height ?? 480}
          follow={follow}
          onFollowChange={setFollow}
        />
      )}
    </Box>
  );
}
