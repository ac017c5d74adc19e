/**
 * Stands in for `require('node:child_process')` inside the bundled commander (scripts/build-cli.mjs):
 * commander's command.js requires it when it loads, for executable subcommands (`spawn`), which
 * facetctl does not have; loading it (with node:dgram and node:net's child-process glue) cost every
 * run ~3 ms. `spawn`, the only name command.js uses, loads the real module on first use.
 */
'use strict';

module.exports = {
  spawn(...args) {
    return require('node:child_process').spawn(...args);
  },
};
