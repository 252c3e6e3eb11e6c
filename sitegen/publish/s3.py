"""Publish to an S3-compatible bucket: upload only changed objects, with their Content-Type and
Cache-Control, then delete the objects the site no longer has.

Credentials come from the environment only (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
optional `AWS_SESSION_TOKEN`); the endpoint from `--endpoint-url` or `AWS_ENDPOINT_URL` for
services other than AWS. An object is unchanged when its ETag is the MD5 of the local file (every
object is uploaded in one part, so that holds). A bucket cannot be swapped atomically: new assets
go up first, then pages, then feeds and the sitemap, and deletions come last, so a page never
links to an asset that is not there yet. To roll back, publish the directory target's previous
release with `--source`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sitegen.publish.base import (
    PublishError,
    PublishReport,
    Target,
    cache_control,
    content_type,
    md5_file,
    site_files,
)

log = logging.getLogger(__name__)


def upload_order(relative: str) -> tuple[int, str]:
    """Assets first, then pages, then feeds and the sitemap that point readers at pages."""
    kind = content_type(relative)
    if kind.startswith("text/html"):
        return (1, relative)
    if kind.startswith(("application/atom", "application/xml")) or relative == "_status.json":
        return (2, relative)
    return (0, relative)


class S3Target(Target):
    """A bucket (and optional key prefix) of S3 or an S3-compatible service."""

    name = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        force: bool = False,
    ) -> None:
        if not bucket:
            raise PublishError("s3 target: no bucket; pass --bucket NAME (or $JIYEOK_S3_BUCKET)")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.region = region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.force = force

    def _client(self):
        import boto3

        key = os.environ.get("AWS_ACCESS_KEY_ID")
        secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
        if not key or not secret:
            raise PublishError(
                "s3 target: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment "
                "(credentials are read from the environment only)"
            )
        session = boto3.session.Session(
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=os.environ.get("AWS_SESSION_TOKEN") or None,
            region_name=self.region,
        )
        return session.client("s3", endpoint_url=self.endpoint_url)

    def remote_objects(self, client) -> dict[str, str]:
        """Key (without the prefix) → ETag (without quotes) of every object under the prefix."""
        found: dict[str, str] = {}
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                found[item["Key"][len(self.prefix) :]] = item["ETag"].strip('"')
        return found

    def publish(self, source: Path) -> PublishReport:
        from botocore.exceptions import BotoCoreError, ClientError

        files = site_files(source)
        report = PublishReport(self.name, f"s3://{self.bucket}/{self.prefix}", files=len(files))
        try:
            client = self._client()
            remote = self.remote_objects(client)
            for relative in sorted(files, key=upload_order):
                path = files[relative]
                if not self.force and remote.get(relative) == md5_file(path):
                    report.unchanged += 1
                    continue
                with path.open("rb") as body:
                    client.put_object(
                        Bucket=self.bucket,
                        Key=self.prefix + relative,
                        Body=body,
                        ContentType=content_type(relative),
                        CacheControl=cache_control(relative),
                    )
                report.changed += 1
            gone = sorted(set(remote) - set(files))
            for start in range(0, len(gone), 1000):
                batch = [{"Key": self.prefix + key} for key in gone[start : start + 1000]]
                result = client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
                if result.get("Errors"):
                    first = result["Errors"][0]
                    raise PublishError(
                        f"s3://{self.bucket}: could not delete {first.get('Key')}: "
                        f"{first.get('Message')}"
                    )
                report.deleted += len(batch)
        except (BotoCoreError, ClientError) as exc:
            raise PublishError(
                f"s3://{self.bucket} ({self.endpoint_url or 'AWS'}): {exc}; check the bucket, "
                "the endpoint and the credentials in the environment"
            ) from exc
        log.info(
            "s3://%s/%s: %d uploaded, %d unchanged, %d deleted",
            self.bucket,
            self.prefix,
            report.changed,
            report.unchanged,
            report.deleted,
        )
        return report

    def rollback(self) -> PublishReport:
        raise PublishError(
            "the s3 target keeps no earlier site: publish an earlier release instead, e.g. "
            "build.py publish --target s3 --source DEST.releases/<release> (the directory "
            "target keeps them), or restore from the bucket's versioning"
        )
