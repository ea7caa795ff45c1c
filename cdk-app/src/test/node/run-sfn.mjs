// Executes one synthesized state machine definition locally (aws-local-stepfunctions), with the
// ECS RunTask state replaced by running the real jobs-runner main class and the SNS publish
// replaced by recording the message. Prints one JSON line: status, output/error, every RunTask
// attempt, every notification, and the states entered and retried. Driven by StateMachineLocalTest.
//
//   node run-sfn.mjs <asl.json> <input-json>
// env: JOBS_CLASSPATH  the jobs-runner's classpath
//      JOBS_MAIN       its main class
//      JOB_ENV         JSON object: the task definition's environment as it is locally
//      FAIL_FIRST      optional "<n>:<error name>": the first n RunTask calls fail with that error
//                      before any container starts, as ECS does when Fargate has no capacity
//      CSP_FAIL_FIRST  optional n: the stub CSP API answers the first n requests with 503
//      CSP_STALL       optional "1": the stub CSP API accepts every request and never answers
//      HEARTBEAT_TIMEOUT_SECONDS  optional: replaces the RunTask state's HeartbeatSeconds (the
//                      synthesized value is minutes; the behaviour is what is under test)
//      REDRIVE_JOB_ENV optional JSON object: when the execution fails, the operator fixes the
//                      task's environment to this and redrives it. Redrive restarts the execution
//                      at the state that failed, with that state's input (AWS's redrive, which
//                      aws-local-stepfunctions lacks: the definition is run again from that state);
//                      the output line then has "redrive": {failedState, status, error, attempts, entered}
//
// Heartbeat timeouts are modelled as Step Functions applies them: an attempt that sends no
// SendTaskHeartbeat (or callback) for HeartbeatSeconds fails with States.HeartbeatTimeout at once,
// whether or not its container is still running, and its token is dead from then on: every later
// call with it is answered 400 TaskTimedOut. The runner's process is still watched to its exit,
// so the test sees what a timed-out runner does (exit code, report, calls after the timeout).
//
// The runner gets TASK_TOKEN and reports to Step Functions itself (design §6): SFN_ENDPOINT points
// it at a stub in this process that takes SendTaskHeartbeat/Success/Failure, and the task state
// ends the way Step Functions would end it on that callback. The same server stubs the CSP API
// (GET /v2/current_user/accounts) for runs with PROVIDER=csp.
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';

const [aslPath, inputJson] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(aslPath, 'utf8'));
let jobEnv = JSON.parse(process.env.JOB_ENV ?? '{}');
const [failFirstCount, failFirstError] = (process.env.FAIL_FIRST ?? '0:').split(':');
let ecsFailuresLeft = Number(failFirstCount);
let cspFailuresLeft = Number(process.env.CSP_FAIL_FIRST ?? '0');
const cspStall = process.env.CSP_STALL === '1';
const stalledResponses = [];
const runners = []; // every runner process, awaited before the result is printed

// The runner's exit codes and its SendTaskFailure error names are one contract (design §6).
const EXIT_CODE_BY_ERROR = { JobFailed: 1, InvalidConfig: 2, UpstreamUnavailable: 3 };

const attempts = [];
const notifications = [];
const callbacks = new Map(); // task token -> { heartbeats, outcome }
const cspRequests = [];

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => resolve(body));
  });
}

