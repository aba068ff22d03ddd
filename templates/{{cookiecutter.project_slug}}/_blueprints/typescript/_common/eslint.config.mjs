// ESLint flat config: typescript-eslint's type-aware rules plus replay-determinism rules.
//
// AWS's own @aws/durable-execution-sdk-js-eslint-plugin is not published on the npm registry,
// so its two core checks are expressed with ESLint's built-in no-restricted-syntax:
// non-deterministic calls (clock, randomness, ids) and durable operations nested in a step.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const DURABLE_OPS =
  "step|wait|waitForCallback|createCallback|waitForCondition|runInChildContext|map|parallel|invoke";
const IN_STEP = "CallExpression[callee.property.name='step'] > :function";

export default tseslint.config(
  { ignores: [".build/", ".aws-sam/", "cdk.out/", "node_modules/", "coverage/", "*.config.*", "*.py"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/require-await": "off", // step functions are async by contract
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `:matches(CallExpression[callee.object.name='Date'][callee.property.name='now'], NewExpression[callee.name='Date'][arguments.length=0], CallExpression[callee.object.name='Math'][callee.property.name='random'], CallExpression[callee.property.name='randomUUID'], CallExpression[callee.object.name='performance'][callee.property.name='now']):not(${IN_STEP} *)`,
          message:
            "Non-deterministic value outside a step: it changes on every replay. Compute it inside context.step(...) so it is checkpointed.",
        },
        {
          selector: `${IN_STEP} CallExpression[callee.property.name=/^(${DURABLE_OPS})$/][callee.object.name=/[cC]ontext$|^ctx$/]`,
          message: "Durable operation inside a step function: use context.runInChildContext(...) to group operations.",
        },
      ],
    },
  },
);
