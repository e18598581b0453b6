module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Fixtures are test data (e.g. cookiecutter templates with Jinja markup), not code.
  ignorePatterns: ['**/__fixtures__/**'],
});