const server = createServer(async (req, res) => {
  const body = await readBody(req);
  const target = req.headers['x-amz-target'] ?? '';
  if (target.startsWith('AWSStepFunctions.')) {
    const action = target.slice('AWSStepFunctions.'.length);
    const call = JSON.parse(body || '{}');
    const entry = callbacks.get(call.taskToken);
    if (!entry) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'TaskDoesNotExist', message: 'unknown task token' }));
      return;
    }
    if (entry.timedOut) {
      entry.callsAfterTimeout.push(action);
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'TaskTimedOut', message: 'Task Timed Out' }));
      return;
    }
    entry.lastBeat = Date.now();
    if (action === 'SendTaskHeartbeat') entry.heartbeats++;
    else if (action === 'SendTaskSuccess') entry.outcome ??= { success: true, output: call.output };
    else if (action === 'SendTaskFailure') entry.outcome ??= { success: false, error: call.error, cause: call.cause };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
    return;
  }
  if (req.url.startsWith('/v2/current_user/accounts')) {
    cspRequests.push(req.url);
    if (cspStall) {
      stalledResponses.push(res); // never answered: a wedged upstream
      return;
    }
    if (cspFailuresLeft > 0) {
      cspFailuresLeft--;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"unavailable"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ results: [
      { id: 'identity/accounts/7d1c1f36-1d3e-4f5e-9a0b-000000000001', csp_id: '8001', name: 'lab-csp-0001', account_type: 'sandbox', state: 'active' },
      { id: 'identity/accounts/7d1c1f36-1d3e-4f5e-9a0b-000000000002', csp_id: '8002', name: 'lab-csp-0002', account_type: 'sandbox', state: 'active' },
    ] }));
    return;
  }
  res.writeHead(404);
  res.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const stubUrl = `http://127.0.0.1:${server.address().port}`;

function taskError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

