// A long-running Node.js function on the nodejs*.x managed runtime: a counter kept in memory across events, so a
// checkpoint and restore that lost the process's state would show. Deploy with Handler index.handler.
let count = 0;

export const handler = async (event, context) => {
  if (event.fail) throw new TypeError("asked to fail");
  count += 1;
  console.log(`event ${count}: ${JSON.stringify(event)}`); // what a function logs is its log
  return { count, pid: process.pid, echo: event, requestId: context.awsRequestId, remainingMs: context.getRemainingTimeInMillis() };
};
