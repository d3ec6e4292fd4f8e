/**
 * How the tests synthesize the stack cheaply. Each esbuild bundle costs about a second, and CDK's
 * built-in CloudFormation validation (a WASM engine) about two the first time in each process; the
 * template assertions need neither. stack.test.ts and signup-infra.test.ts's first synth bundle
 * (they read the bundles), and nag.test.ts runs the built-in validation with its errors as failures.
 */

/** CDK's own switch for "bundle no stack" (what `cdk synth --exclusively` uses for the others). */
export const SKIP_BUNDLING = { "aws:cdk:bundling-stacks": [] };

/** App props that leave out the built-in CloudFormation validation (nag.test.ts keeps it). */
export const NO_CFN_VALIDATION = { builtinCloudFormationValidation: false } as const;
