// Executes one synthesized state machine definition locally (aws-local-stepfunctions), with the
// ECS RunTask state replaced by running the real jobs-runner main class and the SNS publish
// replaced by recording the message. Prints one JSON line: status, output/error, every RunTask
// attempt and every notification. Driven by StateMachineLocalTest.
//
//   node run-sfn.mjs <asl.json> <input-json>
// env: JOBS_CLASSPATH  the jobs-runner's classpath
//      JOBS_MAIN       its main class
//      JOB_ENV         JSON object: the task definition's environment as it is locally
//      FAIL_FIRST      optional "<n>:<error name>": the first n RunTask calls fail with that error
//                      before any container starts, as ECS does when Fargate has no capacity
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { StateMachine } from 'aws-local-stepfunctions';

const [aslPath, inputJson] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(aslPath, 'utf8'));
const jobEnv = JSON.parse(process.env.JOB_ENV ?? '{}');
const [failFirstCount, failFirstError] = (process.env.FAIL_FIRST ?? '0:').split(':');
let failuresLeft = Number(failFirstCount);

// The runner's exit codes and the error names it sends with SendTaskFailure are one contract
// (design §6). Locally there is no Step Functions endpoint to call back, so the runner runs
// without TASK_TOKEN and this handler turns its exit code into the callback it would have sent.
const ERROR_BY_EXIT_CODE = { 1: 'JobFailed', 2: 'InvalidConfig', 3: 'UpstreamUnavailable' };

const attempts = [];
const notifications = [];

function taskError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

function runJobsRunner(params) {
  const override = params.Overrides.ContainerOverrides[0];
  const overrideEnv = Object.fromEntries((override.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
  const attempt = { command: override.Command, overrideEnv: Object.keys(overrideEnv).sort(), taskToken: overrideEnv.TASK_TOKEN };
  attempts.push(attempt);
  if (failuresLeft > 0) {
    failuresLeft--;
    attempt.error = failFirstError;
    throw taskError(failFirstError, 'Capacity is unavailable at this time. (simulated RunTask failure)');
  }
  const env = { ...process.env, ...jobEnv, ...overrideEnv };
  delete env.TASK_TOKEN;
  const r = spawnSync('java', ['-cp', process.env.JOBS_CLASSPATH, process.env.JOBS_MAIN, ...override.Command], {
    env, encoding: 'utf8', timeout: 120000,
  });
  attempt.exitCode = r.status;
  attempt.stderrTail = (r.stderr ?? '').split('\n').slice(-15).join('\n');
  const lines = (r.stdout ?? '').trim().split('\n').filter(Boolean);
  const last = lines[lines.length - 1];
  if (r.status === 0) {
    attempt.report = JSON.parse(last);
    return attempt.report;
  }
  attempt.error = ERROR_BY_EXIT_CODE[r.status] ?? 'States.TaskFailed';
  throw taskError(attempt.error, last ?? `jobs-runner exited ${r.status}`);
}

function recordNotification(params) {
  notifications.push({ topicArn: params.TopicArn, subject: params.Subject, message: params.Message });
  return { MessageId: `local-${notifications.length}` };
}

const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
const handlers = {};
for (const [name, state] of taskStates) {
  if (state.Resource.includes(':ecs:runTask')) handlers[name] = runJobsRunner;
  else if (state.Resource.includes(':sns:publish')) handlers[name] = recordNotification;
  else throw new Error(`no local handler for task state ${name} (${state.Resource})`);
}

const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:${process.env.STATE_MACHINE_NAME ?? 'local'}:local-1`;
const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
const execution = machine.run(JSON.parse(inputJson), {
  overrides: {
    taskResourceLocalHandlers: handlers,
    // the real intervals are minutes; the order and count of retries is what is under test
    retryIntervalOverrides: Object.fromEntries(taskStates.map(([n]) => [n, 0])),
  },
  context: {
    Execution: { Id: executionArn, Name: 'local-1', Input: JSON.parse(inputJson), StartTime: new Date().toISOString() },
    Task: { Token: 'local-task-token' },
  },
});

const events = [];
const collecting = (async () => { for await (const e of execution.eventLogs) events.push(e); })();
let result;
try {
  const output = await execution.result;
  result = { status: 'SUCCEEDED', output };
} catch (e) {
  // the library wraps the Fail state's error in an ExecutionError; report the state machine's own
  const failure = e.cause instanceof Error ? e.cause : e;
  result = { status: 'FAILED', error: failure.name, cause: failure.message };
}
await Promise.race([collecting, new Promise((r) => setTimeout(r, 200))]);
const retried = events.filter((e) => e.type === 'StateRetried').map((e) => e.state?.name);
const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name);
console.log(JSON.stringify({ ...result, attempts, notifications, retried, entered }));
