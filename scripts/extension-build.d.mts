// Types for scripts/extension-build.mjs (plain JavaScript so esbuild.mjs runs it with node alone).
import type { BuildOptions } from 'esbuild';
export declare const extensionBuildOptions: BuildOptions;
