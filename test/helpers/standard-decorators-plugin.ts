import { transform } from 'esbuild';
import type { Plugin } from 'vite';

/** A line that starts with a decorator: `@name`, `@a.b(...)`. */
const DECORATOR_LINE = /^\s*@[A-Za-z_$][\w$.]*\s*(\(|$)/m;

/**
 * Vite 8 compiles TypeScript with Oxc, which lowers only legacy (`experimentalDecorators`)
 * decorators and leaves TypeScript 5 standard decorators in place, where Node cannot run them.
 * This plugin lowers them with esbuild (standard decorators since 0.21), for the files that have
 * any; Oxc then sees plain JavaScript. docs/simple-api.md shows it to users of Vitest.
 */
export function standardDecorators(): Plugin {
  return {
    name: 'flexiai:standard-decorators',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!/\.[cm]?tsx?$/.test(file) || file.includes('/node_modules/')) return null;
      if (!DECORATOR_LINE.test(code)) return null;
      const result = await transform(code, {
        loader: file.endsWith('x') ? 'tsx' : 'ts',
        target: 'es2022',
        format: 'esm',
        sourcefile: file,
        sourcemap: true,
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      });
      return { code: result.code, map: result.map };
    },
  };
}
