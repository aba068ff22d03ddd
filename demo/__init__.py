"""The support-triage demo: a durable workflow, its CDK stack and scripted local scenarios."""
