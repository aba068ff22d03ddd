#!/usr/bin/env bash
# Build, package and deploy {{ cookiecutter.project_name }} with plain CloudFormation.
#
#   ARTIFACT_BUCKET=my-bucket ./scripts/deploy.sh
#
# 1. `make build` puts the handler and its dependencies in .build/function;
# 2. `aws cloudformation package` zips it, uploads it to ARTIFACT_BUCKET and rewrites `Code:`;
# 3. `aws cloudformation deploy` creates or updates the stack. CodeVersion (a hash of the code and
#    the template) publishes a new Lambda version, and moves the alias to it, whenever either changes.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK_NAME="${STACK_NAME:-{{ cookiecutter.project_slug }}}"
AWS="${AWS:-aws}"
: "${ARTIFACT_BUCKET:?set ARTIFACT_BUCKET to an S3 bucket in the target region for the function code}"

make build
# The code and the template: a configuration change (memory, environment) also needs a new version,
# because the alias serves the configuration that was published with the version.
code_version="$({ (cd .build/function && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); \
  sha256sum template.yaml; } | sha256sum | cut -c1-16)"

$AWS cloudformation package \
  --template-file template.yaml \
  --s3-bucket "$ARTIFACT_BUCKET" \
  --s3-prefix "$STACK_NAME" \
  --output-template-file .build/packaged.yaml

$AWS cloudformation deploy \
  --template-file .build/packaged.yaml \
  --stack-name "$STACK_NAME" \
  --capabilities CAPABILITY_IAM \
  --parameter-overrides "CodeVersion=$code_version"

$AWS cloudformation describe-stacks --stack-name "$STACK_NAME" --query "Stacks[0].Outputs" --output table
