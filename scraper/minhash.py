"""MinHash signatures over character shingles, to find wire copies of one story on several outlets.

연합뉴스/뉴시스 text republished by regional papers keeps its sentences but changes the title,
the dateline ("(대전=연합뉴스)" / "[대전=뉴시스]"), the byline and the boilerplate, and is often
cut. So the text is reduced to its letters and digits, cut into overlapping 5-character shingles,
and two articles are copies when most of the shorter one's shingles are in the other
(containment, estimated from the MinHash Jaccard and the two shingle counts).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

SHINGLE = 5
PERMUTATIONS = 128
MERSENNE = np.uint64((1 << 31) - 1)
MIN_SHINGLES = 60  # shorter texts say too little to call them copies
CONTAINMENT = 0.75  # share of the shorter text's shingles found in the other

_rng = np.random.default_rng(20261102)  # fixed: signatures are stored and compared across runs
_A = _rng.integers(1, int(MERSENNE), PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, int(MERSENNE), PERMUTATIONS, dtype=np.uint64)
_NOT_WORD = re.compile(r"[\W_]+")
_MULTIPLIER = np.uint64(1_000_003)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of `text`'s 5-character shingles (letters and digits only)."""
    letters = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())
    if len(letters) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping multiplication is the point of the hash
        for offset in range(SHINGLE):
            hashes = hashes * _MULTIPLIER + codes[offset : offset + count]
    return np.unique(hashes)


def signature(text: str) -> np.ndarray:
    """`[shingle count, min-hash × 128]` as uint32: what is stored per article."""
    hashes = shingle_hashes(text) % MERSENNE
    out = np.empty(PERMUTATIONS + 1, dtype=np.uint32)
    out[0] = min(len(hashes), np.iinfo(np.uint32).max)
    if len(hashes) == 0:
        out[1:] = np.iinfo(np.uint32).max
        return out
    permuted = (_A[:, None] * hashes[None, :] + _B[:, None]) % MERSENNE
    out[1:] = permuted.min(axis=1).astype(np.uint32)
    return out


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated share of the smaller text's shingles that the other text has too."""
    return float(containments(a, b[None, :])[0])


def containments(sig: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """`containment(sig, row)` for every row of `pool` (an n × 129 matrix), vectorised."""
    n_a = float(sig[0])
    n_b = pool[:, 0].astype(np.float64)
    jaccard = (pool[:, 1:] == sig[1:]).mean(axis=1)
    shared = jaccard * (n_a + n_b) / (1.0 + jaccard)
    smaller = np.minimum(n_a, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(smaller >= MIN_SHINGLES, shared / smaller, 0.0)
    return np.clip(result, 0.0, 1.0)


def is_copy(a: np.ndarray, b: np.ndarray, threshold: float = CONTAINMENT) -> bool:
    """True when the two signatures are of near-identical texts (one a wire copy of the other)."""
    return containment(a, b) >= threshold
