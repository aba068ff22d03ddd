"""Lambda code asset of the triage workflow: ``demo/handler`` is deployed as is.

The Lambda handler is ``triage.app.handler``.
"""
