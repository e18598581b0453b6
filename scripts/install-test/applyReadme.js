#!/usr/bin/env node
/*
 * Applies the README's install section to an app, block by block, exactly
 * as written: every fenced block preceded by a marker comment
 *   <!-- install-test: shell -->                  run with bash in the app
 *   <!-- install-test: shell repo -->             run with bash in the checkout,
 *                                                 with REPO_PATH as PATH (the checkout's Node)
 *   <!-- install-test: merge <file> -->           deep-merge the JSON into <file>
 *   <!-- install-test: file <file> -->            write the block as <file>
 *   <!-- install-test: backend-index -->          insert before `backend.start();`
 * Usage: node applyReadme.js README.md APP_DIR   (env IDP_REPO: the checkout)
 */
/* eslint-disable no-console -- a command-line driver prints */
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** The marked blocks of `markdown`, in order. */
function markedBlocks(markdown) {
  const pattern =
    /<!-- install-test: ([^>]*?) -->\s*\n```[^\n]*\n([\s\S]*?)\n```/g;
  return [...markdown.matchAll(pattern)].map(([, directive, body]) => {
    const [kind, ...args] = directive.trim().split(/\s+/);
    return { kind, target: args.join(' '), body: `${body}\n` };
  });
}

function deepMerge(into, from) {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    into[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object'
        ? deepMerge(current, value)
        : value;
  }
  return into;
}

/**
 * The environment of blocks run in the checkout: its own Node (REPO_PATH)
 * and its own caches and build settings, not the app's (YARN_GLOBAL_FOLDER
 * and npm_config_cache point the app's at the test folder;
 * YARN_ENABLE_SCRIPTS and YARN_ENABLE_IMMUTABLE_INSTALLS are the app's).
 */
function repoEnv() {
  const env = {
    ...process.env,
    PATH: process.env.REPO_PATH ?? process.env.PATH,
  };
  delete env.YARN_GLOBAL_FOLDER;
  delete env.npm_config_cache;
  delete env.YARN_ENABLE_SCRIPTS; // the checkout's install builds what it needs
  delete env.YARN_ENABLE_IMMUTABLE_INSTALLS;
  delete env.npm_config_nodedir; // the app's Node headers would rebuild the checkout's native modules for the wrong Node
  return env;
}

function apply(block, appDir) {
  switch (block.kind) {
    case 'shell': {
      const inRepo = block.target === 'repo';
      execFileSync('bash', ['-euo', 'pipefail', '-c', block.body], {
        cwd: inRepo ? process.env.IDP_REPO : appDir,
        env: inRepo ? repoEnv() : process.env,
        stdio: 'inherit',
      });
      return;
    }
    case 'merge': {
      const file = join(appDir, block.target);
      const merged = deepMerge(
        JSON.parse(readFileSync(file, 'utf8')),
        JSON.parse(block.body),
      );
      writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
      return;
    }
    case 'file':
      writeFileSync(join(appDir, block.target), block.body);
      return;
    case 'backend-index': {
      const file = join(appDir, 'packages/backend/src/index.ts');
      const source = readFileSync(file, 'utf8');
      if (!source.includes('backend.start();'))
        throw new Error(`${file} has no backend.start();`);
      writeFileSync(
        file,
        source.replace('backend.start();', `${block.body}\nbackend.start();`),
      );
      return;
    }
    default:
      throw new Error(`unknown install-test block kind "${block.kind}"`);
  }
}

function main() {
  const [readme, appDir] = process.argv.slice(2);
  const blocks = markedBlocks(readFileSync(readme, 'utf8'));
  if (blocks.length === 0)
    throw new Error(`${readme} has no install-test blocks`);
  for (const block of blocks) {
    const started = Date.now();
    console.log(
      `== README install step: ${block.kind} ${block.target}`.trimEnd(),
    );
    apply(block, appDir);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (seconds > 0) console.log(`   (${seconds} s)`);
  }
}

if (require.main === module) main();
module.exports = { markedBlocks };
