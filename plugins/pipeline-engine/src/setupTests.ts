import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The CI machine is shared: give renders of the large pages room.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 10_000 });
