// aws-local-stepfunctions 3.0.0 (the only version npm serves) needs Node >= 22 for
// Promise.withResolvers; the build machines run Node 20. Without this, the Task state fails with a
// TypeError that the state machine's own Catch swallows (toolchain.md gotcha 15).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new this((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}
