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
