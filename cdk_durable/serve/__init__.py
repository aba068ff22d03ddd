"""``cdk-durable serve``: a local durable-functions service with AWS's own API, no Docker.

- :mod:`.service` - AWS's emulator (the testing SDK's ``WebRunner``: routes, executor, stores) plus
  the Lambda side: each invocation in a worker process with Lambda's environment and timeout
- :mod:`.handler` - HTTP: Lambda ``Invoke``, the calls the emulator lacks, then the emulator's routes
- :mod:`.cli` - the click :data:`command`
"""

from __future__ import annotations

from .cli import command
from .service import DEFAULT_PORT, Service

__all__ = ["DEFAULT_PORT", "Service", "command"]
