"""Publish targets: the rendered site made live in a directory, a git branch or an S3 bucket."""

from sitegen.publish.base import PublishError, PublishReport, Target

__all__ = ["PublishError", "PublishReport", "Target"]
