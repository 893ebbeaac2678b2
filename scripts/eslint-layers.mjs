// @ts-check
import { statSync } from 'node:fs';
import path from 'node:path';

/**
 * An ESLint rule that keeps the folders inside each lib and app in layers: a relative import must
 * point down the folder order the config declares for its source root, or stay in its own folder.
 * So a folder cycle cannot be written, and a new folder must be given its place before it is used.
 * Imports between libs go through `@app/<lib>` and are checked by the library rule instead. A
 * spec may also import its root's test kit (the `kit` folder), which sits above what it tests.
 */

/** @param {string} file */
function isDirectory(file) {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The declared folder that holds `folder` (a path relative to its root): the longest declared
 * prefix. '' is the root itself, above every folder.
 * @param {readonly string[]} order
 * @param {string} folder
 * @returns {{ name: string, rank: number } | undefined}
 */
function layerOf(order, folder) {
  if (folder === '') return { name: '', rank: order.length };
  let best;
  order.forEach((name, rank) => {
    const holds = folder === name || folder.startsWith(`${name}/`);
    if (holds && (best === undefined || name.length > best.name.length)) best = { name, rank };
  });
  return best;
}

/** @param {string} from @param {string} to */
const inside = (from, to) => {
  const relative = path.relative(from, to);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

/** @type {import('eslint').Rule.RuleModule} */
const folderOrder = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports point down the declared folder layers.' },
    schema: [
      {
        type: 'object',
        properties: {
          roots: {
            type: 'object',
            additionalProperties: { type: 'array', items: { type: 'string' } },
          },
          kit: { type: 'string' },
        },
        required: ['roots'],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "'{{from}}' may not import '{{to}}' in {{root}}: its folders are layered {{order}} (bottom first), and an import points down or stays in its folder.",
      unplaced:
        "The folder '{{folder}}' of {{root}} has no place in its layers; add it to LAYERS in .eslint.config.mjs.",
    },
  },
  create(context) {
    /** @type {Record<string, string[]>} */
    const { roots, kit } = context.options[0];
    const isSpec = /\.spec\.ts$/.test(context.filename);
    const file = context.filename;
    const root = Object.keys(roots)
      .map((name) => path.resolve(context.cwd, name))
      .filter((dir) => inside(dir, file))
      .sort((a, b) => b.length - a.length)[0];
    if (root === undefined) return {};
    const rootName = path.relative(context.cwd, root).split(path.sep).join('/');
    const order = roots[rootName];
    const folderIn = (/** @type {string} */ dir) =>
      path.relative(root, dir).split(path.sep).join('/');
    const source = folderIn(path.dirname(file));
    const from = layerOf(order, source);

    /** @param {import('estree').Node} node @param {unknown} specifier */
    function check(node, specifier) {
      if (from === undefined || typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), specifier);
      if (!inside(root, target)) return;
      const targetFolder = folderIn(isDirectory(target) ? target : path.dirname(target));
      const to = layerOf(order, targetFolder);
      if (to === undefined) {
        context.report({
          node,
          messageId: 'unplaced',
          data: { folder: targetFolder, root: rootName },
        });
      } else if (to.name !== from.name && to.rank >= from.rank && !(isSpec && to.name === kit)) {
        const data = {
          from: from.name || '(top level)',
          to: to.name || '(top level)',
          root: rootName,
          order: order.join(' < '),
        };
        context.report({ node, messageId: 'upward', data });
      }
    }

    return {
      Program(node) {
        if (from === undefined) {
          context.report({ node, messageId: 'unplaced', data: { folder: source, root: rootName } });
        }
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) =>
        check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export const layersPlugin = { rules: { 'folder-order': folderOrder } };
