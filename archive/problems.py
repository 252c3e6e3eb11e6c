"""A problem found in an editor's file: where it is, what is wrong and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of `build.py check`, printed as `file:line: message (hint)`."""

    file: Path
    line: int
    message: str
    hint: str = ""
    severity: str = "error"  # error | warning

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self, relative_to: Path | None = None) -> str:
        """`file:line: message (hint)`, the file relative to `relative_to` when inside it."""
        name = self.file
        if relative_to is not None:
            try:
                name = self.file.resolve().relative_to(relative_to.resolve())
            except ValueError:
                name = self.file
        prefix = "" if self.is_error else "warning: "
        text = f"{name}:{self.line}: {prefix}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text
