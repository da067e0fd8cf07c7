// A CommonJS module with a callback handler, as older Lambda functions are written: it answers through the callback,
// later than it returns.
let count = 0;

exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { count: ++count, remainingMs: context.getRemainingTimeInMillis() }), 20);
};
