import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { node } from '../../testUtils/mockApi';
import { ExecutionTree } from './ExecutionTree';

const STAGE = 'pipeline.stages.build';

function bigTree(steps: number) {
  return [
    node({
      fqn: STAGE,
      nodeType: 'stage',
      name: 'Build',
      children: Array.from({ length: steps }, (_, index) =>
        node({
          fqn: `${STAGE}.spec.execution.steps.step_${index}`,
          parentFqn: STAGE,
          name: `Step ${index}`,
          stepType: 'Run',
        }),
      ),
    }),
  ];
}

describe('ExecutionTree', () => {
  it('draws only the rows in view of a 1,000-step tree', async () => {
    const onSelect = jest.fn();
    await renderInTestApp(
      <ExecutionTree nodes={bigTree(1000)} onSelect={onSelect} now={0} />,
    );
    const tree = screen.getByRole('navigation', { name: 'Execution steps' });
    // 640 px of 48 px rows, plus the overscan below.
    expect(within(tree).getAllByRole('button').length).toBeLessThan(40);
    expect(
      within(tree).getByRole('button', { name: 'Build: Success, Stage' }),
    ).toBeInTheDocument();
    expect(
      within(tree).queryByRole('button', { name: /^Step 500: / }),
    ).not.toBeInTheDocument();

    // Scrolling to row 501 (Step 500) draws it, with its accessible name.
    fireEvent.scroll(tree, { target: { scrollTop: 501 * 48 } });
    const row = within(tree).getByRole('button', {
      name: 'Step 500: Success, Run',
    });
    expect(
      within(tree).queryByRole('button', { name: /^Build: / }),
    ).not.toBeInTheDocument();

    await userEvent.click(row);
    expect(onSelect).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Step 500' }),
    );
  });
});
