/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy -c key=value ...` (cdk.json runs this file).
 * Builds the typed config from context, the stack, and the cdk-nag gate (AwsSolutions + Serverless):
 * any unacknowledged finding fails synth, in CI and on an operator's machine alike.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import { ConfigError, parseConfig } from "./config.ts";
import { HeistwatchStack } from "./stack.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const STACK_NAME = "Heistwatch";

export interface BuiltApp {
  app: App;
  stack: HeistwatchStack;
}

/**
 * Builds the app and stack. `context` adds to (and overrides) cdk.json's context; tests pass theirs here.
 * Throws ConfigError naming each bad context key.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  const app = new App(props);
  const config = parseConfig((key) => app.node.tryGetContext(key), { baseDir: PROJECT_ROOT });
  // No env: the stack is environment-agnostic, so synth needs no credentials and does no lookups.
  const stack = new HeistwatchStack(app, STACK_NAME, {
    config,
    projectRoot: PROJECT_ROOT,
    description: "heistwatch: monitors news of state-sponsored theft of money and alerts once per story",
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

const isEntryPoint =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
