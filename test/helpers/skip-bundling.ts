/**
 * CDK's own switch for "bundle no stack" (what `cdk synth --exclusively` uses for the others). Tests
 * that check only the template synthesize with it; each esbuild bundle costs about a second, so only
 * the tests that read bundle contents (stack.test.ts, signup-infra.test.ts's first synth) bundle.
 */
export const SKIP_BUNDLING = { "aws:cdk:bundling-stacks": [] };
