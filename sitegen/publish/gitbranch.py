"""Publish to a git branch (e.g. `gh-pages`): commit only the files that changed, then push.

A work tree under `.cache/publish/` keeps a shallow copy of the branch between runs. Each publish
fetches the branch, resets the work tree to it, mirrors the rendered site into it (changed files
rewritten, vanished ones deleted), and commits and pushes when anything differs; git stores the
unchanged files as the same objects, so a commit holds only what changed. Credentials come from
the environment: the remote URL, an SSH agent or `GIT_SSH_COMMAND`, a credential helper, or the
token `actions/checkout` leaves in CI. `rollback` reverts the last publish commit and pushes.
"""

from __future__ import annotations

import filecmp
import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from sitegen.publish.base import PublishError, PublishReport, Target, site_files

log = logging.getLogger(__name__)

KEEP = (".git", ".nojekyll", "CNAME")  # never deleted from the branch


class GitBranchTarget(Target):
    """A branch of a git remote, published through a local work tree."""

    name = "git"

    def __init__(
        self,
        remote: str,
        branch: str = "gh-pages",
        workdir: Path | None = None,
        message: str = "Publish the site",
        author: str = "jiyeok-ai-news <jiyeok-ai-news@localhost>",
        cache: Path = Path(".cache"),
    ) -> None:
        if not remote:
            raise PublishError("git target: no remote; pass --remote URL (or $JIYEOK_GIT_REMOTE)")
        self.remote = remote
        self.branch = branch
        digest = hashlib.sha1(f"{remote}#{branch}".encode()).hexdigest()[:12]
        self.workdir = workdir or cache / "publish" / f"git-{digest}"
        self.message = message
        name, _, email = author.partition("<")
        self.author_name = name.strip() or "jiyeok-ai-news"
        self.author_email = email.rstrip(">").strip() or "jiyeok-ai-news@localhost"

    # -- git -----------------------------------------------------------------------------------
    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password in cron
            "GIT_AUTHOR_NAME": self.author_name,
            "GIT_AUTHOR_EMAIL": self.author_email,
            "GIT_COMMITTER_NAME": self.author_name,
            "GIT_COMMITTER_EMAIL": self.author_email,
        }
        result = subprocess.run(
            ["git", "-C", str(self.workdir), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise PublishError(
                f"git {' '.join(args)} in {self.workdir} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-800:]}"
            )
        return result

    def _sync_branch(self) -> bool:
        """Reset the work tree to the remote branch; False when the branch does not exist yet."""
        if not (self.workdir / ".git").is_dir():
            self.workdir.mkdir(parents=True, exist_ok=True)
            self._git("init", "--quiet")
        self._git("remote", "remove", "origin", check=False)
        self._git("remote", "add", "origin", self.remote)
        exists = self._git(
            "ls-remote", "--exit-code", "--heads", "origin", self.branch, check=False
        )
        if exists.returncode == 2:  # reachable, no such branch: the first publish
            self._git("checkout", "--quiet", "--orphan", self.branch, check=False)
            self._git("rm", "-r", "--quiet", "--cached", ".", check=False)
            return False
        if exists.returncode != 0:
            raise PublishError(
                f"git remote {self.remote} is not reachable: "
                f"{exists.stderr.strip()[-500:]}; check the URL and the credentials"
            )
        self._git("fetch", "--quiet", "--depth", "1", "origin", self.branch)
        self._git("checkout", "--quiet", "-B", self.branch, "FETCH_HEAD")
        self._git("reset", "--quiet", "--hard", "FETCH_HEAD")
        self._git("clean", "--quiet", "-fdx")
        return True

    def _head(self) -> str:
        result = self._git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return result.stdout.strip()

    # -- publish -------------------------------------------------------------------------------
    def publish(self, source: Path) -> PublishReport:
        files = site_files(source)
        self._sync_branch()
        previous = self._head()
        report = PublishReport(self.name, f"{self.remote} {self.branch}", files=len(files))
        for relative, path in files.items():
            target = self.workdir / relative
            if target.is_file() and filecmp.cmp(path, target, shallow=False):
                report.unchanged += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            report.changed += 1
        for path in sorted(self.workdir.rglob("*"), reverse=True):
            relative = path.relative_to(self.workdir).as_posix()
            if relative.split("/")[0] in KEEP:
                continue
            if path.is_file() and relative not in files:
                path.unlink()
                report.deleted += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        (self.workdir / ".nojekyll").touch()  # GitHub Pages: serve _status.json and _ files
        self._git("add", "--all")
        if self._git("diff", "--cached", "--quiet", check=False).returncode == 0 and previous:
            report.version = previous
            report.notes.append("nothing changed; nothing pushed")
            log.info("git %s: the branch already has this site", self.branch)
            return report
        summary = f"{self.message}: {report.changed} changed, {report.deleted} removed"
        self._git("commit", "--quiet", "-m", summary)
        self._git("push", "--quiet", "origin", f"HEAD:refs/heads/{self.branch}")
        report.version = self._head()
        report.previous = previous
        log.info("pushed %s to %s %s", report.version[:12], self.remote, self.branch)
        return report

    def rollback(self) -> PublishReport:
        if not self._sync_branch():
            raise PublishError(f"{self.remote} has no branch {self.branch}: nothing to roll back")
        self._git("fetch", "--quiet", "--depth", "2", "origin", self.branch)
        if self._git("rev-parse", "--verify", "--quiet", "HEAD~1", check=False).returncode != 0:
            raise PublishError(f"{self.branch} has a single commit: nothing to roll back to")
        current = self._head()
        self._git("revert", "--no-edit", "HEAD")
        self._git("push", "--quiet", "origin", f"HEAD:refs/heads/{self.branch}")
        report = PublishReport(self.name, f"{self.remote} {self.branch}", previous=current)
        report.version = self._head()
        report.notes.append(f"reverted {current[:12]}")
        log.warning("rolled back %s %s by reverting %s", self.remote, self.branch, current[:12])
        return report
