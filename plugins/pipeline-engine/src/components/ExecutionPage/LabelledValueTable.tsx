import type { ReactNode } from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';

/*
 * Backstage's theme gives table cells `word-break: break-word`, so in a
 * narrow card the automatic table layout squeezed the label column to a few
 * letters ("Statu s") to give a long value room. Labels therefore keep to
 * one line and so set their column's width; the value column takes the
 * rest and its text wraps.
 */
const useStyles = makeStyles({
  label: { whiteSpace: 'nowrap', verticalAlign: 'baseline' },
  value: { width: '100%', overflowWrap: 'anywhere', verticalAlign: 'baseline' },
});

/**
 * Rows of a label and its value (the Run card, inputs, output variables).
 */
export function LabelledValueTable(props: {
  ariaLabel: string;
  rows: ReadonlyArray<readonly [label: string, value: ReactNode]>;
}) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label={props.ariaLabel}>
      <TableBody>
        {props.rows.map(([label, value]) => (
          <TableRow key={label}>
            <TableCell component="th" scope="row" className={classes.label}>
              {label}
            </TableCell>
            <TableCell className={classes.value}>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
