"""About twenty seconds of the fuzzing that `benchmarks/fuzz_parse_classify.py` runs for minutes.

Mutated real-world messages (byte flips, truncation, mangled headers and
boundaries, random charsets and encodings, deep nesting) must parse into a
`Message` or fail with a `ParseError`, and classify into a valid `Evidence`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FUZZ_SECONDS = 20
SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_parse_classify.py"


def _fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_parse_classify", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_mutated_real_mail_parses_and_classifies_or_fails_cleanly(tmp_path: Path) -> None:
    fuzzer = _fuzzer()
    tally = fuzzer.Tally(failures=tmp_path / "failures")
    fuzzer.run_for(FUZZ_SECONDS, tally, chunk=50)
    assert tally.inputs >= 50
    assert not (tmp_path / "failures").exists()
