// Replay-determinism rules for durable handlers: a small local ESLint plugin (scope-aware).
//
// A durable handler's code outside steps runs again on every replay, so it must compute the same
// values each time. AWS's @aws/durable-execution-sdk-js-eslint-plugin has these checks but is not
// published on the npm registry; this plugin implements its two core rules with ESLint's scope
// analysis, so a helper that is only ever called inside steps is not reported:
//
// - durable/no-non-deterministic-outside-step: Date.now(), new Date(), Math.random(), randomUUID(),
//   performance.now() outside a step callback, unless every call of the function around them is
//   itself inside a step (followed through helpers of the same file: a function called only from
//   step callbacks, or passed as one, counts as inside the step);
// - durable/no-nested-durable-operations: a durable operation (context.step, wait, map, ...) inside
//   a step callback; group operations with context.runInChildContext(...) instead.
//
// A function that is exported, or passed or stored anywhere but a step, may run outside a step:
// its non-deterministic calls are reported.

const DURABLE_OPERATIONS = new Set([
  "step", "wait", "waitForCallback", "createCallback", "waitForCondition", "runInChildContext", "map", "parallel", "invoke",
]);
const CONTEXT_NAME = /[cC]ontext$|^ctx$/;

function isFunction(node) {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}

/** `<x>.step(...)`: the call whose function arguments run inside a step. */
function isStepCall(node) {
  return (
    node?.type === "CallExpression" &&
    node.callee.type === "MemberExpression" &&
    !node.callee.computed &&
    node.callee.property.name === "step"
  );
}

/** A function passed to `<x>.step(...)`: the step callback itself. */
function isStepCallback(fn) {
  return isStepCall(fn.parent) && fn.parent.arguments.includes(fn);
}

/** What a non-deterministic call looks like (`null` if `node` is none). */
function nonDeterministic(node) {
  if (node.type === "NewExpression") {
    return node.callee.type === "Identifier" && node.callee.name === "Date" && node.arguments.length === 0 ? "new Date()" : null;
  }
  const callee = node.callee;
  if (callee.type === "Identifier" && callee.name === "randomUUID") return "randomUUID()";
  if (callee.type !== "MemberExpression" || callee.computed) return null;
  const object = callee.object.type === "Identifier" ? callee.object.name : null;
  const method = callee.property.name;
  if (method === "randomUUID") return "randomUUID()";
  if (object === "Date" && method === "now") return "Date.now()";
  if (object === "Math" && method === "random") return "Math.random()";
  if (object === "performance" && method === "now") return "performance.now()";
  return null;
}

/** The variable a function is bound to (`function f`, `const f = () => ...`), if any. */
function boundVariable(sourceCode, fn) {
  if (fn.type === "FunctionDeclaration" && fn.id) return sourceCode.getDeclaredVariables(fn)[0] ?? null;
  const parent = fn.parent;
  if (parent?.type === "VariableDeclarator" && parent.init === fn && parent.id.type === "Identifier") {
    return sourceCode.getDeclaredVariables(parent)[0] ?? null;
  }
  return null;
}

function isExported(fn) {
  let node = fn.parent;
  while (node && (node.type === "VariableDeclarator" || node.type === "VariableDeclaration")) node = node.parent;
  return node?.type === "ExportNamedDeclaration" || node?.type === "ExportDefaultDeclaration" || fn.parent?.type === "ExportNamedDeclaration" || fn.parent?.type === "ExportDefaultDeclaration";
}

// Messages are built here, not with ESLint's placeholders (the project template renders double braces).
function outsideStepMessage(what) {
  return (
    `${what} outside a step: it changes on every replay. Compute it inside context.step(...) so it is ` +
    "checkpointed (a helper called only inside steps is fine)."
  );
}

const noNonDeterministicOutsideStep = {
  meta: {
    type: "problem",
    docs: { description: "non-deterministic values only inside durable steps (replay determinism)" },
    schema: [],
  },
  create(context) {
    const sourceCode = context.sourceCode;
    const found = [];
    const memo = new Map();

    /** Does `node` only ever run inside a step? */
    function insideStep(node, visiting) {
      for (let current = node.parent; current; current = current.parent) {
        if (!isFunction(current)) continue;
        if (isStepCallback(current)) return true;
        return onlyCalledInsideSteps(current, visiting);
      }
      return false; // top level: runs on every replay
    }

    /** Is every use of `fn` a call (or a step callback) inside a step? */
    function onlyCalledInsideSteps(fn, visiting) {
      if (memo.has(fn)) return memo.get(fn);
      if (visiting.has(fn)) return true; // recursion: decided by the other uses
      if (isExported(fn)) return remember(fn, false);
      const variable = boundVariable(sourceCode, fn);
      if (!variable) return remember(fn, false); // anonymous and not a step callback: a callback of anything
      const uses = variable.references.filter((ref) => !ref.init);
      if (uses.length === 0) return remember(fn, false);
      visiting.add(fn);
      const result = uses.every((ref) => {
        const id = ref.identifier;
        const parent = id.parent;
        if (isStepCall(parent) && parent.arguments.includes(id)) return true; // passed as the step callback
        if (parent.type === "CallExpression" && parent.callee === id) return insideStep(parent, visiting);
        return false; // stored, passed on or exported: may run anywhere
      });
      visiting.delete(fn);
      return remember(fn, result);
    }

    function remember(fn, value) {
      memo.set(fn, value);
      return value;
    }

    function check(node) {
      const what = nonDeterministic(node);
      if (what) found.push({ node, what });
    }

    return {
      CallExpression: check,
      NewExpression: check,
      "Program:exit"() {
        for (const { node, what } of found) {
          if (!insideStep(node, new Set())) context.report({ node, message: outsideStepMessage(what) });
        }
      },
    };
  },
};

const noNestedDurableOperations = {
  meta: {
    type: "problem",
    docs: { description: "no durable operation inside a step callback" },
    schema: [],
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== "MemberExpression" || callee.computed || !DURABLE_OPERATIONS.has(callee.property.name)) return;
        if (callee.object.type !== "Identifier" || !CONTEXT_NAME.test(callee.object.name)) return;
        for (let current = node.parent; current; current = current.parent) {
          if (isFunction(current) && isStepCallback(current)) {
            context.report({
              node,
              message: `Durable operation ${callee.property.name}() inside a step function: use context.runInChildContext(...) to group operations.`,
            });
            return;
          }
        }
      },
    };
  },
};

export default {
  meta: { name: "durable-replay" },
  rules: {
    "no-non-deterministic-outside-step": noNonDeterministicOutsideStep,
    "no-nested-durable-operations": noNestedDurableOperations,
  },
};
