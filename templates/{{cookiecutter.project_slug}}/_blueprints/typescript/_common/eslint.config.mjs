// ESLint flat config: typescript-eslint's type-aware rules plus replay-determinism rules.
//
// AWS's own @aws/durable-execution-sdk-js-eslint-plugin is not published on the npm registry, so
// its two core checks come from a small local plugin, eslint/replay-rules.mjs (scope-aware: a helper
// called only inside steps is not reported).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import durable from "./eslint/replay-rules.mjs";

export default tseslint.config(
  { ignores: [".build/", ".aws-sam/", "cdk.out/", "node_modules/", "coverage/", "eslint/", "*.config.*", "*.py"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/require-await": "off", // step functions are async by contract
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // The package root re-exports every AWS service's module: tsc and these type-aware rules
      // then read all of their declarations (3,490 files instead of 2,096, about 40 % of their time).
      "no-restricted-imports": [
        "error",
        { name: "aws-cdk-lib", message: "Import from aws-cdk-lib/core or the service's module (aws-cdk-lib/aws-lambda)." },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { durable },
    rules: {
      "durable/no-non-deterministic-outside-step": "error",
      "durable/no-nested-durable-operations": "error",
    },
  },
);