function runProcess(args, env) {
  return new Promise((resolve) => {
    const child = spawn('java', args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

async function runJobsRunner(params, stateName) {
  const override = params.Overrides.ContainerOverrides[0];
  const overrideEnv = Object.fromEntries((override.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
  const attempt = { command: override.Command, overrideEnv: Object.keys(overrideEnv).sort(), taskToken: overrideEnv.TASK_TOKEN };
  attempts.push(attempt);
  if (ecsFailuresLeft > 0) {
    ecsFailuresLeft--;
    attempt.error = failFirstError;
    throw taskError(failFirstError, 'Capacity is unavailable at this time. (simulated RunTask failure)');
  }
  // one token per attempt, as Step Functions issues a fresh token for every retry
  const token = `${overrideEnv.TASK_TOKEN}-${attempts.length}`;
  const entry = { heartbeats: 0, outcome: undefined, lastBeat: Date.now(), timedOut: false, callsAfterTimeout: [] };
  callbacks.set(token, entry);
  const env = {
    ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    ...jobEnv, ...overrideEnv, TASK_TOKEN: token, SFN_ENDPOINT: stubUrl,
  };
  if (env.PROVIDER === 'csp') env.CSP_BASE_URL = `${stubUrl}/v2`;
  const running = runProcess(['-cp', process.env.JOBS_CLASSPATH, process.env.JOBS_MAIN, ...override.Command], env);
  runners.push(running.then((r) => {
    if (entry.timedOut) {
      // what the runner did after Step Functions gave up on it
      attempt.exitCode = r.code;
      attempt.exitedAfterTimeoutMs = Date.now() - entry.timedOutAt;
      attempt.heartbeats = entry.heartbeats;
      attempt.callsAfterTimeout = entry.callsAfterTimeout;
      attempt.stderrTail = r.stderr.split('\n').slice(-15).join('\n');
      const out = r.stdout.trim().split('\n').filter(Boolean);
      attempt.stdoutLines = out.length;
      if (out.length) attempt.report = JSON.parse(out[out.length - 1]);
    }
  }));
  const heartbeatMs = 1000 * Number(process.env.HEARTBEAT_TIMEOUT_SECONDS ?? definition.States[stateName]?.HeartbeatSeconds ?? 0);
  let watchdog;
  const timedOut = new Promise((resolve) => {
    if (!heartbeatMs) return;
    watchdog = setInterval(() => {
      if (!entry.outcome && Date.now() - entry.lastBeat > heartbeatMs) {
        clearInterval(watchdog);
        entry.timedOut = true;
        entry.timedOutAt = Date.now();
        resolve('timeout');
      }
    }, 100);
  });
  const first = await Promise.race([running, timedOut]);
  clearInterval(watchdog);
  if (first === 'timeout') {
    attempt.error = 'States.HeartbeatTimeout';
    attempt.callback = 'none';
    throw taskError(attempt.error, 'no heartbeat within HeartbeatSeconds');
  }
  const r = first;
  attempt.exitCode = r.code;
  attempt.heartbeats = entry.heartbeats;
  attempt.stderrTail = r.stderr.split('\n').slice(-15).join('\n');
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  attempt.stdoutLines = lines.length;
  if (lines.length) attempt.report = JSON.parse(lines[lines.length - 1]);
  attempt.callback = entry.outcome ? (entry.outcome.success ? 'SendTaskSuccess' : 'SendTaskFailure') : 'none';
  if (!entry.outcome) {
    // the task stopped without a callback: Step Functions would end the state on the heartbeat timeout
    attempt.error = 'States.HeartbeatTimeout';
    throw taskError(attempt.error, 'no callback from the jobs-runner');
  }
  if (entry.outcome.success) {
    attempt.exitCodeMatchesCallback = r.code === 0;
    return JSON.parse(entry.outcome.output);
  }
  attempt.error = entry.outcome.error;
  attempt.exitCodeMatchesCallback = EXIT_CODE_BY_ERROR[entry.outcome.error] === r.code;
  throw taskError(entry.outcome.error, entry.outcome.cause ?? '');
}

function recordNotification(params) {
  notifications.push({ topicArn: params.TopicArn, subject: params.Subject, message: params.Message });
  return { MessageId: `local-${notifications.length}` };
}

const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
const handlers = {};
for (const [name, state] of taskStates) {
  if (state.Resource.includes(':ecs:runTask')) handlers[name] = (params) => runJobsRunner(params, name);
  else if (state.Resource.includes(':sns:publish')) handlers[name] = recordNotification;
  else throw new Error(`no local handler for task state ${name} (${state.Resource})`);
}

const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:${process.env.STATE_MACHINE_NAME ?? 'local'}:local-1`;

async function execute(def, input, redriving = false) {
  // a redrive starts at the failed state, so the states before it are unreachable from there: the
  // definition was validated as a whole by the first execution
  const validationOptions = redriving ? { noValidate: true } : { checkArn: true, checkPaths: true };
  const machine = new StateMachine(def, { validationOptions });
  const execution = machine.run(input, {
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
  let outcome;
  try {
    const output = await execution.result;
    outcome = { status: 'SUCCEEDED', output };
  } catch (e) {
    // the library wraps the Fail state's error in an ExecutionError; report the state machine's own
    const failure = e.cause instanceof Error ? e.cause : e;
    outcome = { status: 'FAILED', error: failure.name, cause: failure.message };
  }
  await Promise.race([collecting, new Promise((r) => setTimeout(r, 200))]);
  const retried = events.filter((e) => e.type === 'StateRetried').map((e) => e.state?.name);
  const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name);
  const enteredInputs = events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.input);
  return { outcome, retried, entered, enteredInputs };
}

const first = await execute(definition, JSON.parse(inputJson));
const result = first.outcome;
const { retried, entered } = first;
const firstAttempts = attempts.slice();
let redrive;
if (result.status === 'FAILED' && process.env.REDRIVE_JOB_ENV) {
  jobEnv = JSON.parse(process.env.REDRIVE_JOB_ENV);
  const failedState = entered[entered.length - 1];
  const input = first.enteredInputs[first.enteredInputs.length - 1] ?? JSON.parse(inputJson);
  const attemptsBefore = attempts.length;
  const again = await execute({ ...definition, StartAt: failedState }, input, true);
  redrive = { failedState, ...again.outcome, attempts: attempts.slice(attemptsBefore), entered: again.entered };
}
await Promise.all(runners); // timed-out runners included: each is killed after 180 s at the latest
for (const res of stalledResponses) res.destroy();
server.close();
console.log(JSON.stringify({ ...result, attempts: firstAttempts, notifications, retried, entered, cspRequests: cspRequests.length, redrive }));
process.exit(0);
