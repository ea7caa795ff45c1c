// Executes the preview teardown state machine locally (aws-local-stepfunctions), the AWS calls
// replaced by handlers that record them. Prints one JSON line: status, the calls in order, the
// notifications, the states entered. Driven by PreviewTeardownLocalTest.
//
//   node run-teardown.mjs <asl.json> <input-json>
// env: FAIL  optional comma-separated task states whose call fails (e.g. "ScaleApiToZero")
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

const [aslPath, inputJson] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(aslPath, 'utf8'));
const failing = new Set((process.env.FAIL ?? '').split(',').filter(Boolean));
const calls = [];
const notifications = [];

function handlerFor(name, resource) {
  return async (params) => {
    calls.push({ state: name, resource, params });
    if (failing.has(name)) {
      const e = new Error(`simulated failure of ${resource}`);
      e.name = resource.includes('cloudformation') ? 'CloudFormation.CloudFormationException' : 'Ecs.EcsException';
      throw e;
    }
    if (resource.includes(':sns:publish')) {
      notifications.push({ topicArn: params.TopicArn, subject: params.Subject, message: params.Message });
      return { MessageId: `local-${notifications.length}` };
    }
    return {};
  };
}

const handlers = {};
const waits = {};
for (const [name, state] of Object.entries(definition.States)) {
  if (state.Type === 'Task') handlers[name] = handlerFor(name, state.Resource);
  if (state.Type === 'Wait') waits[name] = 0; // the real wait is an hour; the order is under test
}
const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
const execution = machine.run(JSON.parse(inputJson), {
  overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits },
});
const events = [];
const collecting = (async () => { for await (const e of execution.eventLogs) events.push(e); })();
let result;
try {
  result = { status: 'SUCCEEDED', output: await execution.result };
} catch (e) {
  const failure = e.cause instanceof Error ? e.cause : e;
  result = { status: 'FAILED', error: failure.name, cause: failure.message };
}
await Promise.race([collecting, new Promise((r) => setTimeout(r, 200))]);
const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name);
console.log(JSON.stringify({ ...result, calls, notifications, entered }));
process.exit(0);
