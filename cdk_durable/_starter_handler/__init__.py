"""Handler code of :class:`cdk_durable.AsyncStarter` (deployed as an asset; ``index.py`` only)."""
