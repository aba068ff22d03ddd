"""The vendored SDK tests in sdk_tests/ are lint test data, never collected as tests."""

collect_ignore = ["sdk_tests"]
