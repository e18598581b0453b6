import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { LogPanel } from './LogPanel';

function logOf(count: number): LogLineView[] {
  return Array.from({ length: count }, (_, index) => ({
    seq: index + 1,
    nodeFqn: 'pipeline.stages.s.spec.execution.steps.build',
    stream: 'stdout' as const,
    line: `line ${index + 1}${index === 99_990 ? ' \u001b[31mneedle\u001b[0m' : ''}`,
    createdAt: '2026-12-01T10:00:00Z',
  }));
}

describe('LogPanel', () => {
  it('renders only the rows in view of a 100,000-line log', async () => {
    await renderInTestApp(
      <LogPanel lines={logOf(100_000)} fileName="build" height={360} />,
    );
    // Following: the view sits at the bottom, 20 rows of 18 px plus overscan.
    const rows = screen.getAllByRole('listitem');
    expect(rows.length).toBeLessThanOrEqual(20 + 2 * 20 + 1);
    expect(screen.getByText('100000')).toBeInTheDocument();
    // A line without ANSI codes is one element: its number and its text.
    const lastRow = rows[rows.length - 1];
    expect(lastRow).toHaveTextContent('100000line 100000');
    expect(lastRow.querySelectorAll('span')).toHaveLength(1);
    expect(screen.queryByText('1')).not.toBeInTheDocument();
    expect(screen.getByText('100000 lines')).toBeInTheDocument();

    // Scrolling to the top swaps the rendered rows and stops following.
    fireEvent.scroll(screen.getByRole('log'), { target: { scrollTop: 0 } });
    expect(screen.getByText('line 1')).toBeInTheDocument();
    expect(screen.queryByText('line 100000')).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Follow' })).not.toBeChecked();
  });

  it('searches the log and colours matches with their ANSI codes', async () => {
    await renderInTestApp(
      <LogPanel lines={logOf(100_000)} fileName="build" height={360} />,
    );
    await userEvent.type(screen.getByLabelText('Search log'), 'needle');
    expect(screen.getByText('1 of 100000 lines')).toBeInTheDocument();
    expect(screen.getByText('needle')).toHaveStyle({ color: '#cd3131' });
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
  });
});
