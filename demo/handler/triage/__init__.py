"""AI support-ticket triage on AWS Lambda durable functions.

Modules: :mod:`.ticket` (input validation), :mod:`.prompt` (the system prompt),
:mod:`.analyzer` (Bedrock and the local keyword rules, defensive parsing), :mod:`.app` (the
durable handler).
"""
