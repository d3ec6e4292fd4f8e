/**
 * One Lambda function with the house defaults: Node 24 on arm64, bundled by the local esbuild
 * (no Docker) as minified ESM with source maps, X-Ray tracing only when asked, its own log group with retention,
 * and its own role holding no managed policy (cdk-nag IAM4): every right is added by a bind helper.
 */
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** esbuild settings shared by the stack and the bundle-size benchmark, so both measure the same bundle. */
export const BUNDLE_DEFAULTS = {
  target: "node24",
  format: "esm",
  platform: "node",
  minify: true,
  /** The Lambda runtime ships AWS SDK v3; bundling it would add megabytes for nothing. */
  external: ["@aws-sdk/*"],
  /** Prefer packages' ESM builds; CommonJS modules inside an ESM bundle still need a real `require`. */
  mainFields: ["module", "main"],
  banner:
    "import { createRequire as __hwCreateRequire } from 'node:module'; const require = __hwCreateRequire(import.meta.url);",
} as const;

export interface HeistwatchFunctionProps {
  /** Absolute path of the handler's .ts file (exports `handler`). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetentionDays: number;
  /** Powertools service name, also the log group's last segment. */
  serviceName: string;
  environment?: Record<string, string>;
  /** Compile-time constants (esbuild define); values must be JS source text (use JSON.stringify). */
  define?: Record<string, string>;
  reservedConcurrentExecutions?: number;
  /** X-Ray active tracing (billed per trace; off unless the `xray` setting is on). */
  tracing?: boolean;
  /** Async invocations only: where an event lands after its retries are used up. */
  deadLetterQueue?: sqs.IQueue;
  retryAttempts?: number;
  maxEventAge?: Duration;
  onFailure?: destinations.SqsDestination;
}

/** A NodejsFunction plus its role and log group, built the same way for every handler. */
export class HeistwatchFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HeistwatchFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetentionDays as logs.RetentionDays,
      // Logs already expire by retention; keeping an orphan group after `cdk destroy` only confuses.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${props.serviceName}: only what its bind helpers grant`,
    });
    // Instead of AWSLambdaBasicExecutionRole (which may write to any log group): this group only.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      onFailure: props.onFailure,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: "INFO",
        // Source-mapped stack traces in the logs; only paid when an error is printed.
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        minify: BUNDLE_DEFAULTS.minify,
        sourceMap: true,
        sourceMapMode: nodejs.SourceMapMode.DEFAULT,
        sourcesContent: false,
        target: BUNDLE_DEFAULTS.target,
        format: nodejs.OutputFormat.ESM,
        mainFields: [...BUNDLE_DEFAULTS.mainFields],
        banner: BUNDLE_DEFAULTS.banner,
        externalModules: [...BUNDLE_DEFAULTS.external],
        define: props.define,
      },
    });
  }

  /** Sets an environment variable on the function (used by the bind helpers). */
  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
